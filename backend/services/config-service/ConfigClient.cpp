#include "services/config-service/ConfigClient.h"

#include "services/config-service/routes/ConfigRoutes.h"

#include "platform/host/ServiceRuntime.h"
#include "platform/rpc/ServiceClient.h"

#include <QHash>
#include <QUrl>

namespace paydesk::services::config {

using namespace platform;

struct ConfigClient::Cache
{
    explicit Cache(const ServiceClient &c) : client(c) {}
    const ServiceClient &client;
    mutable QMutex mutex;
    QHash<QString, Value> values;
    QHash<QString, int> announced; // newest version an event announced per key
    int fetches = 0;

    QString path(const QString &key) const
    {
        return QStringLiteral("/internal/v1/configs/") + QString::fromLatin1(QUrl::toPercentEncoding(key));
    }

    // Keeps a fetched value unless an event already announced a newer version (a slow fetch
    // must not put an old value back).
    void remember(const QString &key, const Value &value)
    {
        QMutexLocker lock(&mutex);
        if (value.version < announced.value(key, 0))
            return;
        if (values.size() < kEntriesMax || values.contains(key))
            values.insert(key, value);
    }

    static std::optional<Value> parse(const HttpResponse &response)
    {
        if (response.status != 200)
            return std::nullopt;
        const QJsonObject body = response.jsonObject();
        return Value{body.value(QStringLiteral("value")), body.value(QStringLiteral("version")).toInt(),
                     body.value(QStringLiteral("is_secret")).toBool()};
    }
};

ConfigClient::ConfigClient(const ServiceClient &client) : m_cache(std::make_shared<Cache>(client)) {}

void ConfigClient::follow(ServiceRuntime &runtime, const QString &group)
{
    runtime.subscribe(kConfigTopic, group, [cache = m_cache](const Event &event) {
        if (event.type != QStringLiteral("config.changed"))
            return true;
        const QString key = event.payload.value(QStringLiteral("key")).toString();
        const int version = event.payload.value(QStringLiteral("version")).toInt();
        {
            QMutexLocker lock(&cache->mutex);
            cache->announced.insert(key, qMax(version, cache->announced.value(key, 0)));
            const auto it = cache->values.constFind(key);
            if (it == cache->values.cend() || it->version >= version)
                return true;           // not cached (the next read fetches) or already current
            cache->values.remove(key); // readers fetch the new version until the refresh lands
            ++cache->fetches;
        }
        // Refresh without blocking the consumer's thread; the answer lands on whichever thread
        // completes the call.
        cache->client.call(kServiceName, "GET", cache->path(key))
            .then([cache, key](const HttpResponse &response) {
                if (const std::optional<Value> value = Cache::parse(response))
                    cache->remember(key, *value);
            });
        return true;
    });
}

std::optional<ConfigClient::Value> ConfigClient::value(const QString &key, int timeoutMs)
{
    if (std::optional<Value> hit = cached(key))
        return hit;
    {
        QMutexLocker lock(&m_cache->mutex);
        ++m_cache->fetches;
    }
    CallOptions options;
    options.timeoutMs = timeoutMs;
    const std::optional<Value> fetched =
        Cache::parse(m_cache->client.callSync(kServiceName, "GET", m_cache->path(key), {}, options));
    if (fetched)
        m_cache->remember(key, *fetched);
    return fetched;
}

std::optional<ConfigClient::Value> ConfigClient::cached(const QString &key) const
{
    QMutexLocker lock(&m_cache->mutex);
    const auto it = m_cache->values.constFind(key);
    if (it == m_cache->values.cend())
        return std::nullopt;
    return *it;
}

int ConfigClient::fetchCount() const
{
    QMutexLocker lock(&m_cache->mutex);
    return m_cache->fetches;
}

} // namespace paydesk::services::config
