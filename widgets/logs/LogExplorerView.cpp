#include "logs/LogExplorerView.h"

#include "api/PlatformClient.h"
#include "logs/ApiCall.h"
#include "logs/LogTableModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>

namespace paydesk::console {

void LogTagDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const int tags = index.data(LogTableModel::TagsRole).toInt();
    if (!tags)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * 0.85);
    font.setBold(true);
    painter->setFont(font);
    const QFontMetrics metrics(font);
    int x = option.rect.left() + 3;
    const int height = qMin(option.rect.height() - 4, metrics.height() + 2);
    const int y = option.rect.top() + (option.rect.height() - height) / 2;
    const struct
    {
        int bit;
        const char *text;
        QColor background;
        QColor foreground;
    } chips[] = {{TagError, "error", QColor(0xC6, 0x28, 0x28), Qt::white},
                 {TagSlow, "slow", QColor(0xF2, 0xA9, 0x00), QColor(0x3A, 0x2A, 0x00)}};
    for (const auto &chip : chips) {
        if (!(tags & chip.bit))
            continue;
        const QString text = QString::fromLatin1(chip.text);
        const QRect rect(x, y, metrics.horizontalAdvance(text) + 10, height);
        QPainterPath path;
        path.addRoundedRect(rect, height / 2.0, height / 2.0);
        painter->fillPath(path, chip.background);
        painter->setPen(chip.foreground);
        painter->drawText(rect, Qt::AlignCenter, text);
        x = rect.right() + 4;
    }
    painter->restore();
}

void LogMessageDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    option->textElideMode = Qt::ElideRight;
}

