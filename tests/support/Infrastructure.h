#pragma once
// A private PostgreSQL and redis-server for one test, in a temporary directory on free loopback
// ports, started through the product's own supervisors and stopped when the object goes away.

#include "platform/cluster/PostgresCluster.h"
#include "platform/cluster/RedisServer.h"

#include <QTemporaryDir>

#include <memory>

namespace paydesk::testing {

class Infrastructure
{
public:
    Infrastructure();
    ~Infrastructure();
    bool start(QString *error);

    QString databaseUrl() const { return m_postgres->connectionUrl(); }
    QString redisUrl() const { return m_redis->connectionUrl(); }
    platform::PostgresCluster &postgres() { return *m_postgres; }
    QString root() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<platform::PostgresCluster> m_postgres;
    std::unique_ptr<platform::RedisServer> m_redis;
};

} // namespace paydesk::testing
