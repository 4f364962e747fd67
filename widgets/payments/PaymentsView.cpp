#include "payments/PaymentsView.h"

#include "api/ApiRequests.h"

#include "api/PlatformClient.h"
#include "logs/ApiCall.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTreeWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>

namespace paydesk::console {

namespace {
constexpr int kPageSize = 50;

int exponentOf(const QString &currency)
{
    static const QStringList kZero{"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                   "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
    static const QStringList kThree{"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    if (kZero.contains(currency.toUpper()))
        return 0;
    if (kThree.contains(currency.toUpper()))
        return 3;
    return 2;
}

QColor statusColor(const QString &status)
{
    if (status == u"success" || status == u"delivered" || status == u"succeeded")
        return QColor(0x1B, 0x7F, 0x3B);
    if (status == u"failed" || status == u"dead" || status == u"declined")
        return QColor(0xB0, 0x1E, 0x1E);
    if (status == u"cancelled" || status == u"expired" || status == u"voided")
        return QColor(0x6B, 0x6B, 0x6B);
    if (status == u"authorized")
        return QColor(0x1A, 0x5F, 0xB4);
    return QColor(0x9A, 0x5B, 0x00); // pending, processing, retrying
}

QString shortTime(const QString &iso)
{
    const QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return at.isValid() ? at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) : iso;
}

QString compact(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toVariant().toString();
}

struct TimelineItem
{
    QString at;
    QString source;
    QString event;
    QString summary;
    QString status; // for the colour
    QJsonObject raw;
};
} // namespace

QString formatMoney(qint64 minor, const QString &currency)
{
    const int exponent = exponentOf(currency);
    qint64 scale = 1;
    for (int i = 0; i < exponent; ++i)
        scale *= 10;
    const qint64 whole = (minor < 0 ? -minor : minor) / scale;
    const qint64 fraction = (minor < 0 ? -minor : minor) % scale;
    QString amount = QString::number(whole);
    if (exponent > 0)
        amount += u'.' + QString::number(fraction).rightJustified(exponent, u'0');
    return (minor < 0 ? QStringLiteral("-") : QString()) + amount + u' ' + currency.toUpper();
}

std::optional<qint64> parseMoney(const QString &input, const QString &currency)
{
    const int exponent = exponentOf(currency);
    static const QRegularExpression kAmount(QStringLiteral("^(\\d{1,15})(?:\\.(\\d+))?$"));
    const QRegularExpressionMatch match = kAmount.match(input.trimmed());
    if (!match.hasMatch() || match.captured(2).size() > exponent)
        return std::nullopt;
    qint64 value = match.captured(1).toLongLong();
    for (int i = 0; i < exponent; ++i)
        value *= 10;
    const QString fraction = match.captured(2).leftJustified(exponent, u'0');
    return value + (exponent > 0 ? fraction.toLongLong() : 0);
}

// ---------------------------------------------------------------- RefundDialog

RefundDialog::RefundDialog(const QString &paymentNo, qint64 refundableMinor, const QString &currency,
                           QWidget *parent)
    : QDialog(parent), m_currency(currency), m_refundable(refundableMinor)
{
    setWindowTitle(tr("Refund %1").arg(paymentNo));
    m_amount = new QLineEdit(this);
    m_amount->setText(formatMoney(refundableMinor, currency).section(u' ', 0, 0));
    m_reason = new QLineEdit(this);
    m_reason->setPlaceholderText(tr("why (kept in the audit log, shown to the merchant)"));
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: #B01E1E;"));
    auto *warning =
        new QLabel(tr("<b>Refund payment %1</b><br>Money goes back to the customer through the channel. "
                      "This cannot be undone; the merchant is notified and the ledger records the "
                      "refund.<br>Refundable: <b>%2</b>")
                       .arg(paymentNo.toHtmlEscaped(), formatMoney(refundableMinor, currency)),
                   this);
    warning->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Refund"));
    auto *form = new QFormLayout;
    form->addRow(tr("Amount (%1)").arg(currency.toUpper()), m_amount);
    form->addRow(tr("Reason"), m_reason);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(warning);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &RefundDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &RefundDialog::reject);
    connect(m_amount, &QLineEdit::textChanged, this, &RefundDialog::validate);
    connect(m_reason, &QLineEdit::textChanged, this, &RefundDialog::validate);
    validate();
    setMinimumWidth(440);
}

qint64 RefundDialog::amountMinor() const
{
    return parseMoney(m_amount->text(), m_currency).value_or(0);
}

QString RefundDialog::reason() const
{
    return m_reason->text().trimmed();
}

void RefundDialog::validate()
{
    const auto amount = parseMoney(m_amount->text(), m_currency);
    QString problem;
    if (!amount || *amount <= 0)
        problem =
            tr("Enter an amount such as %1").arg(formatMoney(qMin<qint64>(m_refundable, 1000), m_currency));
    else if (*amount > m_refundable)
        problem = tr("At most %1 can be refunded").arg(formatMoney(m_refundable, m_currency));
    else if (reason().size() < 3)
        problem = tr("Give a reason");
    m_problem->setText(problem);
    m_ok->setEnabled(problem.isEmpty());
}

void RefundDialog::accept()
{
    validate();
    if (m_ok->isEnabled())
        QDialog::accept();
}

// ---------------------------------------------------------------- PaymentsView

PaymentsView::PaymentsView(api::PlatformClient *client, QWidget *parent) : QWidget(parent), m_client(client)
{
    m_paymentNo = new QLineEdit(this);
    m_paymentNo->setPlaceholderText(tr("payment no (PY…)"));
    m_orderNo = new QLineEdit(this);
    m_orderNo->setPlaceholderText(tr("order no"));
    m_merchantId = new QLineEdit(this);
    m_merchantId->setPlaceholderText(tr("merchant id"));
    m_status = new QComboBox(this);
    m_status->addItem(tr("Any status"), QString());
    for (const char *status :
         {"pending", "processing", "authorized", "success", "failed", "cancelled", "expired"})
        m_status->addItem(QString::fromLatin1(status), QString::fromLatin1(status));
    m_range = new QComboBox(this);
    m_range->addItem(tr("Last 24 hours"), 1);
    m_range->addItem(tr("Last 7 days"), 7);
    m_range->addItem(tr("Last 30 days"), 30);
    m_range->addItem(tr("Any time"), 0);
    m_range->setCurrentIndex(3);
    m_searchButton = new QPushButton(tr("Search"), this);
    m_searchButton->setDefault(true);
    m_previous = new QPushButton(tr("◀"), this);
    m_next = new QPushButton(tr("▶"), this);
    m_previous->setEnabled(false);
    m_next->setEnabled(false);
    m_pageLabel = new QLabel(this);

    m_results = new QTreeWidget(this);
    m_results->setRootIsDecorated(false);
    m_results->setUniformRowHeights(true);
    m_results->setAlternatingRowColors(true);
    m_results->setHeaderLabels({tr("Created (UTC)"), tr("Payment no"), tr("Order no"), tr("Merchant"),
                                tr("Amount"), tr("Status"), tr("Channel"), tr("Refunded")});
    const QFontMetrics metrics(font());
    m_results->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("2026-11-25 12:00:00.000")) + 16);
    m_results->setColumnWidth(1,
                              metrics.horizontalAdvance(QStringLiteral("PY20261125120000000000000000")) + 16);
    m_results->setColumnWidth(2, metrics.horizontalAdvance(QStringLiteral("ORDER-2026-000000")) + 16);
    m_results->setColumnWidth(3, metrics.horizontalAdvance(QStringLiteral("00000000-0000")) + 16);
    m_results->setColumnWidth(4, metrics.horizontalAdvance(QStringLiteral("1,000,000.00 USD")) + 16);
    m_results->setColumnWidth(5, metrics.horizontalAdvance(QStringLiteral("processing")) + 16);
    m_results->setColumnWidth(6, metrics.horizontalAdvance(QStringLiteral("sandbox")) + 16);

    m_title = new QLabel(tr("<i>Select a payment</i>"), this);
    m_title->setTextFormat(Qt::RichText);
    m_facts = new QLabel(this);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_logs = new QPushButton(tr("Logs"), this);
    m_trace = new QPushButton(tr("Trace"), this);
    m_trace->setToolTip(tr("The trace of the selected timeline entry's request, else of the request "
                           "that created the payment"));
    m_refund = new QPushButton(tr("Refund…"), this);
    for (QPushButton *button : {m_logs, m_trace, m_refund})
        button->setEnabled(false);

    m_timeline = new QTreeWidget(this);
    m_timeline->setRootIsDecorated(false);
    m_timeline->setAlternatingRowColors(true);
    m_timeline->setHeaderLabels({tr("Time (UTC)"), tr("Source"), tr("Event"), tr("Detail")});
    m_timeline->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("2026-11-25 12:00:00.000")) + 16);
    m_timeline->setColumnWidth(1, metrics.horizontalAdvance(QStringLiteral("notification")) + 16);
    m_timeline->setColumnWidth(
        2, metrics.horizontalAdvance(QStringLiteral("ledger payment_capture JE0000000000")) + 24);
    m_entryDetail = new QPlainTextEdit(this);
    m_entryDetail->setReadOnly(true);
    m_entryDetail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_entryDetail->setPlaceholderText(tr("Select a timeline entry to see all of it"));
    m_status2 = new QLabel(this);
    m_status2->setStyleSheet(QStringLiteral("color: #404040;"));
    m_status2->setWordWrap(true);

    // Names for tests and automation (stylesheets do not use them).
    m_paymentNo->setObjectName(QStringLiteral("paymentNo"));
    m_orderNo->setObjectName(QStringLiteral("orderNo"));
    m_merchantId->setObjectName(QStringLiteral("merchantId"));
    m_status->setObjectName(QStringLiteral("paymentStatus"));
    m_range->setObjectName(QStringLiteral("paymentRange"));
    m_searchButton->setObjectName(QStringLiteral("paymentSearch"));
    m_results->setObjectName(QStringLiteral("paymentResults"));
    m_title->setObjectName(QStringLiteral("paymentTitle"));
    m_facts->setObjectName(QStringLiteral("paymentFacts"));
    m_logs->setObjectName(QStringLiteral("paymentLogs"));
    m_trace->setObjectName(QStringLiteral("paymentTrace"));
    m_refund->setObjectName(QStringLiteral("paymentRefund"));
    m_timeline->setObjectName(QStringLiteral("paymentTimeline"));
    m_entryDetail->setObjectName(QStringLiteral("paymentEntryDetail"));
    m_status2->setObjectName(QStringLiteral("paymentMessage"));

    auto *form = new QHBoxLayout;
    form->addWidget(m_paymentNo);
    form->addWidget(m_orderNo);
    form->addWidget(m_merchantId);
    form->addWidget(m_status);
    form->addWidget(m_range);
    form->addWidget(m_searchButton);
    auto *paging = new QHBoxLayout;
    paging->addWidget(m_pageLabel, 1);
    paging->addWidget(m_previous);
    paging->addWidget(m_next);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_title, 1);
    actions->addWidget(m_logs);
    actions->addWidget(m_trace);
    actions->addWidget(m_refund);
    detailLayout->addLayout(actions);
    detailLayout->addWidget(m_facts);
    auto *timelineSplit = new QSplitter(Qt::Vertical, detail);
    timelineSplit->addWidget(m_timeline);
    timelineSplit->addWidget(m_entryDetail);
    timelineSplit->setStretchFactor(0, 3);
    timelineSplit->setStretchFactor(1, 1);
    detailLayout->addWidget(timelineSplit, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_results);
    split->addWidget(detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(paging);
    layout->addWidget(split, 1);
    layout->addWidget(m_status2);

    connect(m_searchButton, &QPushButton::clicked, this, [this] {
        m_page = 1;
        search();
    });
    for (QLineEdit *edit : {m_paymentNo, m_orderNo, m_merchantId})
        connect(edit, &QLineEdit::returnPressed, m_searchButton, &QPushButton::click);
    connect(m_previous, &QPushButton::clicked, this, [this] {
        m_page = qMax(1, m_page - 1);
        search();
    });
    connect(m_next, &QPushButton::clicked, this, [this] {
        ++m_page;
        search();
    });
    connect(m_results, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            openPayment(item->text(1));
    });
    connect(m_timeline, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        m_entryDetail->setPlainText(item ? item->data(0, Qt::UserRole).toString() : QString());
    });
    connect(m_logs, &QPushButton::clicked, this,
            [this] { Q_EMIT logsQueryRequested(text(m_payment, "payment_no")); });
    connect(m_trace, &QPushButton::clicked, this, &PaymentsView::findTrace);
    connect(m_refund, &QPushButton::clicked, this, &PaymentsView::requestRefund);
}

