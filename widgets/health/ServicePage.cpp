#include "health/ServicePage.h"

#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "common/Theme.h"
#include "health/HealthModel.h"
#include "platform/async/WhenFinished.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace paydesk::console {

namespace {
QChartView *makeChart(const QString &title, QLineSeries **series, QValueAxis **x, QValueAxis **y)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(6);
    *series = new QLineSeries;
    chart->addSeries(*series);
    *x = new QValueAxis;
    (*x)->setRange(-300, 0);
    (*x)->setLabelFormat(QStringLiteral("%d s"));
    (*x)->setTickCount(6);
    *y = new QValueAxis;
    (*y)->setLabelFormat(QStringLiteral("%.1f"));
    (*y)->setRange(0, 1);
    chart->addAxis(*x, Qt::AlignBottom);
    chart->addAxis(*y, Qt::AlignLeft);
    (*series)->attachAxis(*x);
    (*series)->attachAxis(*y);
    auto *view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(180);
    return view;
}

QTableWidget *makeTable(const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    return table;
}
} // namespace

ServicePage::ServicePage(api::PlatformClient *client, HealthModel *model, QWidget *parent)
    : QWidget(parent), m_client(client), m_model(model), m_title(new QLabel), m_status(new QLabel),
      m_error(new QLabel),
      m_checks(makeTable({tr("Check"), tr("Status"), tr("Critical"), tr("Latency"), tr("Message")})),
      m_logs(makeTable({tr("Time"), tr("Level"), tr("Message")})), m_stopButton(new QPushButton(tr("&Stop"))),
      m_startButton(new QPushButton(tr("S&tart"))), m_restartButton(new QPushButton(tr("Rest&art"))),
      m_controlResult(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 8);
    auto *back = new QPushButton(tr("← Back (Esc)"));
    connect(back, &QPushButton::clicked, this, &ServicePage::backRequested);
    auto *reloadButton = new QPushButton(tr("Reload (F5)"));
    connect(reloadButton, &QPushButton::clicked, this, &ServicePage::reload);
    auto *logsButton = new QPushButton(tr("Logs (Ctrl+L)"));
    logsButton->setObjectName(QStringLiteral("serviceLogs"));
    logsButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(logsButton, &QPushButton::clicked, this, [this] {
        if (!m_service.isEmpty())
            emit logsRequested(m_service);
    });
    m_title->setObjectName(QStringLiteral("viewTitle"));
    auto *header = new QHBoxLayout;
    header->addWidget(back);
    header->addSpacing(12);
    header->addWidget(m_title);
    header->addSpacing(12);
    header->addWidget(m_status, 1);
    header->addWidget(logsButton);
    header->addWidget(reloadButton);
    layout->addLayout(header);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->hide();
    layout->addWidget(m_error);

    // Alt+S / Alt+T / Alt+A, or Tab to them; each asks for confirmation (Cancel is the default).
    auto *controls = new QHBoxLayout;
    const QList<std::pair<QPushButton *, QString>> buttons{{m_stopButton, QStringLiteral("stop")},
                                                           {m_startButton, QStringLiteral("start")},
                                                           {m_restartButton, QStringLiteral("restart")}};
    for (const auto &[button, action] : buttons) {
        button->setObjectName(action + QStringLiteral("Service"));
        button->setAccessibleName(tr("%1 this service").arg(action));
        connect(button, &QPushButton::clicked, this, [this, action = action] { requestControl(action); });
        controls->addWidget(button);
    }
    m_controlResult->setObjectName(QStringLiteral("controlResult"));
    m_controlResult->setWordWrap(true);
    m_controlResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    controls->addSpacing(8);
    controls->addWidget(m_controlResult, 1);
    layout->addLayout(controls);

    auto *charts = new QHBoxLayout;
    charts->addWidget(makeChart(tr("Requests per second (last 5 min)"), &m_rps, &m_rpsX, &m_rpsY));
    charts->addWidget(makeChart(tr("p95 latency, ms (last 5 min)"), &m_p95, &m_p95X, &m_p95Y));
    layout->addLayout(charts, 3);

    m_checks->setMaximumHeight(130);
    m_checks->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_checks->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_checks, 1);
    auto *logsTitle = new QLabel(tr("Recent log lines"));
    logsTitle->setStyleSheet(QStringLiteral("font-weight: 600;"));
    layout->addWidget(logsTitle);
    m_logs->setWordWrap(false);
    layout->addWidget(m_logs, 3);

    // The charts move on while the page is open (one history request every 5 s).
    auto *chartTimer = new QTimer(this);
    chartTimer->setInterval(5000);
    connect(chartTimer, &QTimer::timeout, this, &ServicePage::refreshHistory);
    chartTimer->start();
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                if (!isVisible())
                    return;
                for (int r = from.row(); r <= to.row(); ++r) {
                    if (m_model->rows().at(r).name == m_service) {
                        showChecks(); // only this service's row matters here
                        return;
                    }
                }
            });
}

