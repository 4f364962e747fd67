#include "platform/cache/ThreadRedis.h"

#include <QHash>

#include <memory>

namespace paydesk::platform {

RedisConnection &threadRedis(const RedisUrl &url)
{
    thread_local QHash<QString, std::shared_ptr<RedisConnection>> connections;
    const QString key = url.toString(true);
    auto it = connections.find(key);
    if (it == connections.end())
        it = connections.insert(key, std::make_shared<RedisConnection>(url));
    return **it;
}

} // namespace paydesk::platform