void PaymentsView::setFilter(const QString &field, const QString &value)
{
    if (field == u"payment_no")
        m_paymentNo->setText(value);
    else if (field == u"order_no")
        m_orderNo->setText(value);
    else if (field == u"merchant_id")
        m_merchantId->setText(value);
    else if (field == u"status")
        m_status->setCurrentIndex(qMax(0, m_status->findData(value)));
}

void PaymentsView::search()
{
    if (!m_client)
        return;
    QUrlQuery query;
    const auto add = [&query](const char *key, const QString &value) {
        if (!value.trimmed().isEmpty())
            query.addQueryItem(QLatin1String(key),
                               QString::fromLatin1(QUrl::toPercentEncoding(value.trimmed())));
    };
    add("payment_no", m_paymentNo->text());
    add("order_no", m_orderNo->text());
    add("merchant_id", m_merchantId->text());
    add("status", m_status->currentData().toString());
    const int days = m_range->currentData().toInt();
    if (days > 0)
        add("from", QDateTime::currentDateTimeUtc().addDays(-days).toString(Qt::ISODate));
    query.addQueryItem(QStringLiteral("page"), QString::number(m_page));
    query.addQueryItem(QStringLiteral("page_size"), QString::number(kPageSize));
    const quint64 epoch = ++m_epoch;
    m_status2->setText(tr("Searching…"));
    onResult(
        this, m_client->send(api::requests::payments(query)), [this, epoch](const api::ApiResult &result) {
            if (epoch != m_epoch)
                return;
            if (!result.ok()) {
                m_status2->setText(tr("payment-gateway: %1 (%2)").arg(result.errorMessage, result.errorCode));
                Q_EMIT searchFinished(-1);
                return;
            }
            const QSignalBlocker blocker(m_results);
            m_results->clear();
            const QJsonArray items = result.items();
            for (const QJsonValue &value : items) {
                const QJsonObject p = value.toObject();
                const QString currency = text(p, "currency");
                const qint64 refunded = p.value(QLatin1String("refunded_minor")).toInteger();
                auto *item = new QTreeWidgetItem(
                    m_results, {shortTime(text(p, "created_at")), text(p, "payment_no"), text(p, "order_no"),
                                text(p, "merchant_id"),
                                formatMoney(p.value(QLatin1String("amount_minor")).toInteger(), currency),
                                text(p, "status"), text(p, "channel"),
                                refunded ? formatMoney(refunded, currency) : QString()});
                item->setTextAlignment(4, Qt::AlignRight | Qt::AlignVCenter);
                item->setTextAlignment(7, Qt::AlignRight | Qt::AlignVCenter);
                item->setForeground(5, statusColor(text(p, "status")));
            }
            m_total = result.object().value(QLatin1String("total")).toInteger(items.size());
            const qint64 pages = qMax<qint64>(1, (m_total + kPageSize - 1) / kPageSize);
            m_pageLabel->setText(tr("%1 payment(s) · page %2 of %3").arg(m_total).arg(m_page).arg(pages));
            m_previous->setEnabled(m_page > 1);
            m_next->setEnabled(m_page < pages);
            m_status2->clear();
            Q_EMIT searchFinished(int(items.size()));
        });
}

