#include "traces/TraceView.h"

#include "api/PlatformClient.h"
#include "logs/ApiCall.h"
#include "logs/LogExplorerView.h"
#include "logs/LogTableModel.h"
#include "traces/WaterfallWidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTreeWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>

namespace paydesk::console {

namespace {
QStringList allServices()
{
    QStringList names;
    for (const api::ServiceEndpoint &endpoint : api::knownServices())
        names.append(endpoint.name);
    return names;
}

QString usText(qint64 us)
{
    return us < 1000 ? QStringLiteral("%1 µs").arg(us)
                     : QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', 2);
}

QString startText(qint64 unixUs)
{
    return QDateTime::fromMSecsSinceEpoch(unixUs / 1000, Qt::UTC)
        .toString(QStringLiteral("MM-dd HH:mm:ss.zzz"));
}

// Fans one request out to several services and hands the collected answers over once all arrived.
struct FanOut
{
    int remaining = 0;
    QList<QJsonObject> items;
    QStringList failures;
};
} // namespace

TraceView::TraceView(api::PlatformClient *client, QWidget *parent)
    : QWidget(parent), m_client(client), m_logStore(std::make_unique<LogStore>())
{
    m_service = new QComboBox(this);
    m_service->addItem(tr("All services"));
    m_service->addItems(allServices());
    m_operation = new QLineEdit(this);
    m_operation->setPlaceholderText(tr("operation contains… (POST /api/v1/payments)"));
    m_minDuration = new QSpinBox(this);
    m_minDuration->setRange(0, 600000);
    m_minDuration->setPrefix(tr("≥ "));
    m_minDuration->setSuffix(tr(" ms"));
    m_range = new QComboBox(this);
    m_range->addItem(tr("Last 15 minutes"), 15);
    m_range->addItem(tr("Last hour"), 60);
    m_range->addItem(tr("Last 24 hours"), 1440);
    m_range->addItem(tr("Everything kept"), 0);
    m_range->setCurrentIndex(1);
    m_errorsOnly = new QCheckBox(tr("Errors only"), this);
    m_hidePlatform = new QCheckBox(tr("Hide polling"), this);
    m_hidePlatform->setToolTip(tr("Leave out health probes, metrics scrapes and the console's own log and "
                                  "span queries"));
    m_hidePlatform->setChecked(true);
    m_searchButton = new QPushButton(tr("Search"), this);
    m_searchButton->setDefault(true);
    m_traceId = new QLineEdit(this);
    m_traceId->setPlaceholderText(tr("trace id (32 hex)"));
    m_traceId->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *open = new QPushButton(tr("Open trace"), this);
    m_status = new QLabel(this);
    m_status->setStyleSheet(QStringLiteral("color: #404040;"));
    m_status->setWordWrap(true); // a trace across many services must not widen the window

    m_results = new QTreeWidget(this);
    m_results->setRootIsDecorated(false);
    m_results->setUniformRowHeights(true);
    m_results->setAlternatingRowColors(true);
    m_results->setHeaderLabels(
        {tr("Start (UTC)"), tr("Service"), tr("Operation"), tr("Duration"), tr("Status"), tr("Trace")});
    m_results->header()->setStretchLastSection(true);
    const QFontMetrics metrics(font());
    m_results->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("00-00 00:00:00.000")) + 20);
    m_results->setColumnWidth(1, metrics.horizontalAdvance(QStringLiteral("merchant-limit-service")) + 16);
    m_results->setColumnWidth(
        2, metrics.horizontalAdvance(QStringLiteral("POST /api/v1/merchants/{id}/kyc/documents")));
    m_results->setColumnWidth(3, metrics.horizontalAdvance(QStringLiteral("9999.99 ms")) + 16);
    m_results->setColumnWidth(4, metrics.horizontalAdvance(QStringLiteral("Status")) + 16);

    m_waterfall = new WaterfallWidget(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_waterfall);
    scroll->setWidgetResizable(true);
    scroll->setMinimumHeight(160);

    m_attributes = new QTreeWidget(this);
    m_attributes->setRootIsDecorated(false);
    m_attributes->setHeaderLabels({tr("Attribute"), tr("Value")});
    m_attributes->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("parent_span_id")) + 30);
    m_attributes->setAlternatingRowColors(true);
    m_logsTitle = new QLabel(tr("<b>Logs of the span</b>"), this);
    m_logModel = new LogTableModel(m_logStore.get(), this);
    m_logs = new QTableView(this);
    m_logs->setModel(m_logModel);
    m_logs->setItemDelegateForColumn(LogTableModel::TagsColumn, new LogTagDelegate(m_logs));
    m_logs->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_logs->verticalHeader()->setDefaultSectionSize(metrics.height() + 6);
    m_logs->verticalHeader()->hide();
    m_logs->horizontalHeader()->setStretchLastSection(true);
    m_logs->setShowGrid(false);
    m_logs->setWordWrap(false);
    m_logs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logs->setColumnHidden(LogTableModel::TraceColumn, true); // all the same trace here
    m_logs->setColumnHidden(LogTableModel::ServiceColumn, true);
    m_logs->setColumnWidth(LogTableModel::TimeColumn,
                           metrics.horizontalAdvance(QStringLiteral("00-00 00:00:00.000")) + 16);
    m_logs->setColumnWidth(LogTableModel::LevelColumn,
                           metrics.horizontalAdvance(QStringLiteral("ERROR_")) + 16);
    m_logs->setColumnWidth(LogTableModel::DurationColumn,
                           metrics.horizontalAdvance(QStringLiteral("99999")) + 16);
    m_logs->setColumnWidth(LogTableModel::StatusColumn,
                           metrics.horizontalAdvance(QStringLiteral("Status")) + 16);
    m_logs->setColumnWidth(LogTableModel::TagsColumn,
                           metrics.horizontalAdvance(QStringLiteral("error slow")) + 24);
    m_allLogs = new QPushButton(tr("All logs of this trace"), this);
    m_allLogs->setEnabled(false);

    // Names for tests and automation (stylesheets do not use them).
    m_traceId->setObjectName(QStringLiteral("traceId"));
    m_status->setObjectName(QStringLiteral("traceStatus"));
    m_results->setObjectName(QStringLiteral("traceResults"));
    m_waterfall->setObjectName(QStringLiteral("traceWaterfall"));
    m_attributes->setObjectName(QStringLiteral("traceAttributes"));
    m_logs->setObjectName(QStringLiteral("traceSpanLogs"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_service);
    bar->addWidget(m_operation, 1);
    bar->addWidget(m_minDuration);
    bar->addWidget(m_range);
    bar->addWidget(m_errorsOnly);
    bar->addWidget(m_hidePlatform);
    bar->addWidget(m_searchButton);
    auto *traceBar = new QHBoxLayout;
    traceBar->addWidget(m_traceId, 1);
    traceBar->addWidget(open);
    traceBar->addWidget(m_allLogs);

    auto *logsBox = new QWidget(this);
    auto *logsLayout = new QVBoxLayout(logsBox);
    logsLayout->setContentsMargins(0, 0, 0, 0);
    logsLayout->addWidget(m_logsTitle);
    logsLayout->addWidget(m_logs);
    auto *details = new QSplitter(Qt::Horizontal, this);
    details->addWidget(m_attributes);
    details->addWidget(logsBox);
    details->setStretchFactor(0, 2);
    details->setStretchFactor(1, 3);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_results);
    split->addWidget(scroll);
    split->addWidget(details);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 2);
    // The waterfall is what one looks at; the search results keep a few rows.
    split->setSizes({130, 330, 230});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(traceBar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_searchButton, &QPushButton::clicked, this, &TraceView::search);
    connect(m_operation, &QLineEdit::returnPressed, this, &TraceView::search);
    connect(open, &QPushButton::clicked, this, [this] { openTrace(m_traceId->text().trimmed()); });
    connect(m_traceId, &QLineEdit::returnPressed, this, [this] { openTrace(m_traceId->text().trimmed()); });
    connect(m_results, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            openTrace(item->data(0, Qt::UserRole).toString());
    });
    connect(m_waterfall, &WaterfallWidget::spanSelected, this, &TraceView::showSpan);
    connect(m_allLogs, &QPushButton::clicked, this,
            [this] { Q_EMIT logsRequested(m_waterfall->trace().traceId); });
}

