// The service registry: every service posts {name, url, version, port} when it first becomes
// ready (ServiceRuntime); admins list who is there and when each was last seen.

#include "services/config-service/routes/ConfigRoutes.h"
#include "services/config-service/store/ConfigStore.h"

#include "platform/http/RequestBody.h"

namespace paydesk::services::config {

using namespace platform;

namespace registry_routes {
HttpResponse announce(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    store::Registration r;
    r.name = body.string(QStringLiteral("name"), {.required = true, .maxLength = 64});
    r.url = body.string(QStringLiteral("url"), {.required = true, .maxLength = 512});
    r.version = body.string(QStringLiteral("version"), {.required = true, .maxLength = 64});
    r.port = static_cast<int>(body.int64(QStringLiteral("port"), {.required = true, .min = 1, .max = 65535}));
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        if (!store::registerService(db, r, why))
            return std::nullopt;
        return HttpResponse::empty(204);
    });
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<store::Registration> all;
        if (!store::listRegistrations(db, &all, why))
            return std::nullopt;
        QJsonArray items;
        for (const store::Registration &r : std::as_const(all))
            items.append(r.toJson());
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}
} // namespace registry_routes

void addRegistryRoutes(Router &router, ServiceRuntime &runtime)
{
    router.add({.method = "POST",
                .pattern = QStringLiteral("/internal/v1/registry"),
                .handler = [&runtime](const HttpRequest &r) { return registry_routes::announce(runtime, r); },
                .access = Access::Internal,
                .jsonBody = true,
                .summary = QStringLiteral("A service announces itself {name, url, version, port}"),
                .successStatus = 204});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/registry"),
                .handler = [&runtime](const HttpRequest &r) { return registry_routes::list(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("system.view"),
                .summary = QStringLiteral("Registered services with last_seen")});
}

} // namespace paydesk::services::config