void PaymentsView::openPayment(const QString &paymentNo)
{
    if (!m_client || paymentNo.isEmpty())
        return;
    const quint64 epoch = ++m_epoch;
    m_journal.clear();
    m_deliveries.clear();
    m_journalError.clear();
    m_deliveriesError.clear();
    m_status2->setText(tr("Loading %1…").arg(paymentNo));
    // Three services answer in any order; each answer redraws the merged timeline.
    auto pending = std::make_shared<int>(3);
    const auto settle = [this, pending, paymentNo] {
        if (--*pending == 0) {
            m_status2->clear();
            rebuildTimeline(); // says what is missing, if anything
            Q_EMIT paymentLoaded(paymentNo);
        }
    };
    onResult(this, m_client->send(api::requests::payment(paymentNo)),
             [this, epoch, settle](const api::ApiResult &result) {
                 if (epoch != m_epoch)
                     return;
                 if (result.ok())
                     showPayment(result.object());
                 else
                     m_title->setText(tr("<b>%1</b>").arg(result.errorMessage.toHtmlEscaped()));
                 settle();
             });
    onResult(this, m_client->ledgerJournal(paymentNo), [this, epoch, settle](const api::ApiResult &result) {
        if (epoch != m_epoch)
            return;
        if (result.ok())
            for (const QJsonValue &entry : result.items())
                m_journal.append(entry.toObject());
        else
            m_journalError = result.errorMessage;
        rebuildTimeline();
        settle();
    });
    onResult(this, m_client->paymentWebhookDeliveries(paymentNo),
             [this, epoch, settle](const api::ApiResult &result) {
                 if (epoch != m_epoch)
                     return;
                 if (result.ok())
                     for (const QJsonValue &delivery : result.items())
                         m_deliveries.append(delivery.toObject());
                 else
                     m_deliveriesError = result.errorMessage;
                 rebuildTimeline();
                 settle();
             });
}

