// Feature flags: admin view and replace, and evaluation for services (domain/ConfigRules.h).

#include "services/config-service/routes/ConfigRoutes.h"
#include "services/config-service/store/ConfigStore.h"

#include "platform/bus/Outbox.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

namespace paydesk::services::config {

using namespace platform;

namespace flag_routes {
constexpr int kListMax = 10'000; // merchants per allow / deny list

std::optional<HttpResponse> badName(const HttpRequest &request)
{
    if (!isValidKey(request.pathParam(QStringLiteral("name"))))
        return Problem::validation(QStringLiteral("flag name must be 1-128 characters of [a-z0-9_.-]"))
            .toResponse(request.trace.traceId);
    return std::nullopt;
}

HttpResponse flagNotFound(const HttpRequest &request, const QString &name)
{
    return Problem{404,
                   QStringLiteral("FLAG_NOT_FOUND"),
                   QStringLiteral("Feature flag not found"),
                   QStringLiteral("no feature flag %1").arg(name),
                   {}}
        .toResponse(request.trace.traceId);
}

QStringList merchantList(BodyReader &body, const QString &field)
{
    QStringList ids;
    const QJsonArray array = body.array(field);
    if (array.size() > kListMax)
        body.fail(field, QStringLiteral("must have at most %1 merchants").arg(kListMax));
    for (const QJsonValue &value : array) {
        if (!value.isString() || value.toString().isEmpty() || value.toString().size() > 64) {
            body.fail(field, QStringLiteral("must hold merchant ids (strings of 1-64 characters)"));
            return {};
        }
        if (!ids.contains(value.toString()))
            ids.append(value.toString());
    }
    return ids;
}

HttpResponse put(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badName(request))
        return *bad;
    BodyReader body(request);
    FeatureFlag flag;
    flag.name = request.pathParam(QStringLiteral("name"));
    if (!request.json.object().value(QStringLiteral("enabled")).isBool())
        body.fail(QStringLiteral("enabled"), QStringLiteral("is required (true or false)"));
    flag.enabled = body.boolean(QStringLiteral("enabled"));
    flag.rolloutPercent = static_cast<int>(
        body.int64(QStringLiteral("rollout_percent"), {.required = true, .min = 0, .max = 100}));
    flag.allowMerchants = merchantList(body, QStringLiteral("allow_merchants"));
    flag.denyMerchants = merchantList(body, QStringLiteral("deny_merchants"));
    if (!body.ok())
        return body.problem();
    const HttpResponse response =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<FeatureFlag> before;
            if (!store::loadFlag(db, flag.name, &before, why) ||
                !store::saveFlag(db, flag, request.principal.id, why))
                return std::nullopt;
            Event event;
            event.eventId = QUuid::createUuid();
            event.topic = kConfigTopic;
            event.type = QStringLiteral("flag.changed");
            event.aggregateType = QStringLiteral("feature_flag");
            event.aggregateId = flag.name;
            event.traceparent = request.trace.toTraceparent();
            event.payload = {{QStringLiteral("name"), flag.name}};
            const audit::Change change{QStringLiteral("flag.set"), QStringLiteral("feature_flag"), flag.name,
                                       before ? QJsonValue(before->toJson()) : QJsonValue(), flag.toJson()};
            if (outbox::append(db, event, why) < 0 || !audit::append(db, request, kServiceName, change, why))
                return std::nullopt;
            HttpResponse ok = HttpResponse::json(flag.toJson(), before ? 200 : 201);
            ok.audited = true;
            return ok;
        });
    return response;
}

HttpResponse get(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badName(request))
        return *bad;
    const QString name = request.pathParam(QStringLiteral("name"));
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<FeatureFlag> flag;
        if (!store::loadFlag(db, name, &flag, why))
            return std::nullopt;
        return flag ? HttpResponse::json(flag->toJson()) : flagNotFound(request, name);
    });
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<FeatureFlag> flags;
        if (!store::listFlags(db, &flags, why))
            return std::nullopt;
        QJsonArray items;
        for (const FeatureFlag &flag : std::as_const(flags))
            items.append(flag.toJson());
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}

HttpResponse evaluate(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badName(request))
        return *bad;
    const QString name = request.pathParam(QStringLiteral("name"));
    const QString merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"));
    if (merchantId.isEmpty() || merchantId.size() > 64)
        return Problem::validation(QStringLiteral("merchant_id (1-64 characters) is required"))
            .toResponse(request.trace.traceId);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<FeatureFlag> flag;
        if (!store::loadFlag(db, name, &flag, why))
            return std::nullopt;
        if (!flag) {
            return flagNotFound(request, name);
        }
        const FlagDecision decision = evaluateFlag(*flag, merchantId);
        return HttpResponse::json(QJsonObject{{QStringLiteral("name"), name},
                                              {QStringLiteral("merchant_id"), merchantId},
                                              {QStringLiteral("enabled"), decision.enabled},
                                              {QStringLiteral("reason"), decision.reason},
                                              {QStringLiteral("bucket"), decision.bucket}});
    });
}
} // namespace flag_routes

void addFlagRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace flag_routes;
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/flags"),
                .handler = [&runtime](const HttpRequest &r) { return list(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("flag.view"),
                .summary = QStringLiteral("All feature flags")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/flags/{name}"),
                .handler = [&runtime](const HttpRequest &r) { return get(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("flag.view"),
                .summary = QStringLiteral("One feature flag")});
    router.add({.method = "PUT",
                .pattern = QStringLiteral("/api/v1/flags/{name}"),
                .handler = [&runtime](const HttpRequest &r) { return put(runtime, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = QStringLiteral("flag.update"),
                .summary = QStringLiteral(
                    "Create or replace {enabled, rollout_percent, allow_merchants[], deny_merchants[]}")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/internal/v1/flags/{name}/evaluate"),
                .handler = [&runtime](const HttpRequest &r) { return evaluate(runtime, r); },
                .access = Access::Internal,
                .summary = QStringLiteral(
                    "Is the flag on for ?merchant_id= (deny, allow, then stable rollout bucket)")});
}

} // namespace paydesk::services::config