TraceView::~TraceView() = default;

void TraceView::setSearch(const QString &service, const QString &operation, int minDurationMs,
                          bool errorsOnly)
{
    const int index = m_service->findText(service);
    m_service->setCurrentIndex(index < 0 ? 0 : index);
    m_operation->setText(operation);
    m_minDuration->setValue(minDurationMs);
    m_errorsOnly->setChecked(errorsOnly);
}

void TraceView::search()
{
    if (!m_client)
        return;
    const quint64 epoch = ++m_searchEpoch;
    const QStringList services =
        m_service->currentIndex() > 0 ? QStringList{m_service->currentText()} : allServices();
    QUrlQuery filter;
    if (!m_operation->text().trimmed().isEmpty())
        filter.addQueryItem(QStringLiteral("operation"),
                            QString::fromLatin1(QUrl::toPercentEncoding(m_operation->text().trimmed())));
    if (m_minDuration->value() > 0)
        filter.addQueryItem(QStringLiteral("min_duration_ms"), QString::number(m_minDuration->value()));
    const int minutes = m_range->currentData().toInt();
    if (minutes > 0)
        filter.addQueryItem(
            QStringLiteral("from_us"),
            QString::number(QDateTime::currentMSecsSinceEpoch() * 1000 - qint64(minutes) * 60000000));
    if (m_errorsOnly->isChecked())
        filter.addQueryItem(QStringLiteral("errors"), QStringLiteral("true"));
    if (m_hidePlatform->isChecked())
        filter.addQueryItem(QStringLiteral("hide_platform"), QStringLiteral("true"));
    filter.addQueryItem(QStringLiteral("kind"), QStringLiteral("server")); // one row per request handled
    filter.addQueryItem(QStringLiteral("limit"), QStringLiteral("200"));
    m_status->setText(tr("Searching %n service(s)…", nullptr, int(services.size())));
    auto fan = std::make_shared<FanOut>();
    fan->remaining = int(services.size());
    for (const QString &service : services) {
        onResult(this, m_client->spans(service, filter),
                 [this, fan, service, epoch](const api::ApiResult &result) {
                     if (result.ok())
                         for (const QJsonValue &item : result.items())
                             fan->items.append(item.toObject());
                     else
                         fan->failures.append(service);
                     if (--fan->remaining > 0 || epoch != m_searchEpoch)
                         return;
                     std::sort(fan->items.begin(), fan->items.end(),
                               [](const QJsonObject &a, const QJsonObject &b) {
                                   return a.value(QLatin1String("start_unix_us")).toInteger() >
                                          b.value(QLatin1String("start_unix_us")).toInteger();
                               });
                     if (fan->items.size() > 500)
                         fan->items.resize(500);
                     const QSignalBlocker blocker(m_results);
                     m_results->clear();
                     for (const QJsonObject &object : std::as_const(fan->items)) {
                         const TraceSpan span = TraceSpan::fromJson(object);
                         auto *item =
                             new QTreeWidgetItem(m_results, {startText(span.startUs), span.service,
                                                             span.operation, usText(span.durationUs),
                                                             QString::number(span.status), span.traceId});
                         item->setData(0, Qt::UserRole, span.traceId);
                         item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
                         item->setForeground(1, WaterfallWidget::serviceColor(span.service).darker(120));
                         if (span.error)
                             for (int column = 2; column < 5; ++column)
                                 item->setForeground(column, QColor(0xB0, 0x1E, 0x1E));
                     }
                     QString text = tr("%n span(s) found", nullptr, int(fan->items.size()));
                     if (!fan->failures.isEmpty())
                         text += tr(" · no answer from %1").arg(fan->failures.join(QStringLiteral(", ")));
                     m_status->setText(text);
                     Q_EMIT searchFinished(int(fan->items.size()));
                 });
    }
}