LogExplorerView::LogExplorerView(api::PlatformClient *client, QWidget *parent)
    : QWidget(parent), m_client(client), m_store(std::make_shared<LogStore>()),
      m_model(new LogTableModel(m_store.get(), this))
{
    m_service = new QComboBox(this);
    m_service->addItem(tr("All services"));
    for (const api::ServiceEndpoint &endpoint : api::knownServices())
        m_service->addItem(endpoint.name);
    m_range = new QComboBox(this);
    const struct
    {
        const char *label;
        int minutes;
    } ranges[] = {{"Last 15 minutes", 15},
                  {"Last hour", 60},
                  {"Last 6 hours", 360},
                  {"Last 24 hours", 1440},
                  {"Everything kept", 0}};
    for (const auto &range : ranges)
        m_range->addItem(tr(range.label), range.minutes);
    m_range->setCurrentIndex(1);
    m_limit = new QSpinBox(this);
    m_limit->setRange(100, 5000);
    m_limit->setSingleStep(500);
    m_limit->setValue(2000);
    m_limit->setSuffix(tr(" lines/service"));
    m_slowMs = new QSpinBox(this);
    m_slowMs->setRange(1, 600000);
    m_slowMs->setValue(1000);
    m_slowMs->setPrefix(tr("slow ≥ "));
    m_slowMs->setSuffix(tr(" ms"));
    m_searchButton = new QPushButton(tr("Search"), this);
    m_searchButton->setDefault(true);
    m_tail = new QCheckBox(tr("Live tail"), this);

    m_query = new QLineEdit(this);
    m_query->setPlaceholderText(tr("service:payment-gateway AND level:ERROR AND duration_ms>1000   ·   "
                                   "\"phrase\"   ·   trace:<id>   ·   "
                                   "tag:slow"));
    m_query->setClearButtonEnabled(true);
    m_query->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #B01E1E;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_error->setIndent(5); // lines the caret up with the line edit's text
    m_error->hide();
    m_status = new QLabel(this);
    m_status->setStyleSheet(QStringLiteral("color: #404040;"));

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(LogTableModel::TagsColumn, new LogTagDelegate(m_table));
    m_table->setItemDelegateForColumn(LogTableModel::MessageColumn, new LogMessageDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle); // trace ids and paths keep both ends
    m_table->setShowGrid(false);
    m_table->setSortingEnabled(false);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Uniform rows: a fixed vertical header means no per-row size query over a million rows.
    QHeaderView *rows = m_table->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(QFontMetrics(font()).height() + 6);
    rows->hide();
    QHeaderView *columns = m_table->horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(true);
    const QFontMetrics metrics(font());
    const auto width = [&](const char *sample) {
        return metrics.horizontalAdvance(QLatin1String(sample)) + 16;
    };
    m_table->setColumnWidth(LogTableModel::TimeColumn, width("00-00 00:00:00.000"));
    m_table->setColumnWidth(LogTableModel::LevelColumn, width("ERROR_"));
    m_table->setColumnWidth(LogTableModel::ServiceColumn, width("merchant-limit-service"));
    m_table->setColumnWidth(LogTableModel::DurationColumn, width("999999"));
    m_table->setColumnWidth(LogTableModel::StatusColumn, width("Status"));
    m_table->setColumnWidth(LogTableModel::TagsColumn, width("error__slow__"));
    // Elided in the middle, both ends still tell traces apart; the message gets the room.
    m_table->setColumnWidth(LogTableModel::TraceColumn, width("4bf92f35...0e4736"));

    m_detail = new QPlainTextEdit(this);
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("Select a line to see its JSON"));
    m_openTrace = new QPushButton(tr("Open trace"), this);
    m_openTrace->setEnabled(false);

    // Names for tests and automation (stylesheets do not use them).
    m_service->setObjectName(QStringLiteral("logService"));
    m_range->setObjectName(QStringLiteral("logRange"));
    m_searchButton->setObjectName(QStringLiteral("logSearch"));
    m_tail->setObjectName(QStringLiteral("logTail"));
    m_query->setObjectName(QStringLiteral("logQuery"));
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_table->setObjectName(QStringLiteral("logTable"));
    m_detail->setObjectName(QStringLiteral("logDetail"));
    m_openTrace->setObjectName(QStringLiteral("logOpenTrace"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_service);
    bar->addWidget(m_range);
    bar->addWidget(m_limit);
    bar->addWidget(m_searchButton);
    bar->addSpacing(12);
    bar->addWidget(m_tail);
    bar->addStretch();
    bar->addWidget(m_slowMs);
    auto *detailBox = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto *detailBar = new QHBoxLayout;
    auto *detailTitle = new QLabel(tr("<b>Line</b>"), detailBox);
    detailBar->addWidget(detailTitle);
    detailBar->addStretch();
    detailBar->addWidget(m_openTrace);
    detailLayout->addLayout(detailBar);
    detailLayout->addWidget(m_detail);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({440, 260}); // the selected line's JSON readable without scrolling at 1280×800
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_query);
    layout->addWidget(m_error);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    // Typing re-filters after a short pause; each new query cancels the running one.
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_query, &QLineEdit::textEdited, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &LogExplorerView::applyQuery);
    connect(m_query, &QLineEdit::returnPressed, this, &LogExplorerView::applyQuery);
    connect(m_searchButton, &QPushButton::clicked, this, &LogExplorerView::search);
    connect(m_tail, &QCheckBox::toggled, this, &LogExplorerView::setTailing);
    connect(m_slowMs, &QSpinBox::valueChanged, this, [this](int ms) {
        m_model->setSlowThresholdMs(ms);
        if (m_query->text().contains(QLatin1String("tag"), Qt::CaseInsensitive))
            applyQuery();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LogExplorerView::showDetail);
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex &index) {
        const QString trace = index.data(LogTableModel::TraceIdRole).toString();
        if (index.column() == LogTableModel::TraceColumn && !trace.isEmpty())
            Q_EMIT traceRequested(trace);
    });
    connect(m_openTrace, &QPushButton::clicked, this, [this] {
        const QString trace = m_table->currentIndex().data(LogTableModel::TraceIdRole).toString();
        if (!trace.isEmpty())
            Q_EMIT traceRequested(trace);
    });
    updateStatus();
}

