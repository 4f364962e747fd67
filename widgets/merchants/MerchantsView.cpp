#include "merchants/MerchantsView.h"

#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "common/Tables.h"
#include "platform/async/WhenFinished.h"

#include <QComboBox>
#include <QDateTime>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace paydesk::console {

namespace {
QString time(const QJsonValue &value)
{
    const QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("–");
}

QString minor(const QJsonValue &value, const QString &currency)
{
    // Minor units → major with two decimals; every currency the limits carry has two.
    const qint64 amount = value.toInteger();
    return QStringLiteral("%1 %2").arg(QLocale().toString(double(amount) / 100.0, 'f', 2), currency);
}

QTableWidget *table(const QStringList &headers)
{
    auto *t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    return t;
}

void setRow(QTableWidget *t, int row, const QStringList &cells)
{
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells[c]));
}
} // namespace

MerchantsView::MerchantsView(api::PlatformClient *client, QWidget *parent)
    : QWidget(parent), m_client(client), m_query(new QLineEdit), m_statusFilter(new QComboBox),
      m_results(new QTableView), m_resultModel(new QStandardItemModel(0, 5, this)), m_error(new QLabel),
      m_tabs(new QTabWidget), m_overview(new QLabel),
      m_history(table({tr("When"), tr("From"), tr("To"), tr("By"), tr("Reason")})),
      m_activate(new QPushButton(tr("Ac&tivate…"))), m_suspend(new QPushButton(tr("&Suspend…"))),
      m_limits(table({tr("Currency"), tr("Window"), tr("Used"), tr("Limit"), tr("Remaining"), tr("Count"),
                      tr("Warning")})),
      m_limitProfile(new QLabel), m_keys(table({tr("Key"), tr("Env"), tr("Status"), tr("Label"),
                                                tr("Created"), tr("Last used"), tr("Grace until")})),
      m_debounce(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 8);
    auto *title = new QLabel(tr("Merchants"));
    title->setObjectName(QStringLiteral("viewTitle"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addSpacing(16);
    m_query->setPlaceholderText(tr("Search name, e-mail or company (Ctrl+F)"));
    m_query->setClearButtonEnabled(true);
    header->addWidget(m_query, 1);
    m_statusFilter->addItems({tr("any status"), QStringLiteral("pending"), QStringLiteral("active"),
                              QStringLiteral("suspended"), QStringLiteral("rejected")});
    header->addWidget(m_statusFilter);
    layout->addLayout(header);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);

    // Names for tests and automation (stylesheets use only viewTitle and error).
    m_query->setObjectName(QStringLiteral("merchantQuery"));
    m_statusFilter->setObjectName(QStringLiteral("merchantStatusFilter"));
    m_results->setObjectName(QStringLiteral("merchantResults"));
    m_tabs->setObjectName(QStringLiteral("merchantTabs"));
    m_overview->setObjectName(QStringLiteral("merchantOverview"));
    m_history->setObjectName(QStringLiteral("merchantHistory"));
    m_history->setTextElideMode(Qt::ElideMiddle);
    m_activate->setObjectName(QStringLiteral("merchantActivate"));
    m_suspend->setObjectName(QStringLiteral("merchantSuspend"));

    m_resultModel->setHorizontalHeaderLabels({tr("Name"), tr("Status"), tr("KYC"), tr("Tier"), tr("E-mail")});
    m_results->setModel(m_resultModel);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->verticalHeader()->hide();
    m_results->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);

    m_results->setAlternatingRowColors(true);

    // Overview tab
    auto *overview = new QWidget;
    auto *ov = new QVBoxLayout(overview);
    m_overview->setTextFormat(Qt::RichText);
    m_overview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_overview->setWordWrap(true);
    m_overview->setText(tr("Select a merchant"));
    ov->addWidget(m_overview);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_activate);
    actions->addWidget(m_suspend);
    actions->addStretch(1);
    ov->addLayout(actions);
    ov->addWidget(new QLabel(tr("Status history")));
    ov->addWidget(m_history, 1);
    m_tabs->addTab(overview, tr("Overview"));

    auto *limits = new QWidget;
    auto *lv = new QVBoxLayout(limits);
    m_limitProfile->setWordWrap(true);
    lv->addWidget(m_limitProfile);
    lv->addWidget(m_limits, 1);
    m_tabs->addTab(limits, tr("Limits && usage"));

    auto *keys = new QWidget;
    auto *kv = new QVBoxLayout(keys);
    auto *keyButtons = new QHBoxLayout;
    auto *create = new QPushButton(tr("&New key…"));
    auto *rotate = new QPushButton(tr("R&otate…"));
    auto *revoke = new QPushButton(tr("Re&voke…"));
    keyButtons->addWidget(create);
    keyButtons->addWidget(rotate);
    keyButtons->addWidget(revoke);
    keyButtons->addStretch(1);
    kv->addLayout(keyButtons);
    kv->addWidget(m_keys, 1);
    m_tabs->addTab(keys, tr("API keys"));

    auto *splitter = new QSplitter;
    splitter->addWidget(m_results);
    splitter->addWidget(m_tabs);
    splitter->setSizes({520, 560});
    layout->addWidget(splitter, 1);
    m_activate->setEnabled(false);
    m_suspend->setEnabled(false);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &MerchantsView::search);
    connect(m_query, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_query, &QLineEdit::returnPressed, this, &MerchantsView::search);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &MerchantsView::search);
    connect(m_results->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    loadMerchant(m_resultModel->item(current.row(), 0)->data(Qt::UserRole).toString());
            });
    connect(m_activate, &QPushButton::clicked, this, [this] { changeStatus(QStringLiteral("activate")); });
    connect(m_suspend, &QPushButton::clicked, this, [this] { changeStatus(QStringLiteral("suspend")); });
    connect(create, &QPushButton::clicked, this, &MerchantsView::createKey);
    connect(rotate, &QPushButton::clicked, this, &MerchantsView::rotateKey);
    connect(revoke, &QPushButton::clicked, this, &MerchantsView::revokeKey);
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] {
        m_query->setFocus();
        m_query->selectAll();
    });
    addAction(find);
}

void MerchantsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_loadedOnce) {
        m_loadedOnce = true;
        search();
    }
}

void MerchantsView::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

int MerchantsView::resultCount() const
{
    return m_resultModel->rowCount();
}

int MerchantsView::apiKeyCount() const
{
    return m_keys->rowCount();
}

void MerchantsView::search()
{
    QUrlQuery query;
    if (!m_query->text().trimmed().isEmpty())
        query.addQueryItem(QStringLiteral("q"), m_query->text().trimmed());
    if (m_statusFilter->currentIndex() > 0)
        query.addQueryItem(QStringLiteral("status"), m_statusFilter->currentText());
    query.addQueryItem(QStringLiteral("page_size"), QStringLiteral("100"));
    platform::whenFinished(this, m_client->send(api::requests::merchants(query)),
                           [this](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   showError(tr("Search failed — %1").arg(errorText(r)));
                                   emit searched();
                                   return;
                               }
                               showError({});
                               const QString selected = currentMerchantId();
                               m_resultModel->removeRows(0, m_resultModel->rowCount());
                               for (const QJsonValue &v : r.items()) {
                                   const QJsonObject m = v.toObject();
                                   QList<QStandardItem *> row{
                                       new QStandardItem(m.value(QStringLiteral("name")).toString()),
                                       new QStandardItem(m.value(QStringLiteral("status")).toString()),
                                       new QStandardItem(m.value(QStringLiteral("kyc_status")).toString()),
                                       new QStandardItem(m.value(QStringLiteral("tier")).toString()),
                                       new QStandardItem(m.value(QStringLiteral("email")).toString())};
                                   row[0]->setData(m.value(QStringLiteral("id")).toString(), Qt::UserRole);
                                   m_resultModel->appendRow(row);
                               }
                               for (int column = 1; column < m_resultModel->columnCount(); ++column)
                                   m_results->resizeColumnToContents(column);
                               if (!selected.isEmpty())
                                   selectMerchant(selected);
                               emit searched();
                           });
}

