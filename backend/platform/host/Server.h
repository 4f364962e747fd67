#pragma once
// One PayDesk server process: its infrastructure (the private PostgreSQL cluster and redis-server
// in the data directory, unless external URLs are configured), the in-process event bus and the
// ServiceHost with the services this process runs. Used by paydesk-server and by the desktop
// console's embedded mode. Thread: main thread.

#include "platform/config/Config.h"
#include "platform/host/HealthSnapshot.h"
#include "platform/host/Service.h"

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

namespace paydesk::platform {

class EventBus;
class PostgresCluster;
class RedisServer;
class ServiceHost;

using ServiceFactory = std::function<std::unique_ptr<Service>(const QString &name)>;

struct ServiceCatalogEntry
{
    ServiceDescriptor descriptor;
    ServiceFactory create;
};

class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(Config config, QObject *parent = nullptr);
    ~Server() override;

    // Starts infrastructure, then every service of `catalog` selected by the `services` option.
    // `progress` receives one line per step (first-run installs take seconds; say what happens).
    bool start(const QList<ServiceCatalogEntry> &catalog, QString *error,
               const std::function<void(const QString &)> &progress = {});
    void stop();

    bool waitUntilReady(int timeoutMs) const;
    QList<HealthSnapshot> health() const;
    ServiceHost *host() const { return m_host.get(); }
    const Config &config() const { return m_config; }
    QString databaseUrl() const; // with password, for tools like `ledger verify`

    struct Infrastructure
    {
        QString name;
        QString url; // password hidden
        bool embedded = false;
        bool up = false;
        qint64 pid = 0;
    };
    QList<Infrastructure> infrastructure() const;

Q_SIGNALS:
    void infrastructureFailed(const QString &reason);

private:
    bool startDatabase(QString *url, QString *error, const std::function<void(const QString &)> &progress);
    bool startRedis(QString *url, QString *error, const std::function<void(const QString &)> &progress);

    Config m_config;
    std::unique_ptr<PostgresCluster> m_postgres;
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<EventBus> m_bus; // in-process, or Kafka when kafka_brokers is set
    std::unique_ptr<ServiceHost> m_host;
    QString m_databaseUrl;
    QString m_redisUrl;
};

} // namespace paydesk::platform