LogExplorerView::~LogExplorerView()
{
    ++m_epoch; // running polls find their epoch gone
    if (m_cancel)
        m_cancel->store(true); // the job owns what it reads (store, query) and stops early
}

QString LogExplorerView::queryError() const
{
    return m_error->text();
}

bool LogExplorerView::isTailing() const
{
    return m_tail->isChecked();
}

QStringList LogExplorerView::selectedServices() const
{
    if (m_service->currentIndex() > 0)
        return {m_service->currentText()};
    QStringList all;
    for (const api::ServiceEndpoint &endpoint : api::knownServices())
        all.append(endpoint.name);
    return all;
}

void LogExplorerView::setQuery(const QString &query)
{
    m_query->setText(query);
    applyQuery();
}

void LogExplorerView::setLines(std::shared_ptr<LogStore> store)
{
    m_store = std::move(store);
    m_pending.clear();
    m_model->setStore(m_store.get());
    m_detail->clear();
    applyQuery();
}

void LogExplorerView::appendLines(const QList<QJsonObject> &lines)
{
    m_pending.append(lines);
    if (m_runningJobs == 0)
        flushPending();
}

// Appends held-back lines once no filter job reads the store. New rows go at the bottom, so a user
// who scrolled up keeps their place; one who was at the bottom follows the tail.
void LogExplorerView::flushPending()
{
    if (m_pending.isEmpty() || m_runningJobs > 0)
        return;
    QScrollBar *bar = m_table->verticalScrollBar();
    const bool follow = bar->value() >= bar->maximum();
    const qsizetype first = m_store->size();
    for (const QJsonObject &line : std::as_const(m_pending))
        m_store->appendObject(line);
    const int added = int(m_pending.size());
    m_pending.clear();
    const qsizetype end = m_store->size();
    std::vector<quint32> kept;
    if (m_root)
        kept = filterLog(*m_store, *m_root, first, end, {double(m_slowMs->value()), nullptr});
    m_model->appendRows(first, end, kept);
    if (follow)
        m_table->scrollToBottom();
    updateStatus();
    Q_EMIT linesAppended(added);
}

void LogExplorerView::applyQuery()
{
    m_debounce->stop();
    QueryParseResult parsed = parseLogQuery(m_query->text());
    if (!parsed.ok()) {
        // Keep the last good result on screen; show where the query went wrong.
        // The query again with a caret under the offending column (both in the fixed font).
        m_error->setText(m_query->text() + u'\n' + QString(parsed.errorPosition, u' ') +
                         QStringLiteral("^ ") + parsed.error);
        m_error->show();
        return;
    }
    m_error->clear();
    m_error->hide();
    if (m_cancel)
        m_cancel->store(true);
    const quint64 generation = ++m_generation;
    if (parsed.root->kind == QueryNode::Kind::All) {
        m_root.reset();
        m_model->showAll();
        m_lastFilterMs = 0;
        updateStatus();
        Q_EMIT filterApplied(m_model->rowCount());
        flushPending();
        return;
    }
    // Shared with the job: a replaced job may outlive this query.
    auto root = std::shared_ptr<const QueryNode>(std::move(parsed.root));
    m_root = root;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    std::shared_ptr<const LogStore> store = m_store;
    const qsizetype end = store->size();
    const double slowMs = m_slowMs->value();
    ++m_runningJobs;
    m_status->setText(tr("Filtering %L1 lines…").arg(end));
    auto future = QtConcurrent::run([store, root, cancel, end, slowMs, generation] {
        QElapsedTimer timer;
        timer.start();
        FilterResult result;
        result.rows = filterLog(*store, *root, 0, end, {slowMs, cancel.get()});
        result.generation = generation;
        result.elapsedMs = timer.elapsed();
        return result;
    });
    // A replaced job still finishes (it stops early when cancelled); its count is settled there.
    auto *watcher = new QFutureWatcher<FilterResult>(this);
    connect(watcher, &QFutureWatcher<FilterResult>::finished, this, [this, watcher] {
        --m_runningJobs;
        FilterResult result = watcher->result();
        watcher->deleteLater();
        if (result.generation == m_generation) {
            m_lastFilterMs = result.elapsedMs;
            m_model->showRows(std::move(result.rows));
            updateStatus();
            Q_EMIT filterApplied(m_model->rowCount());
        }
        flushPending();
    });
    watcher->setFuture(future);
}