void PaymentsView::showPayment(const QJsonObject &p)
{
    m_payment = p;
    const QString currency = text(p, "currency");
    const QString status = text(p, "status");
    m_title->setText(
        tr("<b style='font-size:large'>%1</b> &nbsp; <span style='color:%2'><b>%3</b></span> &nbsp; %4")
            .arg(text(p, "payment_no").toHtmlEscaped(), statusColor(status).name(), status.toHtmlEscaped(),
                 formatMoney(p.value(QLatin1String("amount_minor")).toInteger(), currency)));
    QStringList facts;
    facts << tr("merchant %1").arg(text(p, "merchant_id")) << tr("order %1").arg(text(p, "order_no"))
          << tr("%1 · %2").arg(text(p, "environment"), text(p, "pay_method"));
    if (!text(p, "channel").isEmpty())
        facts << tr("channel %1 %2").arg(text(p, "channel"), text(p, "channel_trade_no"));
    const QJsonObject card = p.value(QLatin1String("card")).toObject();
    if (!text(card, "last4").isEmpty())
        facts << tr("card %1 •••• %2").arg(text(card, "brand"), text(card, "last4"));
    const QJsonObject risk = p.value(QLatin1String("risk")).toObject();
    if (!risk.isEmpty())
        facts << tr("risk %1 (score %2, %3)")
                     .arg(text(risk, "decision"), text(risk, "score"), text(risk, "level"));
    facts << tr("captured %1 · refunded %2 · fee %3")
                 .arg(formatMoney(p.value(QLatin1String("captured_minor")).toInteger(), currency),
                      formatMoney(p.value(QLatin1String("refunded_minor")).toInteger(), currency),
                      formatMoney(p.value(QLatin1String("channel_fee_minor")).toInteger(), currency));
    const QJsonObject error = p.value(QLatin1String("error")).toObject();
    if (!error.isEmpty())
        facts << tr("error %1: %2").arg(text(error, "code"), text(error, "message"));
    if (!text(p, "trace_id").isEmpty())
        facts << tr("trace %1").arg(text(p, "trace_id"));
    m_facts->setText(facts.join(QStringLiteral("  ·  ")));
    m_logs->setEnabled(true);
    m_trace->setEnabled(true);
    const qint64 refundable = p.value(QLatin1String("captured_minor")).toInteger() -
                              p.value(QLatin1String("refunded_minor")).toInteger();
    m_refund->setEnabled(status == u"success" && refundable > 0);
    rebuildTimeline();
}