void ServicePage::refreshHistory()
{
    if (m_service.isEmpty() || !isVisible() || m_historyInFlight)
        return;
    m_historyInFlight = true;
    const QString service = m_service;
    platform::whenFinished(this, m_client->send(api::requests::systemHealthHistory(service, 300)),
                           [this, service](const api::ApiResult &r) {
                               m_historyInFlight = false;
                               if (r.ok() && service == m_service)
                                   showHistory(r.object());
                           });
}

void ServicePage::open(const QString &service)
{
    if (service != m_service) {
        m_answeredState.clear();
        m_controlResult->clear();
    }
    m_service = service;
    m_title->setText(service);
    m_rps->clear();
    m_p95->clear();
    m_logs->setRowCount(0);
    showChecks();
    reload();
    setFocus();
}

void ServicePage::showChecks()
{
    updateControls();
    const HealthRow *row = m_model->row(m_service);
    if (!row)
        return;
    if (row->state == QStringLiteral("stopped")) {
        m_status->setText(QStringLiteral("<span style='color:%1; font-weight:600'>%2</span> · %3")
                              .arg(stateColor(row->state).name(), row->state,
                                   tr("stopped by an administrator; Start brings it back")));
        m_checks->setRowCount(0); // nothing is checked while it is stopped
        return;
    }
    m_status->setText(
        QStringLiteral("<span style='color:%1; font-weight:600'>%2</span> · %3 · %4 req/s · p95 %5")
            .arg(stateColor(row->state).name(), row->state, row->ready ? tr("ready") : tr("not ready"))
            .arg(row->requestsPerSecond, 0, 'f', 1)
            .arg(row->p95Ms < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(row->p95Ms, 0, 'f', 1)));
    m_checks->setRowCount(int(row->checks.size()));
    for (int i = 0; i < row->checks.size(); ++i) {
        const QJsonObject c = row->checks.at(i).toObject();
        const QString status = c.value(QStringLiteral("status")).toString();
        auto *statusItem = new QTableWidgetItem(status);
        statusItem->setForeground(stateColor(status));
        m_checks->setItem(i, 0, new QTableWidgetItem(c.value(QStringLiteral("name")).toString()));
        m_checks->setItem(i, 1, statusItem);
        m_checks->setItem(
            i, 2, new QTableWidgetItem(c.value(QStringLiteral("critical")).toBool() ? tr("yes") : tr("no")));
        m_checks->setItem(i, 3,
                          new QTableWidgetItem(QStringLiteral("%1 ms").arg(
                              c.value(QStringLiteral("latency_ms")).toDouble(), 0, 'f', 2)));
        m_checks->setItem(i, 4, new QTableWidgetItem(c.value(QStringLiteral("message")).toString()));
    }
}

void ServicePage::reload()
{
    if (m_service.isEmpty())
        return;
    m_pending = 2;
    m_error->hide();
    const QString service = m_service;
    platform::whenFinished(this, m_client->send(api::requests::systemHealthHistory(service, 300)),
                           [this, service](const api::ApiResult &r) {
                               if (service != m_service)
                                   return;
                               if (r.ok())
                                   showHistory(r.object());
                               else {
                                   m_error->setText(tr("History unavailable — %1").arg(errorText(r)));
                                   m_error->show();
                               }
                               if (--m_pending == 0)
                                   emit loaded();
                           });
    platform::whenFinished(
        this, m_client->send(api::requests::serviceLogs(service, 50)),
        [this, service](const api::ApiResult &r) {
            if (service != m_service)
                return;
            if (r.ok()) {
                const QJsonArray items = r.items();
                m_logs->setRowCount(int(items.size()));
                for (int i = 0; i < items.size(); ++i) {
                    const QJsonObject line = items.at(i).toObject();
                    const QString ts = line.value(QStringLiteral("ts"))
                                           .toString(line.value(QStringLiteral("timestamp")).toString());
                    m_logs->setItem(i, 0,
                                    new QTableWidgetItem(QDateTime::fromString(ts, Qt::ISODateWithMs)
                                                             .toLocalTime()
                                                             .toString(QStringLiteral("HH:mm:ss.zzz"))));
                    m_logs->setItem(i, 1,
                                    new QTableWidgetItem(line.value(QStringLiteral("level")).toString()));
                    m_logs->setItem(
                        i, 2,
                        new QTableWidgetItem(line.value(QStringLiteral("message"))
                                                 .toString(line.value(QStringLiteral("msg")).toString())));
                }
                m_logs->resizeColumnToContents(0);
                m_logs->resizeColumnToContents(1);
            } else {
                m_error->setText(tr("Logs unavailable — %1").arg(errorText(r)));
                m_error->show();
            }
            if (--m_pending == 0)
                emit loaded();
        });
}

