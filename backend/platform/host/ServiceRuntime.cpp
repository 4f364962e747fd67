#include "platform/host/ServiceRuntime.h"

#include "platform/bus/Outbox.h"
#include "platform/cache/RedisConnection.h"
#include "platform/db/Database.h"
#include "platform/db/Migrations.h"
#include "platform/http/HttpListener.h"
#include "platform/observe/JsonLog.h"
#include "platform/observe/Metrics.h"
#include "platform/observe/SpanStore.h"
#include "platform/rpc/ServiceClient.h"
#include "platform/rpc/ServiceDirectory.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <utility>

namespace paydesk::platform {

namespace {
constexpr int kOutboxIntervalMs = 1000; // safety net; commits kick the relay directly
constexpr int kOutboxBatchMax = 200;
constexpr int kOutboxAckTimeoutMs = 10000;
constexpr int kDrainPollMs = 20;
constexpr int kRegistryHeartbeatMs = 30000; // config-service registry: last_seen
} // namespace

ServiceRuntime::ServiceRuntime(std::unique_ptr<Service> service, const HostEnvironment &environment,
                               quint16 port)
    : m_service(std::move(service)), m_environment(environment), m_name(m_service->descriptor().name),
      m_port(port), m_bodyLimitBytes(environment.config.int64Value(QStringLiteral("body_limit_bytes")))
{
    const Config &config = environment.config;
    m_metrics = std::make_shared<ServiceMetrics>(m_name);
    m_log = std::make_unique<JsonLog>(
        m_name, environment.logDirectory + u'/' + m_name + QStringLiteral(".log"),
        config.int64Value(QStringLiteral("log_max_bytes")), config.intValue(QStringLiteral("log_max_files")));
    m_log->setLevel(parseLogLevel(config.value(QStringLiteral("log_level"))));
    m_database =
        std::make_unique<Database>(m_name, environment.database, m_service->descriptor().database, m_metrics);
    m_redis = std::make_unique<RedisConnection>(environment.redis, 1000);
    m_spans = std::make_shared<SpanStore>();
    m_client = std::make_unique<ServiceClient>(*environment.directory, m_name,
                                               environment.secrets.internalToken(), m_spans);

    const int workers = config.intValue(QStringLiteral("workers_per_service"));
    m_workers.setMaxThreadCount(workers);
    m_workers.setExpiryTimeout(-1); // keep threads, and so their database connections, warm
    m_workers.setObjectName(m_name + QStringLiteral("-workers"));
    m_internalWorkers.setMaxThreadCount(workers);
    m_internalWorkers.setExpiryTimeout(-1);
    m_internalWorkers.setObjectName(m_name + QStringLiteral("-internal-workers"));
    m_metrics->dbPoolMax().Set(2 * workers);
    m_health.service = m_name;
    m_health.port = port;

    m_readinessTimer.setInterval(config.intValue(QStringLiteral("readiness_interval_ms")));
    m_outboxTimer.setInterval(kOutboxIntervalMs);
    m_drainTimer.setInterval(kDrainPollMs);
    connect(&m_readinessTimer, &QTimer::timeout, this, &ServiceRuntime::scheduleReadinessCheck);
    connect(&m_outboxTimer, &QTimer::timeout, this, &ServiceRuntime::scheduleOutboxRelay);
    m_registryTimer.setInterval(kRegistryHeartbeatMs);
    connect(&m_registryTimer, &QTimer::timeout, this, &ServiceRuntime::announceToRegistry);
    connect(&m_drainTimer, &QTimer::timeout, this, [this] {
        const qint64 limitMs = m_environment.config.int64Value(QStringLiteral("shutdown_timeout_ms"));
        if (m_inFlight == 0 || m_drainClock.elapsed() > limitMs)
            finishStop();
    });
}

ServiceRuntime::~ServiceRuntime()
{
    m_workers.waitForDone();
    m_internalWorkers.waitForDone();
}

HealthSnapshot ServiceRuntime::health() const
{
    QReadLocker lock(&m_healthLock);
    HealthSnapshot copy = m_health;
    copy.inFlight = m_inFlight.load();
    return copy;
}

void ServiceRuntime::updateHealth(const std::function<void(HealthSnapshot &)> &change)
{
    QWriteLocker lock(&m_healthLock);
    change(m_health);
    m_stopping.store(m_health.state == ServiceState::Stopping || m_health.state == ServiceState::Stopped);
    ++m_healthGeneration;
}

HttpResponse ServiceRuntime::healthResponse()
{
    constexpr qint64 kHealthBodyMaxAgeMs = 250;
    const quint64 generation = m_healthGeneration.load();
    if (m_healthBody.generation != generation || !m_healthBody.age.isValid() ||
        m_healthBody.age.elapsed() > kHealthBodyMaxAgeMs) {
        const HealthSnapshot snapshot = health();
        m_healthBody.json =
            QJsonDocument(snapshot.toJson(QStringLiteral(PAYDESK_VERSION))).toJson(QJsonDocument::Compact);
        const QString status = snapshot.status();
        m_healthBody.status =
            status == QStringLiteral("healthy") || status == QStringLiteral("degraded") ? 200 : 503;
        m_healthBody.generation = generation;
        m_healthBody.age.start();
    }
    HttpResponse response;
    response.status = m_healthBody.status;
    response.body = m_healthBody.json;
    return response;
}

void ServiceRuntime::runOnWorker(std::function<void()> work)
{
    m_workers.start(std::move(work));
}

void ServiceRuntime::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    updateHealth([](HealthSnapshot &h) {
        h.state = ServiceState::Starting;
        h.ready = false;
        h.error.clear();
        h.startedAt = QDateTime::currentDateTimeUtc();
    });
    m_controlledStop = false;
    if (!m_routesRegistered) {
        // The router is frozen afterwards: a start after a controlled stop keeps these routes.
        registerPlatformRoutes();
        m_service->registerRoutes(m_router, *this);
        m_routesRegistered = true;
    }