void PaymentsView::rebuildTimeline()
{
    QList<TimelineItem> items;
    const QJsonObject &p = m_payment;
    const QString currency = text(p, "currency");
    for (const QJsonValue &value : p.value(QLatin1String("timeline")).toArray()) {
        const QJsonObject e = value.toObject();
        const QString kind = text(e, "kind");
        QString event = kind;
        if (!text(e, "to").isEmpty())
            event = text(e, "from").isEmpty() ? tr("status %1").arg(text(e, "to"))
                                              : tr("status %1 → %2").arg(text(e, "from"), text(e, "to"));
        else if (!text(e, "step").isEmpty())
            event = kind + u' ' + text(e, "step");
        const QJsonObject detail = e.value(QLatin1String("detail")).toObject();
        items.append({text(e, "at"), QStringLiteral("gateway"), event,
                      detail.isEmpty() ? QString() : compact(detail), text(e, "to"), e});
    }
    for (const QJsonValue &value : p.value(QLatin1String("refunds")).toArray()) {
        const QJsonObject r = value.toObject();
        items.append(
            {text(r, "created_at"), QStringLiteral("gateway"),
             tr("refund %1 %2").arg(text(r, "refund_no"), text(r, "status")),
             tr("%1 · %2%3")
                 .arg(formatMoney(r.value(QLatin1String("amount_minor")).toInteger(), text(r, "currency")),
                      text(r, "reason"),
                      text(r, "error_code").isEmpty() ? QString()
                                                      : QStringLiteral(" · ") + text(r, "error_code")),
             text(r, "status"), r});
    }
    for (const QJsonObject &j : std::as_const(m_journal)) {
        QStringList lines;
        for (const QJsonValue &value : j.value(QLatin1String("lines")).toArray()) {
            const QJsonObject line = value.toObject();
            const qint64 debit = line.value(QLatin1String("debit_minor")).toInteger();
            const qint64 credit = line.value(QLatin1String("credit_minor")).toInteger();
            lines << (debit
                          ? tr("Dr %1 %2").arg(text(line, "account"), formatMoney(debit, text(j, "currency")))
                          : tr("Cr %1 %2")
                                .arg(text(line, "account"), formatMoney(credit, text(j, "currency"))));
        }
        items.append(
            {text(j, "occurred_at").isEmpty() ? text(j, "created_at") : text(j, "occurred_at"),
             QStringLiteral("accounting"), tr("ledger %1 %2").arg(text(j, "kind"), text(j, "entry_no")),
             lines.isEmpty()
                 ? formatMoney(j.value(QLatin1String("amount_minor")).toInteger(), text(j, "currency"))
                 : lines.join(QStringLiteral(" · ")),
             QString(), j});
    }
    for (const QJsonObject &d : std::as_const(m_deliveries)) {
        QString answer = text(d, "last_status_code").isEmpty()
                             ? QString()
                             : tr("HTTP %1").arg(text(d, "last_status_code"));
        if (!text(d, "last_error").isEmpty())
            answer += (answer.isEmpty() ? QString() : QStringLiteral(" · ")) + text(d, "last_error");
        items.append({text(d, "created_at"), QStringLiteral("notification"),
                      tr("webhook %1 %2").arg(text(d, "event"), text(d, "status")),
                      tr("%1 · %2 attempt(s)%3")
                          .arg(text(d, "url"), text(d, "attempts"),
                               answer.isEmpty() ? QString() : QStringLiteral(" · ") + answer),
                      text(d, "status"), d});
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const TimelineItem &a, const TimelineItem &b) { return a.at < b.at; });
    const QSignalBlocker blocker(m_timeline);
    m_timeline->clear();
    for (const TimelineItem &entry : std::as_const(items)) {
        auto *item =
            new QTreeWidgetItem(m_timeline, {shortTime(entry.at), entry.source, entry.event, entry.summary});
        item->setData(0, Qt::UserRole,
                      QString::fromUtf8(QJsonDocument(entry.raw).toJson(QJsonDocument::Indented)));
        item->setToolTip(3, entry.summary);
        if (!entry.status.isEmpty())
            item->setForeground(2, statusColor(entry.status));
    }
    QStringList missing;
    if (!m_journalError.isEmpty())
        missing << tr("ledger: %1").arg(m_journalError);
    if (!m_deliveriesError.isEmpty())
        missing << tr("webhooks: %1").arg(m_deliveriesError);
    if (!missing.isEmpty())
        m_status2->setText(tr("Timeline incomplete — %1").arg(missing.join(QStringLiteral("; "))));
}