void MerchantsView::selectMerchant(const QString &id)
{
    for (int r = 0; r < m_resultModel->rowCount(); ++r) {
        if (m_resultModel->item(r, 0)->data(Qt::UserRole).toString() == id) {
            if (m_results->currentIndex().row() == r)
                loadMerchant(id); // already selected: no selection change would reload it
            else
                m_results->setCurrentIndex(m_resultModel->index(r, 0));
            return;
        }
    }
    loadMerchant(id);
}

void MerchantsView::loadMerchant(const QString &id)
{
    platform::whenFinished(
        this, m_client->send(api::requests::merchant(id)), [this, id](const api::ApiResult &r) {
            if (!r.ok()) {
                showError(tr("Cannot load merchant %1 — %2").arg(id, errorText(r)));
                return;
            }
            showError({});
            m_merchant = r.object();
            const QJsonObject &m = m_merchant;
            m_overview->setText(
                tr("<h3>%1</h3><table cellspacing=4>"
                   "<tr><td><b>Status</b></td><td>%2</td><td "
                   "width=24></td><td><b>Tier</b></td><td>%3</td></tr>"
                   "<tr><td><b>KYC</b></td><td>%4 (level "
                   "%5)</td><td></td><td><b>Country</b></td><td>%6</td></tr>"
                   "<tr><td><b>E-mail</b></td><td>%7</td><td></td><td><b>Company</b></td><td>%8</td></tr>"
                   "<tr><td><b>Id</b></td><td colspan=4>%9</td></tr>"
                   "<tr><td><b>Created</b></td><td>%10</td><td></td><td><b>Test "
                   "mode</b></td><td>%11</td></tr></table>")
                    .arg(m.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                         m.value(QStringLiteral("status")).toString(),
                         m.value(QStringLiteral("tier")).toString(),
                         m.value(QStringLiteral("kyc_status")).toString(),
                         m.value(QStringLiteral("kyc_level")).toString(QStringLiteral("–")),
                         m.value(QStringLiteral("country")).toString(),
                         m.value(QStringLiteral("email")).toString().toHtmlEscaped(),
                         m.value(QStringLiteral("company_name")).toString().toHtmlEscaped(),
                         m.value(QStringLiteral("id")).toString())
                    .arg(time(m.value(QStringLiteral("created_at"))),
                         m.value(QStringLiteral("is_test_mode")).toBool() ? tr("yes") : tr("no")));
            const QString status = m.value(QStringLiteral("status")).toString();
            m_activate->setEnabled(status != QStringLiteral("active") &&
                                   status != QStringLiteral("rejected"));
            m_suspend->setEnabled(status == QStringLiteral("active"));
            const QJsonArray history = m.value(QStringLiteral("status_history")).toArray();
            m_history->setRowCount(int(history.size()));
            for (int i = 0; i < history.size(); ++i) {
                const QJsonObject h = history.at(i).toObject();
                setRow(m_history, i,
                       {time(h.value(QStringLiteral("at"))),
                        h.value(QStringLiteral("from")).toString(QStringLiteral("–")),
                        h.value(QStringLiteral("to")).toString(),
                        shortActor(h.value(QStringLiteral("actor")).toString()),
                        h.value(QStringLiteral("reason")).toString()});
                m_history->item(i, 3)->setToolTip(h.value(QStringLiteral("actor")).toString());
                m_history->item(i, 4)->setToolTip(h.value(QStringLiteral("reason")).toString());
            }
            fitColumns(m_history);
            emit merchantLoaded();
            loadLimits();
            loadKeys();
        });
}