    // After a controlled stop the listener kept the port (answering 503 SERVICE_STOPPED): it goes
    // on serving. One that never got the port (a start that failed) tries again.
    QString error;
    if (m_listener && !m_listener->isListening()) {
        delete m_listener;
        m_listener = nullptr;
    }
    if (!m_listener)
        m_listener = new HttpListener(*this);
    if (!m_listener->isListening() && !m_listener->listenOn(m_environment.config, m_port, &error)) {
        m_log->write(LogLevel::Error, QStringLiteral("service failed to start: %1").arg(error));
        qWarning("%s: %s", qPrintable(m_name), qPrintable(error));
        updateHealth([&](HealthSnapshot &h) {
            h.state = ServiceState::Failed;
            h.error = error;
        });
        notifyStarted();
        return;
    }
    updateHealth([](HealthSnapshot &h) { h.state = ServiceState::Running; });
    m_log->write(LogLevel::Info, QStringLiteral("listening on port %1").arg(m_port),
                 {{QStringLiteral("port"), m_port}});
    m_readinessTimer.start();
    m_outboxTimer.start();
    scheduleReadinessCheck();
}

void ServiceRuntime::subscribe(const QString &topic, const QString &group, EventHandler handler,
                               QObject *context)
{
    if (!m_environment.bus)
        return;
    m_environment.bus->subscribe(topic, group, context ? context : this,
                                 [this, handler = std::move(handler)](const Event &event) {
                                     // Refused, not dropped: the bus delivers it again later.
                                     return m_eventsOpen.load() && handler(event);
                                 });
}

void ServiceRuntime::stopControlled(std::function<void()> done)
{
    const ServiceState state = health().state;
    if (state == ServiceState::Stopped) {
        done();
        return;
    }
    m_stopWaiters.push_back(std::move(done));
    if (state == ServiceState::Stopping)
        return; // already draining: finishStop() answers every waiter
    m_controlledStop = true;
    beginStop();
}

void ServiceRuntime::startControlled(std::function<void(const HealthSnapshot &)> done)
{
    const HealthSnapshot now = health();
    switch (now.state) {
    case ServiceState::Stopped:
        m_startWaiters.push_back(std::move(done));
        start();
        return;
    case ServiceState::Running:
        if (now.ready && m_everReady) {
            done(now);
            return;
        }
        m_startWaiters.push_back(std::move(done)); // answered once ready
        return;
    case ServiceState::Starting:
        m_startWaiters.push_back(std::move(done));
        return;
    case ServiceState::Stopping:
    case ServiceState::Failed:
        done(now); // the caller reports the state: stop it first (a restart does)
        return;
    }
}

void ServiceRuntime::notifyStarted()
{
    const HealthSnapshot now = health();
    auto waiters = std::exchange(m_startWaiters, {});
    for (auto &waiter : waiters)
        waiter(now);
}

