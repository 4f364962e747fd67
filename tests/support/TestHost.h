#pragma once
// The HostEnvironment of an in-process ServiceHost, as the integration tests build it: the test
// defaults (data_dir = root, base_port, readiness checks every 200 ms) overridden by `settings`,
// the given PostgreSQL and Redis, the given bus, logs in <root>/logs and the installation's
// secrets in <root>/secrets (created on first use; adminToken(root, …) signs with them). A test
// that shares secrets between hosts sets env.secrets afterwards.

#include "platform/host/HostEnvironment.h"

#include <QHash>
#include <QString>

namespace paydesk::testing {

class Infrastructure;

bool makeHostEnvironment(const QString &databaseUrl, const QString &redisUrl, const QString &root,
                         quint16 basePort, platform::EventBus *bus, platform::HostEnvironment *env,
                         QString *error, const QHash<QString, QString> &settings = {});
bool makeHostEnvironment(const Infrastructure &infra, const QString &root, quint16 basePort,
                         platform::EventBus *bus, platform::HostEnvironment *env, QString *error,
                         const QHash<QString, QString> &settings = {});

} // namespace paydesk::testing
