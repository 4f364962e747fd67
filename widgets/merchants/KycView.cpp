#include "merchants/KycView.h"

#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "common/Tables.h"
#include "merchants/KycQueueModel.h"
#include "platform/async/WhenFinished.h"

#include <QComboBox>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace paydesk::console {

namespace {
QString time(const QJsonValue &value)
{
    const QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                       : QStringLiteral("–");
}
} // namespace

KycView::KycView(api::PlatformClient *client, QWidget *parent)
    : QWidget(parent), m_client(client), m_model(new KycQueueModel(this)), m_status(new QComboBox),
      m_queue(new QTableView), m_caseTitle(new QLabel), m_caseInfo(new QLabel), m_error(new QLabel),
      m_documents(new QTableWidget(0, 5)), m_preview(new QLabel), m_approve(new QPushButton(tr("&Approve…"))),
      m_reject(new QPushButton(tr("&Reject…")))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 8);
    auto *title = new QLabel(tr("KYC review"));
    title->setObjectName(QStringLiteral("viewTitle"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(new QLabel(tr("Status:")));
    m_status->addItems({QStringLiteral("pending"), QStringLiteral("approved"), QStringLiteral("rejected"),
                        QStringLiteral("expired")});
    header->addWidget(m_status);
    auto *refresh = new QPushButton(tr("Refresh"));
    refresh->setShortcut(QKeySequence(Qt::Key_F5));
    header->addWidget(refresh);
    layout->addLayout(header);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);

    // Names for tests and automation (stylesheets use only viewTitle and error).
    m_status->setObjectName(QStringLiteral("kycStatus"));
    refresh->setObjectName(QStringLiteral("kycRefresh"));
    m_queue->setObjectName(QStringLiteral("kycQueue"));
    m_caseTitle->setObjectName(QStringLiteral("kycCaseTitle"));
    m_caseInfo->setObjectName(QStringLiteral("kycCaseInfo"));
    m_documents->setObjectName(QStringLiteral("kycDocuments"));
    m_preview->setObjectName(QStringLiteral("kycPreview"));
    m_approve->setObjectName(QStringLiteral("kycApprove"));
    m_reject->setObjectName(QStringLiteral("kycReject"));

    m_queue->setModel(m_model);
    m_queue->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queue->setSelectionMode(QAbstractItemView::SingleSelection);
    m_queue->verticalHeader()->hide();
    m_queue->horizontalHeader()->setStretchLastSection(true);
    m_queue->setAlternatingRowColors(true);
    m_queue->setWordWrap(false);

    auto *detail = new QWidget;
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(8, 0, 0, 0);
    m_caseTitle->setStyleSheet(QStringLiteral("font-size: 16px; font-weight: 600;"));
    m_caseTitle->setText(tr("Select a case"));
    detailLayout->addWidget(m_caseTitle);
    m_caseInfo->setWordWrap(true);
    m_caseInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailLayout->addWidget(m_caseInfo);
    // Content type and the whole SHA-256 are in the file's tooltip and under the preview: five
    // columns fit the detail pane at 1280×800 without a horizontal scroll bar.
    m_documents->setHorizontalHeaderLabels(
        {tr("Type"), tr("File"), tr("Size"), tr("SHA-256"), tr("Uploaded")});
    m_documents->verticalHeader()->hide();
    m_documents->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_documents->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_documents->setSelectionMode(QAbstractItemView::SingleSelection);
    // Every column as wide as its contents except the file name, which takes (or gives up) the rest.
    m_documents->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_documents->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_documents->setTextElideMode(Qt::ElideMiddle); // a shortened file name keeps its extension
    m_documents->setMaximumHeight(150);
    detailLayout->addWidget(m_documents);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumHeight(200);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setWordWrap(true);
    m_preview->setText(tr("Select a document to preview it"));
    detailLayout->addWidget(m_preview, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_reject);
    buttons->addWidget(m_approve);
    detailLayout->addLayout(buttons);
    m_approve->setEnabled(false);
    m_reject->setEnabled(false);

    auto *splitter = new QSplitter;
    splitter->addWidget(m_queue);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({500, 560});
    layout->addWidget(splitter, 1);

    connect(refresh, &QPushButton::clicked, this, &KycView::reload);
    connect(m_status, &QComboBox::currentTextChanged, this, &KycView::reload);
    connect(m_queue->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    loadCase(m_model->caseAt(current.row()).value(QStringLiteral("id")).toString());
            });
    connect(m_documents, &QTableWidget::currentCellChanged, this, [this](int row) { showDocument(row); });
    connect(m_approve, &QPushButton::clicked, this, [this] { decide(true); });
    connect(m_reject, &QPushButton::clicked, this, [this] { decide(false); });
}