void MerchantsView::loadLimits()
{
    const QString id = currentMerchantId();
    platform::whenFinished(
        this, m_client->send(api::requests::limits(id)), [this, id](const api::ApiResult &r) {
            if (id != currentMerchantId())
                return;
            m_limits->setRowCount(0);
            if (!r.ok()) {
                m_limitProfile->setText(tr("Limits unavailable — %1").arg(errorText(r)));
                emit limitsLoaded();
                return;
            }
            const QJsonObject body = r.object();
            const QJsonObject &profile = body; // effective_tier, effective_kyc_level at the top level
            m_limitProfile->setText(
                tr("Effective tier: %1 · KYC level: %2. Limits are the lower of the tier's and the KYC "
                   "level's, "
                   "unless an override is set.")
                    .arg(profile.value(QStringLiteral("effective_tier")).toString(QStringLiteral("–")),
                         profile.value(QStringLiteral("effective_kyc_level")).toString(QStringLiteral("–"))));
            int row = 0;
            for (const QJsonValue &v : body.value(QStringLiteral("limits")).toArray()) {
                const QJsonObject l = v.toObject();
                const QString currency = l.value(QStringLiteral("currency")).toString();
                const QJsonObject usage = l.value(QStringLiteral("usage")).toObject();
                for (const QString &window : usage.keys()) {
                    const QJsonObject w = usage.value(window).toObject();
                    m_limits->insertRow(row);
                    setRow(m_limits, row,
                           {currency, window, minor(w.value(QStringLiteral("used_minor")), currency),
                            minor(w.value(QStringLiteral("limit_minor")), currency),
                            minor(w.value(QStringLiteral("remaining_minor")), currency),
                            QStringLiteral("%1 / %2")
                                .arg(w.value(QStringLiteral("used_count")).toInteger())
                                .arg(w.value(QStringLiteral("count_max")).toInteger()),
                            w.value(QStringLiteral("warning_95")).toBool()   ? tr("≥ 95 %")
                            : w.value(QStringLiteral("warning_80")).toBool() ? tr("≥ 80 %")
                                                                             : QString()});
                    ++row;
                }
            }
            if (row == 0)
                m_limitProfile->setText(m_limitProfile->text() + tr("\nNo usage yet in any currency."));
            m_limits->resizeColumnsToContents();
            emit limitsLoaded();
        });
}

void MerchantsView::loadKeys()
{
    const QString id = currentMerchantId();
    platform::whenFinished(this, m_client->send(api::requests::apiKeys(id)),
                           [this, id](const api::ApiResult &r) {
                               if (id != currentMerchantId())
                                   return;
                               m_keys->setRowCount(0);
                               if (!r.ok()) {
                                   showError(tr("API keys unavailable — %1").arg(errorText(r)));
                                   emit apiKeysLoaded();
                                   return;
                               }
                               const QJsonArray items = r.items();
                               m_keys->setRowCount(int(items.size()));
                               for (int i = 0; i < items.size(); ++i) {
                                   const QJsonObject k = items.at(i).toObject();
                                   setRow(m_keys, i,
                                          {k.value(QStringLiteral("key_id")).toString(),
                                           k.value(QStringLiteral("environment")).toString(),
                                           k.value(QStringLiteral("status")).toString(),
                                           k.value(QStringLiteral("label")).toString(),
                                           time(k.value(QStringLiteral("created_at"))),
                                           time(k.value(QStringLiteral("last_used_at"))),
                                           time(k.value(QStringLiteral("grace_until")))});
                               }
                               fitColumns(m_keys, 150);
                               emit apiKeysLoaded();
                           });
}