void LogExplorerView::updateStatus()
{
    const QLocale locale;
    QString text = m_model->isFiltered() ? tr("%1 of %2 lines match")
                                               .arg(locale.toString(m_model->rowCount()),
                                                    locale.toString(qint64(m_store->size())))
                                         : tr("%1 lines").arg(locale.toString(qint64(m_store->size())));
    if (m_model->isFiltered())
        text += tr(" · filtered in %1 ms").arg(m_lastFilterMs);
    if (m_tail->isChecked())
        text += tr(" · tailing %1")
                    .arg(m_service->currentIndex() > 0 ? m_service->currentText() : tr("every service"));
    m_status->setText(text);
}

void LogExplorerView::showDetail()
{
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid()) {
        m_detail->clear();
        m_openTrace->setEnabled(false);
        return;
    }
    const QByteArray raw = index.data(LogTableModel::RawJsonRole).toString().toUtf8();
    const QJsonDocument document = QJsonDocument::fromJson(raw);
    m_detail->setPlainText(document.isObject() ? QString::fromUtf8(document.toJson(QJsonDocument::Indented))
                                               : QString::fromUtf8(raw));
    m_openTrace->setEnabled(!index.data(LogTableModel::TraceIdRole).toString().isEmpty());
}

void LogExplorerView::search()
{
    if (!m_client)
        return;
    const quint64 epoch = ++m_searchEpoch;
    const QStringList services = selectedServices();
    QUrlQuery filter;
    filter.addQueryItem(QStringLiteral("limit"), QString::number(m_limit->value()));
    const int minutes = m_range->currentData().toInt();
    if (minutes > 0)
        filter.addQueryItem(QStringLiteral("since"),
                            QDateTime::currentDateTimeUtc().addSecs(-60LL * minutes).toString(Qt::ISODate));
    const QString trace = property("paydesk_trace").toString();
    const QString span = property("paydesk_span").toString();
    const QString text = property("paydesk_text").toString();
    if (!text.isEmpty())
        filter.addQueryItem(QStringLiteral("q"), QString::fromLatin1(QUrl::toPercentEncoding(text)));
    if (!trace.isEmpty())
        filter.addQueryItem(QStringLiteral("trace_id"), trace);
    if (!span.isEmpty())
        filter.addQueryItem(QStringLiteral("span_id"), span);
    m_searchButton->setEnabled(false);
    m_status->setText(tr("Searching %n service(s)…", nullptr, int(services.size())));
    struct Gather
    {
        int remaining = 0;
        QList<QJsonObject> lines;
        QStringList failures;
        QHash<QString, qint64> cursors;
    };
    auto gather = std::make_shared<Gather>();
    gather->remaining = int(services.size());
    for (const QString &service : services) {
        onResult(this, m_client->searchLogs(service, filter),
                 [this, gather, service, epoch](const api::ApiResult &result) {
                     if (result.ok()) {
                         for (const QJsonValue &line : result.items())
                             gather->lines.append(line.toObject());
                         gather->cursors.insert(
                             service, result.object().value(QStringLiteral("cursor")).toInteger(-1));
                     } else {
                         gather->failures.append(QStringLiteral("%1: %2").arg(service, result.errorMessage));
                     }
                     if (--gather->remaining > 0 || epoch != m_searchEpoch)
                         return;
                     // Oldest first across services: ISO 8601 UTC timestamps sort as text.
                     std::stable_sort(gather->lines.begin(), gather->lines.end(),
                                      [](const QJsonObject &a, const QJsonObject &b) {
                                          return a.value(QLatin1String("timestamp")).toString() <
                                                 b.value(QLatin1String("timestamp")).toString();
                                      });
                     auto store = std::make_shared<LogStore>();
                     store->reserve(gather->lines.size(), gather->lines.size() * 300);
                     for (const QJsonObject &line : std::as_const(gather->lines))
                         store->appendObject(line);
                     m_cursors = gather->cursors;
                     m_searchButton->setEnabled(true);
                     setLines(store);
                     m_table->scrollToBottom();
                     if (!gather->failures.isEmpty()) {
                         m_error->setText(tr("Not every service answered: %1")
                                              .arg(gather->failures.join(QStringLiteral("; "))));
                         m_error->show();
                     }
                     if (m_tail->isChecked()) { // restart the polls from the new cursors
                         setTailing(false);
                         setTailing(true);
                     }
                     Q_EMIT searchFinished(int(m_store->size()));
                 });
    }
}

