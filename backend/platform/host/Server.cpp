#include "platform/host/Server.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/bus/KafkaEventBus.h"
#include "platform/cluster/PostgresCluster.h"
#include "platform/cluster/RedisServer.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"

#include <QDir>
#include <QElapsedTimer>
#include <QThread>
#include <QUrl>

namespace paydesk::platform {

namespace {
constexpr int kInfrastructureStartMs = 60000; // initdb on a slow disk takes a few seconds
constexpr quint16 kSeedPostgresPort = 40432;
constexpr quint16 kSeedRedisPort = 40379;

QString hidePassword(const QString &url)
{
    QUrl parsed(url);
    if (!parsed.password().isEmpty())
        parsed.setPassword(QStringLiteral("***"));
    return parsed.toString();
}
} // namespace

Server::Server(Config config, QObject *parent) : QObject(parent), m_config(std::move(config)) {}

Server::~Server()
{
    stop();
}

bool Server::startDatabase(QString *url, QString *error, const std::function<void(const QString &)> &progress)
{
    const QString external = m_config.value(QStringLiteral("database_url"));
    if (!external.isEmpty()) {
        *url = external;
        return true;
    }
    PostgresOptions options;
    options.dataDir = m_config.dataDir() + QStringLiteral("/postgres");
    options.port = m_config.portFor(kSeedPostgresPort);
    options.binDir = m_config.value(QStringLiteral("pg_bin_dir"));
    options.passwordFile = m_config.dataDir() + QStringLiteral("/secrets/postgres.password");
    m_postgres = std::make_unique<PostgresCluster>(options);
    connect(m_postgres.get(), &PostgresCluster::gaveUp, this, &Server::infrastructureFailed);
    progress(QStringLiteral("PostgreSQL: preparing the private cluster in %1").arg(options.dataDir));
    if (!m_postgres->initialize(error))
        return false;
    progress(QStringLiteral("PostgreSQL: starting on 127.0.0.1:%1").arg(options.port));
    if (!m_postgres->start(kInfrastructureStartMs, error))
        return false;
    *url = m_postgres->connectionUrl();
    return true;
}

bool Server::startRedis(QString *url, QString *error, const std::function<void(const QString &)> &progress)
{
    const QString external = m_config.value(QStringLiteral("redis_url"));
    if (!external.isEmpty()) {
        *url = external;
        return true;
    }
    RedisOptions options;
    options.dataDir = m_config.dataDir() + QStringLiteral("/redis");
    options.port = m_config.portFor(kSeedRedisPort);
    options.binary = m_config.value(QStringLiteral("redis_binary"));
    options.passwordFile = m_config.dataDir() + QStringLiteral("/secrets/redis.password");
    m_redis = std::make_unique<RedisServer>(options);
    connect(m_redis.get(), &RedisServer::gaveUp, this, &Server::infrastructureFailed);
    progress(QStringLiteral("Redis: starting on 127.0.0.1:%1").arg(options.port));
    if (!m_redis->start(kInfrastructureStartMs, error))
        return false;
    *url = m_redis->connectionUrl();
    return true;
}

bool Server::start(const QList<ServiceCatalogEntry> &catalog, QString *error,
                   const std::function<void(const QString &)> &progressIn)
{
    const auto progress = progressIn ? progressIn : [](const QString &) {};
    if (!QDir().mkpath(m_config.dataDir() + QStringLiteral("/logs"))) {
        *error = QStringLiteral("cannot create the data directory %1").arg(m_config.dataDir());
        return false;
    }
    // Select services before starting anything, so a typo fails fast.
    const QString selection = m_config.value(QStringLiteral("services"));
    QStringList wanted;
    for (const ServiceCatalogEntry &entry : catalog)
        wanted.append(entry.descriptor.name);
    if (selection != QStringLiteral("all")) {
        const QStringList chosen = selection.split(u',', Qt::SkipEmptyParts);
        for (const QString &name : chosen) {
            if (!wanted.contains(name.trimmed())) {
                *error = QStringLiteral("unknown service '%1' in services; known: %2")
                             .arg(name, wanted.join(u','));
                return false;
            }
        }
        wanted.clear();
        for (const QString &name : chosen)
            wanted.append(name.trimmed());
    }

    if (!startDatabase(&m_databaseUrl, error, progress) || !startRedis(&m_redisUrl, error, progress))
        return false;

    HostEnvironment environment;
    environment.config = m_config;
    environment.database = DatabaseUrl::parse(m_databaseUrl, error);
    if (!error->isEmpty())
        return false;
    environment.redis = RedisUrl::parse(m_redisUrl, error);
    if (!error->isEmpty())
        return false;
    const QString brokers = m_config.value(QStringLiteral("kafka_brokers"));
    if (brokers.isEmpty()) {
        m_bus = std::make_unique<InProcessEventBus>();
    } else {
        m_bus =
            KafkaEventBus::create({.brokers = brokers, .clientId = QStringLiteral("paydesk-server")}, error);
        if (!m_bus)
            return false;
        if (progress)
            progress(QStringLiteral("event bus: Kafka at %1").arg(brokers));
    }
    environment.bus = m_bus.get();
    environment.logDirectory = m_config.dataDir() + QStringLiteral("/logs");
    if (!ServerSecrets::loadOrCreate(m_config.dataDir() + QStringLiteral("/secrets"), &environment.secrets,
                                     error))
        return false;
    environment.processStartedAt = QDateTime::currentDateTimeUtc();
    m_host = std::make_unique<ServiceHost>(environment);

    // Remote services for cluster mode: service_urls = name=url,name=url
    for (const QString &pair :
         m_config.value(QStringLiteral("service_urls")).split(u',', Qt::SkipEmptyParts)) {
        const QString name = pair.section(u'=', 0, 0).trimmed();
        const QUrl url(pair.section(u'=', 1).trimmed());
        if (!url.isValid() || url.scheme().isEmpty()) {
            *error = QStringLiteral("service_urls: '%1' is not name=http(s)://host:port").arg(pair);
            return false;
        }
        if (!wanted.contains(name))
            m_host->addRemote(name, url);
    }
    for (const ServiceCatalogEntry &entry : catalog) {
        if (wanted.contains(entry.descriptor.name))
            m_host->add(entry.create(entry.descriptor.name));
    }
    progress(QStringLiteral("Services: starting %1").arg(wanted.size()));
    m_host->start();
    return true;
}

bool Server::waitUntilReady(int timeoutMs) const
{
    QElapsedTimer clock;
    clock.start();
    while (m_host && !m_host->allReady()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QThread::msleep(10); // bounded polling of thread-safe snapshots; the caller chose to block
    }
    return m_host != nullptr;
}

QList<HealthSnapshot> Server::health() const
{
    return m_host ? m_host->health() : QList<HealthSnapshot>{};
}

QString Server::databaseUrl() const
{
    return m_databaseUrl;
}

QList<Server::Infrastructure> Server::infrastructure() const
{
    return {
        {QStringLiteral("postgresql"), hidePassword(m_databaseUrl), m_postgres != nullptr,
         m_postgres ? m_postgres->isRunning() : true, m_postgres ? m_postgres->pid() : 0},
        {QStringLiteral("redis"), hidePassword(m_redisUrl), m_redis != nullptr,
         m_redis ? m_redis->isRunning() : true, m_redis ? m_redis->pid() : 0},
    };
}

void Server::stop()
{
    if (m_host) {
        m_host->stop();
        m_host.reset();
    }
    m_bus.reset(); // after the services: Kafka consumers end with their subscribers
    // PostgreSQL's shutdown checkpoint flushes every dirty buffer; right after the 18 databases
    // were created that is a few hundred MB, which takes a while on a busy disk. Give it time
    // rather than SIGKILL it into crash recovery.
    constexpr int kPostgresStopMs = 90000;
    if (m_redis)
        m_redis->stop();
    if (m_postgres)
        m_postgres->stop(kPostgresStopMs);
}

} // namespace paydesk::platform