void KycView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_loadedOnce) {
        m_loadedOnce = true;
        reload();
    }
}

void KycView::reload()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("status"), m_status->currentText());
    query.addQueryItem(QStringLiteral("page_size"), QStringLiteral("100"));
    const QString selected = currentCaseId();
    platform::whenFinished(this, m_client->send(api::requests::kycQueue(query)),
                           [this, selected](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   m_error->setText(tr("Cannot load the queue — %1").arg(errorText(r)));
                                   m_error->show();
                                   emit queueLoaded();
                                   return;
                               }
                               m_error->hide();
                               m_model->setPage(r.object());
                               fitColumns(m_queue);
                               if (!selected.isEmpty())
                                   selectCase(selected);
                               emit queueLoaded();
                           });
}

void KycView::selectCase(const QString &caseId)
{
    const int row = m_model->rowOfCase(caseId);
    if (row >= 0 && m_queue->currentIndex().row() != row)
        m_queue->setCurrentIndex(m_model->index(row, 0));
    else
        loadCase(caseId);
}

void KycView::loadCase(const QString &caseId)
{
    platform::whenFinished(
        this, m_client->send(api::requests::kycCase(caseId)), [this, caseId](const api::ApiResult &r) {
            if (!r.ok()) {
                m_error->setText(tr("Cannot load case %1 — %2").arg(caseId, errorText(r)));
                m_error->show();
                return;
            }
            m_case = r.object();
            m_caseDocuments = m_case.value(QStringLiteral("documents")).toArray();
            const QString status = m_case.value(QStringLiteral("status")).toString();
            m_caseTitle->setText(tr("Case %1 — %2").arg(caseId.left(8), status));
            // The queue row carries the merchant's name; the case itself only the id.
            const int row = m_model->rowOfCase(caseId);
            const QString name =
                row < 0 ? QString() : m_model->caseAt(row).value(QStringLiteral("merchant_name")).toString();
            const QString merchantId = m_case.value(QStringLiteral("merchant_id")).toString();
            QString info = tr("Merchant: %1\nTarget level: %2\nOpened: %3")
                               .arg(name.isEmpty() ? merchantId : tr("%1 (%2)").arg(name, merchantId),
                                    m_case.value(QStringLiteral("target_level")).toString(),
                                    time(m_case.value(QStringLiteral("created_at"))));
            if (!m_case.value(QStringLiteral("reason")).isNull())
                info += tr("\nDecision: %1 by %2 at %3 — %4")
                            .arg(status, shortActor(m_case.value(QStringLiteral("decided_by")).toString()),
                                 time(m_case.value(QStringLiteral("decided_at"))),
                                 m_case.value(QStringLiteral("reason")).toString());
            m_caseInfo->setText(info);
            m_documents->setRowCount(int(m_caseDocuments.size()));
            for (int i = 0; i < m_caseDocuments.size(); ++i) {
                const QJsonObject d = m_caseDocuments.at(i).toObject();
                m_documents->setItem(i, 0, new QTableWidgetItem(d.value(QStringLiteral("type")).toString()));
                auto *file = new QTableWidgetItem(d.value(QStringLiteral("file_name")).toString());
                file->setToolTip(d.value(QStringLiteral("content_type")).toString());
                m_documents->setItem(i, 1, file);
                m_documents->setItem(i, 2,
                                     new QTableWidgetItem(QLocale().formattedDataSize(
                                         d.value(QStringLiteral("size_bytes")).toInteger())));
                m_documents->setItem(
                    i, 3, new QTableWidgetItem(d.value(QStringLiteral("sha256")).toString().left(12) + u'…'));
                m_documents->item(i, 3)->setToolTip(d.value(QStringLiteral("sha256")).toString());
                m_documents->setItem(
                    i, 4, new QTableWidgetItem(time(d.value(QStringLiteral("created_at"))).left(16)));
                m_documents->item(i, 4)->setToolTip(time(d.value(QStringLiteral("created_at"))));
            }
            const bool pending = status == QStringLiteral("pending");
            m_approve->setEnabled(pending);
            m_reject->setEnabled(pending);
            m_preview->setPixmap({});
            m_previewPixmap = {};
            m_preview->setText(m_caseDocuments.isEmpty() ? tr("No documents")
                                                         : tr("Select a document to preview it"));
            if (!m_caseDocuments.isEmpty()) {
                const QSignalBlocker quiet(m_documents); // one preview, also when (0, 0) was current already
                m_documents->setCurrentCell(0, 0);
                showDocument(0);
            }
            emit caseLoaded();
        });
}

