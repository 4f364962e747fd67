#pragma once
// The installation's health as one document, for consoles: every second this monitor asks each
// service of the directory for /health and /metrics (concurrently, short deadline), derives req/s,
// p95 and 5xx rate from consecutive /metrics samples, and keeps the last kHistorySize samples per
// service. GET /api/v1/system/health answers the latest round, so N consoles polling once a second
// cost the services nothing more than this one monitor does.
//
// Threads: lives on a thread of its own (started by AdminService::onReady); latest() and history()
// may be called from any thread.

#include "PrometheusText.h"

#include "platform/http/HttpTypes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFuture>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>

#include <memory>

namespace paydesk::platform {
class Router;
class ServiceRuntime;
} // namespace paydesk::platform

namespace paydesk::services::admin {

struct HealthSample
{
    qint64 atMs = 0; // epoch milliseconds
    QString state;   // the service's /health status: healthy | degraded | unhealthy | stopped | unreachable
    bool ready = false;
    double latencyMs = 0; // of the /health call
    double requestsPerSecond = 0;
    double p95Ms = -1;
    double errorRate = 0;
    QJsonObject toJson() const;
};

class SystemHealthMonitor : public QObject
{
    Q_OBJECT
public:
    static constexpr int kHistorySize = 300;
    static constexpr int kIntervalMs = 1000;
    static constexpr int kDeadlineMs = 800;

    explicit SystemHealthMonitor(platform::ServiceRuntime &runtime);

    // Any thread. Empty until the first round completed.
    QJsonObject latest() const;
    // Any thread. Samples of the last `seconds` (oldest first); false when the service is unknown.
    bool history(const QString &service, int seconds, QJsonArray *samples) const;
    QStringList services() const;

public Q_SLOTS:
    void start(); // on the monitor's thread
    void stop();

private:
    void sampleRound();
    void finishRound();

    struct Pending
    {
        QJsonObject health;
        int healthStatus = 0;
        double latencyMs = 0;
        QByteArray metrics;
        bool metricsOk = false;
    };
    struct Previous
    {
        RequestCounters counters;
        qint64 atMs = 0;
    };

    platform::ServiceRuntime &m_runtime;
    QTimer *m_timer = nullptr;
    bool m_roundInFlight = false;
    int m_pendingCalls = 0;
    qint64 m_roundStartedMs = 0;
    QHash<QString, Pending> m_round;
    QHash<QString, Previous> m_previous; // monitor thread only

    mutable QMutex m_mutex; // guards m_latest and m_history
    QJsonObject m_latest;
    QHash<QString, std::deque<HealthSample>> m_history;
};

// GET /api/v1/system/health and /api/v1/system/health/history (routes/SystemRoutes.cpp).
void registerSystemRoutes(platform::Router &router, const std::shared_ptr<SystemHealthMonitor> &monitor);

} // namespace paydesk::services::admin