// Runs on a worker: bootstrap (database, migrations) until it succeeds once, then cheap probes.
void ServiceRuntime::scheduleReadinessCheck()
{
    if (m_checkInFlight)
        return;
    m_checkInFlight = true;
    m_workers.start([this] {
        QList<HealthCheck> checks;
        QString error;
        bool fatal = false;

        HealthCheck postgres{QStringLiteral("postgres"), false, true, 0, {}, QDateTime::currentDateTimeUtc()};
        QElapsedTimer clock;
        clock.start();
        if (!m_migrated) {
            HealthCheck migrations{QStringLiteral("migrations"),   false, true, 0, {},
                                   QDateTime::currentDateTimeUtc()};
            if (m_database->ensureExists(&error)) {
                QSqlDatabase db = m_database->connection(&error);
                if (db.isOpen()) {
                    QList<Migration> all = loadMigrations(QStringLiteral("platform"),
                                                          QStringLiteral(":/migrations/platform"), &error);
                    if (error.isEmpty() && QFileInfo::exists(m_service->migrationsDirectory()))
                        all += loadMigrations(m_name, m_service->migrationsDirectory(), &error);
                    int applied = 0;
                    if (error.isEmpty() && applyMigrations(db, all, &applied, &error)) {
                        m_migrated = true;
                        migrations.ok = true;
                        migrations.message =
                            QStringLiteral("%1 migrations, %2 applied now").arg(all.size()).arg(applied);
                        if (applied > 0)
                            m_log->write(LogLevel::Info, migrations.message);
                    } else {
                        // The server answered but the schema cannot be brought up to date: an
                        // edited migration or broken SQL. Retrying will not fix it.
                        fatal = db.isOpen();
                    }
                }
            }
            migrations.latencyMs = clock.nsecsElapsed() / 1e6;
            migrations.message = migrations.ok ? migrations.message : error;
            checks.append(migrations);
        }
        if (m_migrated) {
            clock.restart();
            QSqlDatabase db = m_database->connection(&error);
            if (db.isOpen()) {
                Database::Use use(*m_database);
                QSqlQuery ping(db);
                postgres.ok = ping.exec(QStringLiteral("SELECT 1")) && ping.next();
                if (!postgres.ok)
                    error = ping.lastError().text();
            }
            postgres.latencyMs = clock.nsecsElapsed() / 1e6;
            if (!postgres.ok)
                m_database->dropConnection();
            postgres.message = postgres.ok ? QStringLiteral("SELECT 1 ok") : error;
            checks.append(postgres);
        }

        HealthCheck redis{QStringLiteral("redis"), false, false, 0, {}, QDateTime::currentDateTimeUtc()};
        clock.restart();
        QString redisError;
        redis.ok = m_redis->ping(&redisError);
        redis.latencyMs = clock.nsecsElapsed() / 1e6;
        redis.message = redis.ok ? QStringLiteral("PING ok") : redisError;
        checks.append(redis);

        bool ownChecksOk = true;
        if (m_migrated) {
            for (const HealthCheck &own : m_service->healthChecks(*this)) {
                ownChecksOk = ownChecksOk && (own.ok || !own.critical);
                checks.append(own);
            }
        }
        const bool ready = m_migrated && postgres.ok && ownChecksOk;
        if (ready)
            error.clear();
        QMetaObject::invokeMethod(
            this, [this, checks, ready, error, fatal] { applyReadiness(checks, ready, error, fatal); },
            Qt::QueuedConnection);
    });
}

void ServiceRuntime::applyReadiness(QList<HealthCheck> checks, bool ready, QString error, bool fatal)
{
    m_checkInFlight = false;
    const HealthSnapshot before = health();
    if (before.state == ServiceState::Stopping || before.state == ServiceState::Stopped)
        return;
    updateHealth([&](HealthSnapshot &h) {
        h.checks = checks;
        h.ready = ready;
        h.error = error;
        if (ready && !before.ready)
            h.readySince = QDateTime::currentDateTimeUtc();
        if (fatal)
            h.state = ServiceState::Failed;
    });
    m_metrics->ready().Set(ready ? 1 : 0);
    if (fatal) {
        m_readinessTimer.stop();
        m_outboxTimer.stop();
        m_log->write(LogLevel::Error, QStringLiteral("service cannot start: %1").arg(error));
        qWarning("%s cannot start: %s", qPrintable(m_name), qPrintable(error));
    }
    if (ready != before.ready) {
        m_log->write(ready ? LogLevel::Info : LogLevel::Warn,
                     ready ? QStringLiteral("ready") : QStringLiteral("not ready: %1").arg(error));
        Q_EMIT readinessChanged(ready);
    }
    if (fatal)
        notifyStarted();
    if (ready && !m_everReady) {
        m_everReady = true;
        m_eventsOpen = true;
        m_service->onReady(*this);
        scheduleOutboxRelay();
        announceToRegistry();
        m_registryTimer.start();
        notifyStarted();
    }
}