void KycView::showDocument(int row)
{
    if (row < 0 || row >= m_caseDocuments.size())
        return;
    const QJsonObject d = m_caseDocuments.at(row).toObject();
    const QString contentType = d.value(QStringLiteral("content_type")).toString();
    const QString metadata =
        tr("%1 · %2\n%3 · %4\nSHA-256 %5\nuploaded %6 by %7")
            .arg(d.value(QStringLiteral("type")).toString(), d.value(QStringLiteral("file_name")).toString(),
                 contentType, QLocale().formattedDataSize(d.value(QStringLiteral("size_bytes")).toInteger()),
                 d.value(QStringLiteral("sha256")).toString(), time(d.value(QStringLiteral("created_at"))),
                 shortActor(d.value(QStringLiteral("uploaded_by")).toString()));
    if (!contentType.startsWith(QStringLiteral("image/"))) {
        // PDFs are not rendered here (no Qt PDF module in this toolchain): their facts are.
        m_preview->setPixmap({});
        m_preview->setText(tr("PDF document — not rendered in the console\n\n") + metadata);
        emit previewLoaded();
        return;
    }
    m_preview->setText(tr("Loading %1…").arg(d.value(QStringLiteral("file_name")).toString()));
    const QString documentId = d.value(QStringLiteral("id")).toString();
    platform::whenFinished(this, m_client->send(api::requests::kycDocumentContent(documentId)),
                           [this, documentId, metadata](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   m_preview->setText(tr("Cannot load the document — %1").arg(errorText(r)));
                                   emit previewLoaded();
                                   return;
                               }
                               QPixmap pixmap;
                               if (!pixmap.loadFromData(r.raw)) {
                                   m_preview->setText(tr("The image cannot be decoded\n\n") + metadata);
                                   emit previewLoaded();
                                   return;
                               }
                               m_previewPixmap = pixmap;
                               const QSize box = m_preview->size() - QSize(12, 12);
                               m_preview->setPixmap(pixmap.scaled(box.expandedTo(QSize(64, 64)),
                                                                  Qt::KeepAspectRatio,
                                                                  Qt::SmoothTransformation));
                               m_preview->setToolTip(metadata);
                               emit previewLoaded();
                           });
}

bool KycView::previewShowsImage() const
{
    return !m_previewPixmap.isNull();
}

void KycView::decide(bool approve)
{
    const QString caseId = currentCaseId();
    if (caseId.isEmpty())
        return;
    QString reason;
    if (!ReasonDialog::ask(
            this, approve ? tr("Approve KYC case") : tr("Reject KYC case"),
            approve ? tr("Approve case %1? The merchant's KYC level and limits change.").arg(caseId)
                    : tr("Reject case %1? The merchant sees the reason.").arg(caseId),
            &reason))
        return;
    platform::whenFinished(this, m_client->send(api::requests::decideKyc(caseId, approve, reason)),
                           [this, caseId, approve](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   m_error->setText(tr("Decision refused — %1").arg(errorText(r)));
                                   m_error->show();
                                   return;
                               }
                               m_error->hide();
                               emit decided(caseId, approve);
                               reload();
                               loadCase(caseId);
                           });
}

} // namespace paydesk::console
