#include "support/TestHost.h"

#include "support/Infrastructure.h"

namespace paydesk::testing {

bool makeHostEnvironment(const QString &databaseUrl, const QString &redisUrl, const QString &root,
                         quint16 basePort, platform::EventBus *bus, platform::HostEnvironment *env,
                         QString *error, const QHash<QString, QString> &settings)
{
    QHash<QString, QString> flags{{QStringLiteral("data_dir"), root},
                                  {QStringLiteral("base_port"), QString::number(basePort)},
                                  {QStringLiteral("readiness_interval_ms"), QStringLiteral("200")}};
    flags.insert(settings);
    QString why; // the caller's error may already hold text from an earlier step
    env->config = platform::Config::load(flags, {}, &why);
    if (why.isEmpty())
        env->database = platform::DatabaseUrl::parse(databaseUrl, &why);
    if (why.isEmpty())
        env->redis = platform::RedisUrl::parse(redisUrl, &why);
    env->bus = bus;
    env->logDirectory = root + QStringLiteral("/logs");
    if (why.isEmpty() &&
        platform::ServerSecrets::loadOrCreate(root + QStringLiteral("/secrets"), &env->secrets, &why))
        return true;
    *error = why;
    return false;
}

bool makeHostEnvironment(const Infrastructure &infra, const QString &root, quint16 basePort,
                         platform::EventBus *bus, platform::HostEnvironment *env, QString *error,
                         const QHash<QString, QString> &settings)
{
    return makeHostEnvironment(infra.databaseUrl(), infra.redisUrl(), root, basePort, bus, env, error,
                               settings);
}

} // namespace paydesk::testing
