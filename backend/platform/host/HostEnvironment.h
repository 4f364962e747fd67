#pragma once
// What every ServiceRuntime of one process shares. Built by the ServiceHost before any service
// thread starts and never changed afterwards, so services read it without locks.

#include "platform/cache/RedisConnection.h"
#include "platform/config/Config.h"
#include "platform/db/Database.h"
#include "platform/security/ServerSecrets.h"

#include <QDateTime>

namespace paydesk::platform {

class EventBus;
class ServiceDirectory;
class ServiceControl;

struct HostEnvironment
{
    Config config;
    DatabaseUrl database;
    RedisUrl redis;
    EventBus *bus = nullptr;
    ServiceDirectory *directory = nullptr;
    // Stop/start/restart of the services of this process (the ServiceHost; null without one).
    ServiceControl *control = nullptr;
    QString logDirectory;
    ServerSecrets secrets;
    QDateTime processStartedAt;
};

} // namespace paydesk::platform