void LogExplorerView::showTraceLogs(const QString &traceId, const QString &spanId)
{
    setProperty("paydesk_trace", traceId);
    setProperty("paydesk_span", spanId);
    m_service->setCurrentIndex(0);
    m_range->setCurrentIndex(m_range->count() - 1);
    m_query->setText(spanId.isEmpty() ? QStringLiteral("trace:%1").arg(traceId)
                                      : QStringLiteral("trace:%1 AND span_id:%2").arg(traceId, spanId));
    search();
    // Later searches from the bar are not limited to this trace.
    setProperty("paydesk_trace", QVariant());
    setProperty("paydesk_span", QVariant());
}

void LogExplorerView::showTextLogs(const QString &text)
{
    setProperty("paydesk_text", text);
    m_service->setCurrentIndex(0);
    m_range->setCurrentIndex(m_range->count() - 1);
    QString quoted = text;
    quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    m_query->setText(u'"' + quoted + u'"');
    search();
    setProperty("paydesk_text", QVariant());
}

void LogExplorerView::showServiceLogs(const QString &service)
{
    const int index = m_service->findText(service);
    m_service->setCurrentIndex(qMax(0, index));
    m_query->setText(QStringLiteral("service:") + service);
    search();
}

void LogExplorerView::setTailing(bool on)
{
    if (m_tail->isChecked() != on) {
        m_tail->setChecked(on); // re-enters through toggled
        return;
    }
    ++m_epoch;
    m_tailEpoch.clear();
    if (on && m_client) {
        for (const QString &service : selectedServices()) {
            m_tailEpoch.insert(service, m_epoch);
            pollTail(service);
        }
    }
    updateStatus();
}

void LogExplorerView::pollTail(const QString &service)
{
    const quint64 epoch = m_epoch;
    const qint64 cursor = m_cursors.value(service, -1);
    onResult(this, m_client->tailLogs(service, cursor, 10000),
             [this, service, epoch](const api::ApiResult &result) {
                 if (epoch != m_epoch || !m_tail->isChecked())
                     return;
                 if (!result.ok()) {
                     QTimer::singleShot(2000, this, [this, service, epoch] {
                         if (epoch == m_epoch && m_tail->isChecked())
                             pollTail(service);
                     });
                     return;
                 }
                 m_cursors.insert(service, result.object().value(QStringLiteral("cursor")).toInteger(-1));
                 QList<QJsonObject> lines;
                 for (const QJsonValue &line : result.items())
                     lines.append(line.toObject());
                 if (!lines.isEmpty())
                     appendLines(lines);
                 pollTail(service);
             });
}

} // namespace paydesk::console
