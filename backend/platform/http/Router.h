#pragma once
// Method + path routing with `{name}` segments. Unlike QHttpServer's own router it tells a wrong
// method (405 with Allow) from an unknown path (404). The table is built before the service starts
// and read-only afterwards, so lookups need no lock from any thread.

#include "platform/http/HttpTypes.h"

#include <QJsonObject>
#include <QStringList>

#include <functional>
#include <vector>

namespace paydesk::platform {

using Handler = std::function<HttpResponse(const HttpRequest &)>;

enum class Execution {
    ServiceThread, // cheap, non-blocking: runs on the service's own event loop
    Worker,        // may block (database, other services): runs on the service's worker pool
};

enum class Access {
    Public,   // health, metrics, docs
    Merchant, // signed merchant API (verified by middleware)
    Admin,    // admin console: JWT + permission (verified by middleware)
    Internal, // service-to-service only
};

struct Route
{
    QByteArray method;
    QString pattern; // "/api/v1/merchants/{id}"
    Handler handler;
    Execution execution = Execution::Worker;
    Access access = Access::Public;
    bool jsonBody = false;      // the body must be a JSON object (parsed before the handler)
    QString permission;         // "merchant.update" for Access::Admin routes
    QString summary;            // OpenAPI
    QJsonObject requestSchema;  // OpenAPI schema of the body, when jsonBody
    QJsonObject responseSchema; // OpenAPI schema of the 2xx body
    int successStatus = 200;
    qint64 bodyLimitBytes = 0; // 0: the service's body_limit_bytes; more for uploads (KYC documents)
};

struct RouteMatch
{
    enum class Kind { Found, NotFound, MethodNotAllowed } kind = Kind::NotFound;
    const Route *route = nullptr;
    QHash<QString, QString> params;
    QStringList allowedMethods; // for MethodNotAllowed
};

class Router
{
public:
    void add(Route route);
    RouteMatch match(const QByteArray &method, const QString &path) const;
    const std::vector<Route> &routes() const { return m_routes; }

    // Splits a path into segments; rejects empty segments other than a trailing slash.
    static QStringList segments(const QString &path);

private:
    struct Compiled
    {
        QStringList segments;
    };
    std::vector<Route> m_routes;
    std::vector<Compiled> m_compiled;
};

} // namespace paydesk::platform