// Tells config-service's registry that this service is up, then again every
// kRegistryHeartbeatMs (its last_seen; and a config-service that started after us still learns
// of us). Fire and forget: the registry is informational, a failed call is retried by the next beat.
void ServiceRuntime::announceToRegistry()
{
    static const QString kRegistry = QStringLiteral("config-service");
    if (!m_environment.directory || !m_environment.directory->find(kRegistry).isValid())
        return;
    const QJsonObject body{
        {QStringLiteral("name"), m_name},
        {QStringLiteral("url"), QStringLiteral("http://%1:%2")
                                    .arg(m_environment.config.value(QStringLiteral("bind_address")))
                                    .arg(m_port)},
        {QStringLiteral("version"), QStringLiteral(PAYDESK_VERSION)},
        {QStringLiteral("port"), m_port},
    };
    CallOptions options;
    options.timeoutMs = 3000;
    m_client->call(kRegistry, "POST", QStringLiteral("/internal/v1/registry"),
                   QJsonDocument(body).toJson(QJsonDocument::Compact), options);
}

void ServiceRuntime::kickOutbox()
{
    QMetaObject::invokeMethod(this, &ServiceRuntime::scheduleOutboxRelay, Qt::QueuedConnection);
}

void ServiceRuntime::scheduleOutboxRelay()
{
    if (!health().ready || !m_environment.bus)
        return;
    if (m_relayInFlight) {
        m_relayAgain = true; // a commit landed during the pass: run once more right after
        return;
    }
    m_relayInFlight = true;
    m_relayAgain = false;
    m_workers.start([this] {
        QString error;
        int published = 0;
        QSqlDatabase db = m_database->connection(&error);
        if (db.isOpen()) {
            Database::Use use(*m_database);
            published = outbox::relayOnce(db, *m_environment.bus, m_name, kOutboxBatchMax,
                                          kOutboxAckTimeoutMs, m_metrics.get(), &error);
        }
        if (!error.isEmpty())
            m_log->write(LogLevel::Warn, QStringLiteral("outbox relay: %1").arg(error));
        const bool full = published == kOutboxBatchMax;
        QMetaObject::invokeMethod(
            this,
            [this, full] {
                m_relayInFlight = false;
                if (full || m_relayAgain)
                    scheduleOutboxRelay();
            },
            Qt::QueuedConnection);
    });
}

void ServiceRuntime::beginStop()
{
    const ServiceState state = health().state;
    if (m_controlledStop && (state == ServiceState::Stopping || state == ServiceState::Stopped)) {
        // The host shuts down a service an administrator stopped: from now on it is a shutdown,
        // so the port is closed (by the drain under way, or now: it drained already).
        m_controlledStop = false;
        if (state == ServiceState::Stopped)
            finishStop();
        return;
    }
    if (state == ServiceState::Stopping || state == ServiceState::Stopped)
        return;
    updateHealth([](HealthSnapshot &h) {
        h.state = ServiceState::Stopping;
        h.ready = false;
    });
    m_eventsOpen = false;
    m_everReady = false; // a start after a controlled stop runs onReady again
    m_metrics->ready().Set(0);
    // A shutdown closes the port. A controlled stop keeps it: callers get a clear 503
    // SERVICE_STOPPED rather than a refused connection, and nothing else can take the port
    // before the start.
    if (m_listener && !m_controlledStop)
        m_listener->stopAccepting();
    m_readinessTimer.stop();
    m_outboxTimer.stop();
    m_registryTimer.stop();
    m_log->write(LogLevel::Info,
                 QStringLiteral("stopping: draining %1 in-flight requests").arg(m_inFlight.load()));
    m_drainClock.start();
    m_drainTimer.start();
    if (m_inFlight == 0)
        finishStop();
}

void ServiceRuntime::finishStop()
{
    m_drainTimer.stop();
    if (m_inFlight > 0)
        m_log->write(LogLevel::Warn,
                     QStringLiteral("shutdown timeout: %1 requests abandoned").arg(m_inFlight.load()));
    m_workers.waitForDone();
    m_internalWorkers.waitForDone();
    if (!m_controlledStop) {
        delete m_listener;
        m_listener = nullptr;
    }
    updateHealth([](HealthSnapshot &h) {
        h.state = ServiceState::Stopped;
        h.ready = false;
        h.checks.clear(); // no longer checked: the last results would read as current
    });
    m_log->write(LogLevel::Info, m_controlledStop ? QStringLiteral("stopped by an administrator")
                                                  : QStringLiteral("stopped"));
    Q_EMIT stopped();
    notifyStarted(); // a start that had not become ready yet ends here
    auto waiters = std::exchange(m_stopWaiters, {});
    for (auto &waiter : waiters)
        waiter();
}

} // namespace paydesk::platform
