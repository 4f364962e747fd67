#include "support/Infrastructure.h"
#include "support/TestSupport.h"

namespace paydesk::testing {

Infrastructure::Infrastructure() : m_dir(QStringLiteral("/tmp/paydesk-test-XXXXXX"))
{
    platform::PostgresOptions pg;
    pg.dataDir = m_dir.path() + QStringLiteral("/postgres");
    pg.port = freePort();
    pg.passwordFile = m_dir.path() + QStringLiteral("/secrets/postgres.password");
    m_postgres = std::make_unique<platform::PostgresCluster>(pg);
    platform::RedisOptions redis;
    redis.dataDir = m_dir.path() + QStringLiteral("/redis");
    redis.port = freePort();
    redis.passwordFile = m_dir.path() + QStringLiteral("/secrets/redis.password");
    m_redis = std::make_unique<platform::RedisServer>(redis);
}

Infrastructure::~Infrastructure()
{
    m_redis->stop();
    m_postgres->stop(90000);
}

bool Infrastructure::start(QString *error)
{
    return m_postgres->initialize(error) && m_postgres->start(60000, error) && m_redis->start(30000, error);
}

} // namespace paydesk::testing
