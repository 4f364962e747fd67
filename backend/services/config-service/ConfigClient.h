#pragma once
// A service's view of config-service values: cached per key, refreshed when config.events says a
// key changed, so a change made through the admin API reaches running services without a restart.
//
//   // registerRoutes:  m_config = std::make_unique<ConfigClient>(runtime.client());
//   // consumedTopics:  {config::kConfigTopic, "<service>-config"}
//   // onReady:         m_config->follow(runtime, "<service>-config");
//   // a worker:        if (auto v = m_config->value("payments.retry.max")) use(v->value.toInt());
//
// Threads: value() blocks on a miss and is for worker threads only; cached(), follow() and the
// event handler never block and may run on any thread. The cache is shared behind one mutex,
// held only to read or replace an entry. Bound: kEntriesMax keys (beyond it, misses are not cached).
// Without follow() the cache never refreshes: a service that reads config must follow.

#include "platform/bus/EventBus.h"

#include <QJsonValue>
#include <QMutex>

#include <memory>
#include <optional>

namespace paydesk::platform {
class ServiceClient;
class ServiceRuntime;
} // namespace paydesk::platform

namespace paydesk::services::config {

inline const QString kServiceName = QStringLiteral("config-service");
// config.changed {key, version} after every config change; flag.changed {name} after a flag change.
inline const QString kConfigTopic = QStringLiteral("config.events");

class ConfigClient
{
public:
    struct Value
    {
        QJsonValue value;
        int version = 0;
        bool isSecret = false;
    };
    static constexpr int kEntriesMax = 1024;

    explicit ConfigClient(const platform::ServiceClient &client);

    // Subscribes to config.events as consumer `group`, handled on the service's thread (refused
    // while the service is stopped: ServiceRuntime::subscribe). Declare (config.events, group) in
    // the service's consumedTopics().
    void follow(platform::ServiceRuntime &runtime, const QString &group);

    // Worker threads. The cached value, else fetched from config-service (up to timeoutMs); empty
    // when the key does not exist or config-service cannot be reached.
    std::optional<Value> value(const QString &key, int timeoutMs = 2000);
    // Any thread: the cached value only.
    std::optional<Value> cached(const QString &key) const;
    // Fetches from config-service so far (cache misses and refreshes): lets tests see the cache work.
    int fetchCount() const;

private:
    struct Cache;
    std::shared_ptr<Cache> m_cache; // shared with in-flight refreshes, which may outlive this object
};

} // namespace paydesk::services::config