void TraceView::openTrace(const QString &traceId)
{
    if (!m_client || traceId.isEmpty())
        return;
    const quint64 epoch = ++m_traceEpoch;
    m_traceId->setText(traceId);
    m_status->setText(tr("Loading trace %1…").arg(traceId));
    QUrlQuery filter;
    filter.addQueryItem(QStringLiteral("trace_id"), traceId);
    filter.addQueryItem(QStringLiteral("limit"), QStringLiteral("1000"));
    const QStringList services = allServices();
    auto fan = std::make_shared<FanOut>();
    fan->remaining = int(services.size());
    for (const QString &service : services) {
        onResult(this, m_client->spans(service, filter),
                 [this, fan, service, epoch, traceId](const api::ApiResult &result) {
                     if (result.ok())
                         for (const QJsonValue &item : result.items())
                             fan->items.append(item.toObject());
                     else
                         fan->failures.append(service);
                     if (--fan->remaining > 0 || epoch != m_traceEpoch)
                         return;
                     Trace trace = buildTrace(fan->items);
                     const int spans = int(trace.spans.size());
                     QString text =
                         spans == 0
                             ? tr("No service holds spans of trace %1 (spans are kept in a ring of recent "
                                  "requests)")
                                   .arg(traceId)
                             : tr("Trace %1 · %n span(s)", nullptr, spans).arg(traceId) +
                                   tr(" across %1").arg(trace.services().join(QStringLiteral(", ")));
                     if (trace.errorCount())
                         text += tr(" · %n error(s)", nullptr, trace.errorCount());
                     if (!fan->failures.isEmpty())
                         text += tr(" · no answer from %1").arg(fan->failures.join(QStringLiteral(", ")));
                     m_status->setText(text);
                     m_waterfall->setTrace(std::move(trace));
                     m_allLogs->setEnabled(spans > 0);
                     if (spans > 0)
                         m_waterfall->selectRow(0);
                     Q_EMIT traceLoaded(spans);
                 });
    }
}