void PaymentsView::findTrace()
{
    // The request behind the selected timeline entry (a callback, a capture, a refund) when the
    // gateway recorded it; else the request that created the payment; else (payments made before
    // the gateway recorded traces) the spans whose request path names the payment.
    QString traceId;
    if (const QTreeWidgetItem *entry = m_timeline->currentItem())
        traceId = text(QJsonDocument::fromJson(entry->data(0, Qt::UserRole).toString().toUtf8()).object(),
                       "trace_id");
    if (traceId.isEmpty())
        traceId = text(m_payment, "trace_id");
    for (const QJsonValue &value : m_payment.value(QLatin1String("timeline")).toArray())
        if (traceId.isEmpty())
            traceId = text(value.toObject().value(QLatin1String("detail")).toObject(), "trace_id");
    if (!traceId.isEmpty()) {
        Q_EMIT traceRequested(traceId);
        return;
    }
    QUrlQuery filter;
    filter.addQueryItem(QStringLiteral("target"), text(m_payment, "payment_no"));
    filter.addQueryItem(QStringLiteral("kind"), QStringLiteral("server"));
    filter.addQueryItem(QStringLiteral("limit"), QStringLiteral("1000"));
    const QString paymentNo = text(m_payment, "payment_no");
    onResult(
        this, m_client->spans(QStringLiteral("payment-gateway"), filter),
        [this, paymentNo](const api::ApiResult &result) {
            const QJsonArray spans = result.items();
            if (spans.isEmpty()) {
                m_status2->setText(
                    tr("No recorded request names %1 (spans are a ring of recent requests)").arg(paymentNo));
                return;
            }
            // Newest first: the last one is the oldest request that named the payment.
            Q_EMIT traceRequested(text(spans.last().toObject(), "trace_id"));
        });
}

void PaymentsView::requestRefund()
{
    if (m_payment.isEmpty() || !m_client)
        return;
    const QString paymentNo = text(m_payment, "payment_no");
    const QString currency = text(m_payment, "currency");
    const qint64 refundable = m_payment.value(QLatin1String("captured_minor")).toInteger() -
                              m_payment.value(QLatin1String("refunded_minor")).toInteger();
    auto *dialog = new RefundDialog(paymentNo, refundable, currency, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, paymentNo, currency] {
        const qint64 amount = dialog->amountMinor();
        m_status2->setText(tr("Refunding %1…").arg(formatMoney(amount, currency)));
        onResult(this, m_client->send(api::requests::refundPayment(paymentNo, amount, dialog->reason())),
                 [this, paymentNo](const api::ApiResult &result) {
                     const QString message =
                         result.ok()
                             ? tr("Refund %1 %2")
                                   .arg(text(result.object(), "refund_no"), text(result.object(), "status"))
                             : tr("Refund refused: %1 (%2)").arg(result.errorMessage, result.errorCode);
                     m_status2->setText(message);
                     Q_EMIT refundFinished(result.ok(), message);
                     openPayment(paymentNo);
                 });
    });
    dialog->open();
}

} // namespace paydesk::console
