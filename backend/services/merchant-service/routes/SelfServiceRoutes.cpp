// Public self-registration, the signed merchant's own profile, and the internal lookup other
// services use to check a merchant exists.

#include "platform/cache/ThreadRedis.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"
#include "services/merchant-service/routes/MerchantRoutes.h"
#include "services/merchant-service/routes/RouteSupport.h"
#include "services/merchant-service/store/MerchantStore.h"

namespace paydesk::services::merchant {

using namespace platform;

namespace self_service_routes {

// Registrations per client IP per window (spec: 10/hour). Bounds sign-up spam and e-mail probing.
constexpr qint64 kRegistrationsPerWindowMax = 10;
constexpr int kRegistrationWindowSeconds = 3600;

// A fixed window per IP in Redis: SET NX EX opens the window, INCR counts in it. Returns the
// seconds until the window closes when the caller is over the limit. When Redis is unreachable
// registration stays open (logged): Redis is a non-critical dependency of every service.
std::optional<qint64> registrationRefusedFor(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString ip = request.inProcess ? QStringLiteral("in-process") : request.remoteAddress.toString();
    const QByteArray key = "merchant-service:register:" + ip.toUtf8();
    RedisConnection &redis = threadRedis(runtime.environment().redis);
    QVariant count;
    QVariant ttl;
    QVariant ignored;
    QString error;
    if (!redis.command({"SET", key, "0", "EX", QByteArray::number(kRegistrationWindowSeconds), "NX"},
                       &ignored, &error) ||
        !redis.command({"INCR", key}, &count, &error) || !redis.command({"TTL", key}, &ttl, &error)) {
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("registration rate limit unavailable: %1").arg(error));
        return std::nullopt;
    }
    if (count.toLongLong() <= kRegistrationsPerWindowMax)
        return std::nullopt;
    return qMax<qint64>(1, ttl.toLongLong());
}

HttpResponse registerMerchant(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (const std::optional<qint64> retryAfter = registrationRefusedFor(runtime, request)) {
        HttpResponse response =
            respond(request, Problem{429,
                                     QStringLiteral("RATE_LIMITED"),
                                     QStringLiteral("Too many requests"),
                                     QStringLiteral("too many registrations from this address; try later"),
                                     {{QStringLiteral("retry_after_seconds"), *retryAfter}}});
        response.setHeader("Retry-After", QByteArray::number(*retryAfter));
        return response;
    }
    BodyReader body(request);
    MerchantRecord merchant;
    readProfile(body, &merchant, true);
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<HttpResponse> stored =
            storeNewMerchant(db, request, &merchant, QStringLiteral("self-registration"), why);
        if (!stored || !stored->isSuccess())
            return stored;
        return HttpResponse::json(merchant.toJson(), 201);
    });
}

HttpResponse profile(ServiceRuntime &runtime, const HttpRequest &request, const QString &id)
{
    if (!isUuid(id))
        return merchantNotFound(request, id);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        const std::optional<MerchantRecord> merchant = merchant_store::find(db, id, false, why);
        if (!why->isEmpty())
            return std::nullopt;
        if (!merchant)
            return merchantNotFound(request, id);
        return HttpResponse::json(merchant->toJson());
    });
}

} // namespace self_service_routes

void registerSelfServiceRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace self_service_routes;
    ServiceRuntime *rt = &runtime;
    router.add({.method = "POST",
                .pattern = "/api/v1/merchants/register",
                .handler = [rt](const HttpRequest &r) { return registerMerchant(*rt, r); },
                .access = Access::Public,
                .jsonBody = true,
                .summary = "Self-registration: a pending merchant (10 per hour per address)",
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = "/api/v1/me",
                // The merchant comes from the verified signature, never from the request.
                .handler = [rt](const HttpRequest &r) { return profile(*rt, r, r.principal.merchantId); },
                .access = Access::Merchant,
                .summary = "The signed merchant's own profile"});
    router.add(
        {.method = "GET",
         .pattern = "/internal/v1/merchants/{id}",
         .handler = [rt](const HttpRequest &r) { return profile(*rt, r, r.pathParam(QStringLiteral("id"))); },
         .access = Access::Internal,
         .summary = "A merchant's profile, for other services"});
}

} // namespace paydesk::services::merchant
