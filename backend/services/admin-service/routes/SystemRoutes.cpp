// The installation's aggregated health for consoles (health/SystemHealthMonitor.h): the latest
// round and each service's recent history. Read-only; served from memory on the service thread.

#include "../health/SystemHealthMonitor.h"
#include "RouteContext.h"

namespace paydesk::services::admin {

using platform::Access;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;

void registerSystemRoutes(Router &router, const std::shared_ptr<SystemHealthMonitor> &monitor)
{
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/system/health"),
         .handler =
             [monitor](const HttpRequest &) {
                 QJsonObject latest = monitor->latest();
                 if (latest.isEmpty())
                     latest = {{QStringLiteral("sampled_at"), QJsonValue()},
                               {QStringLiteral("services"), QJsonArray()},
                               {QStringLiteral("infrastructure"), QJsonArray()}};
                 return HttpResponse::json(latest);
             },
         .execution = platform::Execution::ServiceThread,
         .access = Access::Admin,
         .permission = QStringLiteral("system.view"),
         .summary = QStringLiteral("Every service's health, req/s, p95 and 5xx rate plus PostgreSQL and "
                                   "Redis, sampled once a second by admin-service"),
         .responseSchema = objectSchema({{QStringLiteral("sampled_at"), stringSchema()},
                                         {QStringLiteral("services"), arraySchema(QJsonObject{})},
                                         {QStringLiteral("infrastructure"), arraySchema(QJsonObject{})}})});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/system/health/history"),
         .handler =
             [monitor](const HttpRequest &request) {
                 const QString service = request.query.queryItemValue(QStringLiteral("service"));
                 const QString secondsText = request.query.queryItemValue(QStringLiteral("seconds"));
                 bool numeric = true;
                 const int seconds =
                     secondsText.isEmpty() ? SystemHealthMonitor::kHistorySize : secondsText.toInt(&numeric);
                 if (!numeric || seconds < 1 || seconds > SystemHealthMonitor::kHistorySize)
                     return Problem::validation(QStringLiteral("seconds must be 1..%1")
                                                    .arg(SystemHealthMonitor::kHistorySize))
                         .toResponse(request.trace.traceId);
                 const QStringList services = service.isEmpty() ? monitor->services() : QStringList{service};
                 QJsonObject bySevice;
                 for (const QString &name : services) {
                     QJsonArray samples;
                     if (!monitor->history(name, seconds, &samples))
                         return Problem::notFound(
                                    QStringLiteral("no health history for service %1").arg(name))
                             .toResponse(request.trace.traceId);
                     bySevice.insert(name, samples);
                 }
                 QJsonObject body{{QStringLiteral("seconds"), seconds},
                                  {QStringLiteral("services"), bySevice}};
                 if (!service.isEmpty()) {
                     body.insert(QStringLiteral("service"), service);
                     body.insert(QStringLiteral("items"), bySevice.value(service));
                 }
                 return HttpResponse::json(body);
             },
         .execution = platform::Execution::ServiceThread,
         .access = Access::Admin,
         .permission = QStringLiteral("system.view"),
         .summary =
             QStringLiteral("Health samples (1/s, up to 300) of one service (?service=) or all; ?seconds="),
         .responseSchema = objectSchema({{QStringLiteral("seconds"), QJsonObject{{"type", "integer"}}},
                                         {QStringLiteral("services"), QJsonObject{{"type", "object"}}}})});
}

} // namespace paydesk::services::admin