void ServicePage::showHistory(const QJsonObject &history)
{
    const QJsonArray items = history.value(QStringLiteral("items")).toArray();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<QPointF> rps, p95;
    double maxRps = 1, maxP95 = 1;
    for (const QJsonValue &v : items) {
        const QJsonObject s = v.toObject();
        const double t = (QDateTime::fromString(s.value(QStringLiteral("t")).toString(), Qt::ISODateWithMs)
                              .toMSecsSinceEpoch() -
                          now) /
                         1000.0;
        const double r = s.value(QStringLiteral("req_per_s")).toDouble();
        const double p = qMax(0.0, s.value(QStringLiteral("p95_ms")).toDouble());
        rps.append({t, r});
        p95.append({t, p});
        maxRps = qMax(maxRps, r);
        maxP95 = qMax(maxP95, p);
    }
    m_rps->replace(rps);
    m_p95->replace(p95);
    m_rpsY->setRange(0, maxRps * 1.15);
    m_p95Y->setRange(0, maxP95 * 1.15);
}

void ServicePage::updateControls()
{
    const HealthRow *row = m_model->row(m_service);
    const QString modelState = row ? row->state : QString();
    if (!m_answeredState.isEmpty() && modelState == m_answeredState)
        m_answeredState.clear(); // the dashboard caught up
    const QString state = m_answeredState.isEmpty() ? modelState : m_answeredState;
    // admin-service serves the control calls themselves: it cannot stop or restart itself.
    const bool controllable = !m_service.isEmpty() && m_service != QStringLiteral("admin-service") &&
                              state != QStringLiteral("unreachable") && !m_controlInFlight;
    const bool stopped = state == QStringLiteral("stopped");
    m_stopButton->setEnabled(controllable && !stopped);
    m_startButton->setEnabled(controllable && stopped);
    m_restartButton->setEnabled(controllable && !stopped);
    const QString why = m_service == QStringLiteral("admin-service")
                            ? tr("admin-service serves these requests; restart the server process instead")
                            : QString();
    for (QPushButton *button : {m_stopButton, m_startButton, m_restartButton})
        button->setToolTip(why);
}

void ServicePage::requestControl(const QString &action)
{
    if (m_service.isEmpty() || m_controlInFlight)
        return;
    const QString question =
        action == QStringLiteral("stop")
            ? tr("Stop %1? It finishes its in-flight requests, then refuses every call (503 SERVICE_STOPPED) "
                 "until it is started again. Events for it wait and are delivered after the start.")
                  .arg(m_service)
        : action == QStringLiteral("start")
            ? tr("Start %1 again?").arg(m_service)
            : tr("Restart %1? It stops (finishing its in-flight requests) and starts again; calls to it "
                 "fail with 503 meanwhile.")
                  .arg(m_service);
    const QString verb = action == QStringLiteral("stop")    ? tr("Stop")
                         : action == QStringLiteral("start") ? tr("Start")
                                                             : tr("Restart");
    if (confirmAction(this, tr("%1 %2").arg(verb, m_service), question, tr("%1 %2").arg(verb, m_service)))
        control(action);
}

void ServicePage::control(const QString &action)
{
    if (m_service.isEmpty() || m_controlInFlight)
        return;
    m_controlInFlight = true;
    updateControls();
    const QString service = m_service;
    m_controlResult->setStyleSheet({});
    m_controlResult->setText(action == QStringLiteral("stop")    ? tr("Stopping %1…").arg(service)
                             : action == QStringLiteral("start") ? tr("Starting %1…").arg(service)
                                                                 : tr("Restarting %1…").arg(service));
    // Asynchronous like the page's other calls: the GUI thread never waits for the drain.
    platform::whenFinished(
        this, m_client->send(api::requests::controlService(service, action)),
        [this, service, action](const api::ApiResult &r) {
            m_controlInFlight = false;
            QString text;
            if (r.ok()) {
                const QJsonObject health = r.object();
                if (service == m_service)
                    m_answeredState = health.value(QStringLiteral("status")).toString();
                const QString at = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
                const QString status = health.value(QStringLiteral("status")).toString();
                text = action == QStringLiteral("stop")
                           ? tr("%1 stopped at %2: it refuses calls until it is started.").arg(service, at)
                           : tr("%1 %2 at %3: now %4.")
                                 .arg(service,
                                      action == QStringLiteral("start") ? tr("started") : tr("restarted"), at,
                                      status);
            } else {
                text = tr("Could not %1 %2 — %3").arg(action, service, errorText(r));
            }
            if (service == m_service) {
                m_controlResult->setStyleSheet(
                    r.ok() ? QString()
                           : QStringLiteral("color: %1; font-weight: 600;")
                                 .arg(stateColor(QStringLiteral("unhealthy")).name()));
                m_controlResult->setText(text);
                updateControls();
            }
            if (r.ok() && action != QStringLiteral("stop") && service == m_service)
                reload(); // fresh history and log lines (a stopped service serves neither)
            emit controlFinished(r.ok(), text);
        });
}

QString ServicePage::controlResult() const
{
    return m_controlResult->text();
}

int ServicePage::logRowCount() const
{
    return m_logs->rowCount();
}

int ServicePage::historyPoints() const
{
    return int(m_rps->count());
}

void ServicePage::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape || event->key() == Qt::Key_Backspace) {
        emit backRequested();
        return;
    }
    if (event->key() == Qt::Key_F5) {
        reload();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace paydesk::console
