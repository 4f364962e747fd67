#include "SystemHealthMonitor.h"

#include "platform/async/WhenFinished.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/rpc/ServiceClient.h"
#include "platform/rpc/ServiceDirectory.h"

#include <QFuture>
#include <QJsonDocument>
#include <QPointer>

#include <cmath>

#include <memory>

namespace paydesk::services::admin {

namespace {
// Probes and scrapes are not traffic: an idle service would otherwise show the monitor's own 2 req/s.
const QStringList kIgnoredRoutes{QStringLiteral("/health"), QStringLiteral("/health/ready"),
                                 QStringLiteral("/health/live"), QStringLiteral("/metrics")};

QJsonValue orNull(double value)
{
    return value < 0 ? QJsonValue() : QJsonValue(value);
}

double rounded(double value, int decimals = 2)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}
} // namespace

QJsonObject HealthSample::toJson() const
{
    return {{QStringLiteral("t"), QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("state"), state},
            {QStringLiteral("ready"), ready},
            {QStringLiteral("latency_ms"), rounded(latencyMs)},
            {QStringLiteral("req_per_s"), rounded(requestsPerSecond)},
            {QStringLiteral("p95_ms"), orNull(p95Ms < 0 ? -1 : rounded(p95Ms))},
            {QStringLiteral("error_rate"), rounded(errorRate, 4)}};
}

SystemHealthMonitor::SystemHealthMonitor(platform::ServiceRuntime &runtime) : m_runtime(runtime) {}

void SystemHealthMonitor::start()
{
    if (!m_timer) {
        m_timer = new QTimer(this);
        m_timer->setInterval(kIntervalMs);
        connect(m_timer, &QTimer::timeout, this, &SystemHealthMonitor::sampleRound);
    }
    m_timer->start();
    sampleRound();
}

void SystemHealthMonitor::stop()
{
    if (m_timer)
        m_timer->stop();
}

QStringList SystemHealthMonitor::services() const
{
    QMutexLocker lock(&m_mutex);
    QStringList names = m_history.keys();
    names.sort();
    return names;
}

QJsonObject SystemHealthMonitor::latest() const
{
    QMutexLocker lock(&m_mutex);
    return m_latest;
}

bool SystemHealthMonitor::history(const QString &service, int seconds, QJsonArray *samples) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_history.constFind(service);
    if (it == m_history.constEnd())
        return false;
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - qint64(seconds) * 1000;
    for (const HealthSample &sample : *it) {
        if (sample.atMs >= since)
            samples->append(sample.toJson());
    }
    return true;
}

void SystemHealthMonitor::sampleRound()
{
    if (m_roundInFlight || !m_runtime.environment().directory)
        return; // a round outlived the interval: skip this tick rather than pile up calls
    const QStringList names = m_runtime.environment().directory->names();
    if (names.isEmpty())
        return;
    m_roundInFlight = true;
    m_round.clear();
    m_roundStartedMs = QDateTime::currentMSecsSinceEpoch();
    m_pendingCalls = int(names.size()) * 2;
    const platform::CallOptions options{.timeoutMs = kDeadlineMs};
    for (const QString &name : names) {
        m_round.insert(name, {});
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        platform::whenFinished(this,
                               m_runtime.client().call(name, "GET", QStringLiteral("/health"), {}, options),
                               [this, name, clock](const platform::HttpResponse &response) {
                                   Pending &pending = m_round[name];
                                   pending.latencyMs = clock->nsecsElapsed() / 1e6;
                                   pending.healthStatus = response.status;
                                   pending.health = response.jsonObject();
                                   if (--m_pendingCalls == 0)
                                       finishRound();
                               });
        platform::whenFinished(this,
                               m_runtime.client().call(name, "GET", QStringLiteral("/metrics"), {}, options),
                               [this, name](const platform::HttpResponse &response) {
                                   Pending &pending = m_round[name];
                                   pending.metricsOk = response.isSuccess();
                                   pending.metrics = response.body;
                                   if (--m_pendingCalls == 0)
                                       finishRound();
                               });
    }
}

