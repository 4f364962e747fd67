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

struct HostEnvironment
{
    Config config;
    DatabaseUrl database;
    RedisUrl redis;
    EventBus *bus = nullptr;
    ServiceDirectory *directory = nullptr;
    QString logDirectory;
    ServerSecrets secrets;
    QDateTime processStartedAt;
};

} // namespace paydesk::platform