void MerchantsView::changeStatus(const QString &action)
{
    const QString id = currentMerchantId();
    QString reason;
    const QString name = m_merchant.value(QStringLiteral("name")).toString();
    if (!ReasonDialog::ask(
            this, action == QStringLiteral("activate") ? tr("Activate merchant") : tr("Suspend merchant"),
            action == QStringLiteral("activate")
                ? tr("Activate %1? It can take payments at once.").arg(name)
                : tr("Suspend %1? Its API keys stop working at once (they are not revoked).").arg(name),
            &reason))
        return;
    platform::whenFinished(this, m_client->send(api::requests::changeMerchantStatus(id, action, reason)),
                           [this, id](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   showError(tr("Refused — %1").arg(errorText(r)));
                                   return;
                               }
                               loadMerchant(id);
                               search();
                           });
}

QString MerchantsView::selectedKeyId() const
{
    const int row = m_keys->currentRow();
    return row >= 0 && m_keys->item(row, 0) ? m_keys->item(row, 0)->text() : QString();
}

void MerchantsView::createKey()
{
    const QString id = currentMerchantId();
    if (id.isEmpty())
        return;
    bool ok = false;
    const QString environment =
        QInputDialog::getItem(this, tr("New API key"), tr("Environment:"),
                              {QStringLiteral("test"), QStringLiteral("live")}, 0, false, &ok);
    if (!ok)
        return;
    const QString label =
        QInputDialog::getText(this, tr("New API key"), tr("Label (optional):"), QLineEdit::Normal, {}, &ok);
    if (!ok)
        return;
    platform::whenFinished(
        this, m_client->send(api::requests::createApiKey(id, environment, label)),
        [this](const api::ApiResult &r) {
            if (!r.ok()) {
                showError(tr("Cannot create the key — %1").arg(errorText(r)));
                return;
            }
            const QJsonObject key = r.object();
            SecretOnceDialog dialog(
                tr("API key created"),
                tr("Secret of %1:").arg(key.value(QStringLiteral("key_id")).toString()),
                key.value(QStringLiteral("secret")).toString(),
                tr("This is the only time the secret is shown. Give it to the merchant over a secure "
                   "channel; PayDesk keeps only a hash and cannot show it again."),
                this);
            dialog.exec();
            loadKeys();
        });
}

void MerchantsView::rotateKey()
{
    const QString keyId = selectedKeyId();
    if (keyId.isEmpty())
        return;
    bool ok = false;
    const int hours = QInputDialog::getInt(
        this, tr("Rotate %1").arg(keyId), tr("Hours the old key keeps working (0–168):"), 24, 0, 168, 1, &ok);
    if (!ok)
        return;
    platform::whenFinished(
        this, m_client->send(api::requests::rotateApiKey(keyId, hours * 3600)),
        [this, keyId](const api::ApiResult &r) {
            if (!r.ok()) {
                showError(tr("Cannot rotate %1 — %2").arg(keyId, errorText(r)));
                return;
            }
            const QJsonObject key = r.object();
            SecretOnceDialog dialog(
                tr("API key rotated"),
                tr("Secret of the new key %1:").arg(key.value(QStringLiteral("key_id")).toString()),
                key.value(QStringLiteral("secret")).toString(),
                tr("Shown once. %1 keeps working until its grace period ends.").arg(keyId), this);
            dialog.exec();
            loadKeys();
        });
}

void MerchantsView::revokeKey()
{
    const QString keyId = selectedKeyId();
    if (keyId.isEmpty())
        return;
    QString reason;
    if (!ReasonDialog::ask(this, tr("Revoke API key"),
                           tr("Revoke %1? Requests signed with it fail at once.").arg(keyId), &reason))
        return;
    platform::whenFinished(this, m_client->send(api::requests::revokeApiKey(keyId, reason)),
                           [this, keyId](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   showError(tr("Cannot revoke %1 — %2").arg(keyId, errorText(r)));
                                   return;
                               }
                               loadKeys();
                           });
}

} // namespace paydesk::console