void SystemHealthMonitor::finishRound()
{
    m_roundInFlight = false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray services;
    int healthy = 0, degraded = 0, unhealthy = 0, stopped = 0;
    QHash<QString, HealthSample> samples;
    QStringList names = m_round.keys();
    names.sort();
    for (const QString &name : names) {
        const Pending &pending = m_round[name];
        HealthSample sample;
        sample.atMs = now;
        sample.latencyMs = pending.latencyMs;
        const bool answered = !pending.health.isEmpty();
        sample.state = answered ? pending.health.value(QStringLiteral("status")).toString()
                                : QStringLiteral("unreachable");
        sample.ready = answered && pending.health.value(QStringLiteral("ready")).toBool();
        if (pending.metricsOk) {
            const RequestCounters counters = parseRequestCounters(pending.metrics, kIgnoredRoutes);
            const Previous previous = m_previous.value(name);
            if (previous.atMs > 0) {
                const RequestRates rates =
                    ratesBetween(previous.counters, counters, (now - previous.atMs) / 1000.0);
                sample.requestsPerSecond = rates.requestsPerSecond;
                sample.p95Ms = rates.p95Ms;
                sample.errorRate = rates.errorRate;
            }
            m_previous.insert(name, {counters, now});
        }
        if (sample.state == QStringLiteral("healthy"))
            ++healthy;
        else if (sample.state == QStringLiteral("degraded"))
            ++degraded;
        else if (sample.state == QStringLiteral("stopped"))
            ++stopped; // by an administrator: on purpose, not a failure
        else
            ++unhealthy;
        QJsonObject entry = sample.toJson();
        entry.remove(QStringLiteral("t"));
        entry.insert(QStringLiteral("service"), name);
        entry.insert(QStringLiteral("port"), pending.health.value(QStringLiteral("port")));
        entry.insert(QStringLiteral("version"), pending.health.value(QStringLiteral("version")));
        entry.insert(QStringLiteral("uptime_seconds"),
                     pending.health.value(QStringLiteral("uptime_seconds")));
        entry.insert(QStringLiteral("in_flight"), pending.health.value(QStringLiteral("in_flight")));
        entry.insert(QStringLiteral("checks"), pending.health.value(QStringLiteral("checks")).toArray());
        if (!answered)
            entry.insert(QStringLiteral("error"), QStringLiteral("no /health answer within %1 ms (HTTP %2)")
                                                      .arg(kDeadlineMs)
                                                      .arg(pending.healthStatus));
        else if (pending.health.contains(QStringLiteral("error")))
            entry.insert(QStringLiteral("error"), pending.health.value(QStringLiteral("error")));
        services.append(entry);
        samples.insert(name, sample);
    }

    // PostgreSQL and Redis as every service sees them: up when each service's check passes.
    QJsonArray infrastructure;
    const QList<QPair<QString, QString>> parts{{QStringLiteral("postgresql"), QStringLiteral("postgres")},
                                               {QStringLiteral("redis"), QStringLiteral("redis")}};
    for (const auto &[part, check] : parts) {
        int seen = 0, ok = 0;
        double worstMs = 0;
        QString message;
        for (const QString &name : names) {
            for (const QJsonValue &value : m_round[name].health.value(QStringLiteral("checks")).toArray()) {
                const QJsonObject c = value.toObject();
                if (c.value(QStringLiteral("name")).toString() != check)
                    continue;
                ++seen;
                if (c.value(QStringLiteral("status")).toString() == QStringLiteral("healthy"))
                    ++ok;
                else if (message.isEmpty())
                    message =
                        QStringLiteral("%1: %2").arg(name, c.value(QStringLiteral("message")).toString());
                worstMs = std::max(worstMs, c.value(QStringLiteral("latency_ms")).toDouble());
            }
        }
        const QString state = seen == 0    ? QStringLiteral("unknown")
                              : ok == seen ? QStringLiteral("healthy")
                              : ok == 0    ? QStringLiteral("unhealthy")
                                           : QStringLiteral("degraded");
        QJsonObject entry{{QStringLiteral("name"), part},
                          {QStringLiteral("state"), state},
                          {QStringLiteral("up"), seen > 0 && ok > 0},
                          {QStringLiteral("services_ok"), ok},
                          {QStringLiteral("services_checked"), seen},
                          {QStringLiteral("worst_latency_ms"), rounded(worstMs)}};
        if (!message.isEmpty())
            entry.insert(QStringLiteral("message"), message);
        infrastructure.append(entry);
    }

    QJsonObject latest{
        {QStringLiteral("sampled_at"),
         QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("round_ms"), now - m_roundStartedMs},
        {QStringLiteral("services"), services},
        {QStringLiteral("infrastructure"), infrastructure},
        {QStringLiteral("summary"), QJsonObject{{QStringLiteral("healthy"), healthy},
                                                {QStringLiteral("degraded"), degraded},
                                                {QStringLiteral("unhealthy"), unhealthy},
                                                {QStringLiteral("stopped"), stopped},
                                                {QStringLiteral("total"), int(names.size())}}}};
    QMutexLocker lock(&m_mutex);
    m_latest = latest;
    for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
        std::deque<HealthSample> &ring = m_history[it.key()];
        ring.push_back(it.value());
        while (ring.size() > size_t(kHistorySize))
            ring.pop_front();
    }
}

} // namespace paydesk::services::admin
