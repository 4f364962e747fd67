#pragma once
// Hosts one Service on its own thread: HTTP listener, request pipeline, worker pool for blocking
// work, database bootstrap and migrations, readiness checks, outbox relay, log and metrics.
//
// Threads: the object lives on its service thread. health(), name() and port() may be called from
// any thread; everything else only from the service thread unless a comment says otherwise.

#include "platform/bus/EventBus.h"
#include "platform/host/HealthSnapshot.h"
#include "platform/host/HostEnvironment.h"
#include "platform/host/Service.h"
#include "platform/http/HttpTypes.h"
#include "platform/http/Router.h"

#include <QElapsedTimer>
#include <QObject>
#include <QReadWriteLock>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace paydesk::platform {

class Database;
class HttpListener;
class JsonLog;
struct LogQuery;
class RedisConnection;
class ServiceClient;
class ServiceMetrics;
class SpanStore;

class ServiceRuntime : public QObject
{
    Q_OBJECT
public:
    ServiceRuntime(std::unique_ptr<Service> service, const HostEnvironment &environment, quint16 port);
    ~ServiceRuntime() override;

    // Any thread.
    const QString &name() const { return m_name; }
    quint16 port() const { return m_port; }
    HealthSnapshot health() const;
    const ServiceDescriptor &descriptor() const { return m_service->descriptor(); }

    // Service thread. `done` is called on the service thread exactly once.
    void dispatch(HttpRequest request, std::function<void(HttpResponse)> done);

    // Any thread (the objects are themselves thread-safe).
    Database &database() { return *m_database; }
    JsonLog &log() { return *m_log; }
    ServiceMetrics &metrics() { return *m_metrics; }
    ServiceClient &client() { return *m_client; }
    SpanStore &spans() { return *m_spans; }
    const HostEnvironment &environment() const { return m_environment; }
    const Router &router() const { return m_router; }

    // Runs `work` on this service's worker pool (blocking work: SQL, other services).
    void runOnWorker(std::function<void()> work);
    // Asks the outbox relay for a pass now (after a commit that appended events). Any thread.
    void kickOutbox();

    // Subscribes `handler` on the bus for this service (call it from onReady): while the service
    // is not running (a controlled stop, a restart not yet ready) the event is refused, so the
    // bus redelivers it later in order instead of handling it on a stopped service. `context`
    // decides the handler's thread (default: this service's thread). A later subscription of the
    // same (topic, group) replaces this one. Without a bus, nothing happens.
    void subscribe(const QString &topic, const QString &group, EventHandler handler,
                   QObject *context = nullptr);

    // Service thread (ServiceControl, via queued calls). A controlled stop drains like beginStop()
    // but keeps the thread and the port (answering 503 SERVICE_STOPPED); `done` runs once Stopped.
    // A start after it resumes readiness and onReady; `done` runs with the snapshot once ready,
    // failed or stopped again.
    void stopControlled(std::function<void()> done);
    void startControlled(std::function<void(const HealthSnapshot &)> done);

public Q_SLOTS:
    void start();     // on the service thread (QThread::started; again after a controlled stop)
    void beginStop(); // stop accepting, drain in-flight requests, then emit stopped()

Q_SIGNALS:
    // After every drain: a host shutdown and a controlled stop (services stop their timers here;
    // onReady runs again after a controlled start).
    void stopped();
    void readinessChanged(bool ready);

private:
    void registerPlatformRoutes();
    HttpResponse setLogLevel(const HttpRequest &request);
    HttpResponse findSpans(const HttpRequest &request);
    HttpResponse findLogLines(const HttpRequest &request);
    HttpResponse tailLogLines(const HttpRequest &request, const LogQuery &query);
    void scheduleReadinessCheck();
    void applyReadiness(QList<HealthCheck> checks, bool ready, QString error, bool fatal);
    void scheduleOutboxRelay();
    void announceToRegistry();
    void finishStop();
    void notifyStarted();
    void updateHealth(const std::function<void(HealthSnapshot &)> &change);

    std::unique_ptr<Service> m_service;
    const HostEnvironment &m_environment;
    const QString m_name;
    const quint16 m_port;
    const qint64 m_bodyLimitBytes;

    std::shared_ptr<ServiceMetrics> m_metrics;
    std::shared_ptr<SpanStore> m_spans;
    std::unique_ptr<JsonLog> m_log;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<RedisConnection> m_redis; // readiness worker only (one check at a time)
    std::unique_ptr<ServiceClient> m_client;
    Router m_router;
    HttpListener *m_listener = nullptr; // owned, deleted on the service thread
    // Parented so that moveToThread takes them along to the service thread.
    QThreadPool m_workers{this};
    // Worker-executed Access::Internal routes run here, never queued behind requests that are
    // themselves blocked waiting for them (a service's own Merchant routes wait on its own
    // /internal/v1/signatures/verify in merchant-auth-service).
    QThreadPool m_internalWorkers{this};
    QTimer m_readinessTimer{this};
    QTimer m_outboxTimer{this};
    QTimer m_registryTimer{this};
    QTimer m_drainTimer{this};
    QElapsedTimer m_drainClock;

    bool m_checkInFlight = false;
    bool m_relayInFlight = false;
    bool m_relayAgain = false;
    bool m_migrated = false;  // worker-side flag, written by the (single) readiness task
    bool m_everReady = false; // onReady ran since the last start
    bool m_routesRegistered = false;
    std::atomic<bool> m_eventsOpen{false};            // subscribe()'s handlers accept events
    std::atomic<bool> m_controlledStop{false};        // stopped by ServiceControl, not shutting down
    std::vector<std::function<void()>> m_stopWaiters; // service thread
    std::vector<std::function<void(const HealthSnapshot &)>> m_startWaiters; // service thread
    std::atomic<int> m_inFlight{0}; // written on the service thread, read by health()

    mutable QReadWriteLock m_healthLock; // guards m_health for readers on other threads
    HealthSnapshot m_health;
    std::atomic<quint64> m_healthGeneration{0}; // bumped on every change of m_health
    std::atomic<bool> m_stopping{false};

    // /health is polled every second by every console and load balancer: its body is rebuilt
    // when the snapshot changes or after kHealthBodyMaxAgeMs (for uptime), not per request.
    struct HealthBody
    {
        QByteArray json;
        int status = 200;
        quint64 generation = ~0ull;
        QElapsedTimer age;
    };
    HealthBody m_healthBody; // service thread only
    HttpResponse healthResponse();
};

} // namespace paydesk::platform