void TraceView::showSpan(int spanIndex)
{
    m_attributes->clear();
    const quint64 epoch = ++m_spanEpoch;
    m_logStore = std::make_unique<LogStore>();
    m_logModel->setStore(m_logStore.get());
    if (spanIndex < 0 || spanIndex >= m_waterfall->trace().spans.size()) {
        m_logsTitle->setText(tr("<b>Logs of the span</b>"));
        return;
    }
    const TraceSpan span = m_waterfall->trace().spans.at(spanIndex);
    const auto add = [this](const QString &key, const QString &value, bool error = false) {
        auto *item = new QTreeWidgetItem(m_attributes, {key, value});
        item->setToolTip(1, value);
        if (error)
            item->setForeground(1, QColor(0xB0, 0x1E, 0x1E));
    };
    add(QStringLiteral("service"), span.service);
    add(QStringLiteral("operation"), span.operation);
    add(QStringLiteral("kind"), span.kind);
    add(QStringLiteral("status"), QString::number(span.status), span.error);
    add(QStringLiteral("duration"), usText(span.durationUs));
    add(QStringLiteral("start"),
        QDateTime::fromMSecsSinceEpoch(span.startUs / 1000, Qt::UTC).toString(Qt::ISODateWithMs));
    add(QStringLiteral("span_id"), span.spanId);
    add(QStringLiteral("parent_span_id"), span.parentSpanId.isEmpty() ? tr("(root)") : span.parentSpanId);
    add(QStringLiteral("trace_id"), span.traceId);
    for (auto it = span.attributes.begin(); it != span.attributes.end(); ++it)
        add(it.key(),
            it.value().isString()
                ? it.value().toString()
                : QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1));
    if (!m_client)
        return;
    m_logsTitle->setText(tr("<b>Logs of the span</b> (%1, loading…)").arg(span.service));
    QUrlQuery filter;
    filter.addQueryItem(QStringLiteral("trace_id"), span.traceId);
    filter.addQueryItem(QStringLiteral("span_id"), span.spanId);
    filter.addQueryItem(QStringLiteral("level"), QStringLiteral("debug"));
    filter.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
    onResult(
        this, m_client->searchLogs(span.service, filter), [this, epoch, span](const api::ApiResult &result) {
            if (epoch != m_spanEpoch)
                return;
            if (!result.ok()) {
                m_logsTitle->setText(
                    tr("<b>Logs of the span</b> (%1: %2)").arg(span.service, result.errorMessage));
                return;
            }
            const QJsonArray items = result.items();
            for (qsizetype i = items.size() - 1; i >= 0; --i) // oldest first
                m_logStore->appendObject(items.at(i).toObject());
            m_logModel->setStore(m_logStore.get());
            m_logsTitle->setText(
                items.isEmpty() ? tr("<b>Logs of the span</b> (%1 wrote none with this span id%2)")
                                      .arg(span.service, span.kind == QLatin1String("client")
                                                             ? tr(": a client span's lines are its "
                                                                  "callee's")
                                                             : QString())
                                : tr("<b>Logs of the span</b> (%1, %n line(s))", nullptr, int(items.size()))
                                      .arg(span.service));
            Q_EMIT spanLogsLoaded(int(items.size()));
        });
}

} // namespace paydesk::console
