// Merchant self-service for webhooks: endpoints (secret shown once at creation and on rotation),
// the default secret that signs notify_url deliveries, and the merchant's own deliveries. The
// merchant is always the verified principal; an id in the body or query is never used.

#include "services/notification-service/DeliveryWorker.h"
#include "services/notification-service/domain/SecretSealing.h"
#include "services/notification-service/routes/NotificationRoutes.h"
#include "services/notification-service/store/WebhookStore.h"

#include "platform/db/SqlValues.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"

namespace paydesk::services::notification {

using namespace platform;

namespace endpoint_routes {
HttpResponse endpointNotFound(const HttpRequest &request)
{
    return notFound(request, QStringLiteral("ENDPOINT_NOT_FOUND"),
                    QStringLiteral("no such webhook endpoint"));
}

// Reads url / events / enabled / description into `endpoint`; `partial` accepts absent fields.
void readEndpoint(BodyReader &body, const QJsonObject &json, bool partial, const DeliverySettings &settings,
                  store::Endpoint *endpoint)
{
    if (!partial || body.has(QStringLiteral("url"))) {
        endpoint->url = body.string(QStringLiteral("url"), {.required = true, .maxLength = 2048});
        if (!endpoint->url.isEmpty()) {
            if (const QString why = targetProblem(endpoint->url, settings.allowLoopbackTargets);
                !why.isEmpty())
                body.fail(QStringLiteral("url"), why);
        }
    }
    if (body.has(QStringLiteral("events"))) {
        QStringList events;
        for (const QJsonValue &value : json.value(QStringLiteral("events")).toArray())
            events.append(value.toString());
        if (!json.value(QStringLiteral("events")).isArray())
            body.fail(QStringLiteral("events"), QStringLiteral("must be an array of event types"));
        else if (const QString why = eventsProblem(events); !why.isEmpty())
            body.fail(QStringLiteral("events"), why);
        events.removeDuplicates();
        endpoint->events = events;
    } else if (!partial) {
        endpoint->events = {QStringLiteral("*")};
    }
    if (!partial || body.has(QStringLiteral("enabled")))
        endpoint->enabled = body.boolean(QStringLiteral("enabled"), true);
    if (!partial || body.has(QStringLiteral("description")))
        endpoint->description = body.string(QStringLiteral("description"), {.maxLength = 256});
}

HttpResponse create(ServiceRuntime &runtime, const NotificationContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    store::Endpoint endpoint;
    readEndpoint(body, request.json.object(), false, context.settings, &endpoint);
    if (!body.ok())
        return body.problem();
    endpoint.id = QUuid::createUuid();
    endpoint.merchantId = request.principal.merchantId;
    const QByteArray secret = newSigningSecret();
    endpoint.secretSealed = sealEndpointSecret(runtime.environment().secrets.masterKey, endpoint.id, secret);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<store::Endpoint> existing;
        if (!store::listEndpoints(db, endpoint.merchantId, &existing, why))
            return std::nullopt;
        if (existing.size() >= store::kEndpointsMax)
            return respond(
                request,
                Problem::conflict(
                    QStringLiteral("ENDPOINT_LIMIT_REACHED"),
                    QStringLiteral("a merchant has at most %1 webhook endpoints").arg(store::kEndpointsMax)));
        std::optional<store::Endpoint> saved;
        if (!store::insertEndpoint(db, endpoint, why) ||
            !store::loadEndpoint(db, endpoint.merchantId, endpoint.id, &saved, why) || !saved)
            return std::nullopt;
        QJsonObject result = saved->toJson();
        result.insert(QStringLiteral("secret"), QString::fromLatin1(secret)); // shown this once
        return HttpResponse::json(result, 201);
    });
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::Endpoint> endpoints;
        QString error;
        if (!store::listEndpoints(db, request.principal.merchantId, &endpoints, &error))
            return respond(request, Problem::internal(error));
        QJsonArray items;
        for (const store::Endpoint &endpoint : std::as_const(endpoints))
            items.append(endpoint.toJson());
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}

// Runs `work` on the principal's live endpoint named in the path, 404 when there is none.
HttpResponse onEndpoint(
    ServiceRuntime &runtime, const HttpRequest &request,
    const std::function<std::optional<HttpResponse>(QSqlDatabase &, store::Endpoint &, QString *)> &work)
{
    const QUuid id = QUuid::fromString(request.pathParam(QStringLiteral("id")));
    if (id.isNull())
        return endpointNotFound(request);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::Endpoint> endpoint;
        if (!store::loadEndpoint(db, request.principal.merchantId, id, &endpoint, why))
            return std::nullopt;
        if (!endpoint)
            return endpointNotFound(request);
        return work(db, *endpoint, why);
    });
}

HttpResponse update(ServiceRuntime &runtime, const NotificationContext &context, const HttpRequest &request)
{
    return onEndpoint(
        runtime, request,
        [&](QSqlDatabase &db, store::Endpoint &endpoint, QString *why) -> std::optional<HttpResponse> {
            BodyReader body(request);
            readEndpoint(body, request.json.object(), true, context.settings, &endpoint);
            if (!body.ok())
                return body.problem();
            std::optional<store::Endpoint> saved;
            if (!store::updateEndpoint(db, endpoint, why) ||
                !store::loadEndpoint(db, endpoint.merchantId, endpoint.id, &saved, why) || !saved)
                return std::nullopt;
            return HttpResponse::json(saved->toJson());
        });
}

HttpResponse remove(ServiceRuntime &runtime, const HttpRequest &request)
{
    return onEndpoint(
        runtime, request,
        [&](QSqlDatabase &db, store::Endpoint &endpoint, QString *why) -> std::optional<HttpResponse> {
            if (!store::softDeleteEndpoint(db, endpoint.id, why))
                return std::nullopt;
            return HttpResponse::empty(204);
        });
}

HttpResponse rotateEndpointSecret(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QByteArray secret = newSigningSecret();
    return onEndpoint(
        runtime, request,
        [&](QSqlDatabase &db, store::Endpoint &endpoint, QString *why) -> std::optional<HttpResponse> {
            const QByteArray sealed =
                sealEndpointSecret(runtime.environment().secrets.masterKey, endpoint.id, secret);
            if (!store::setEndpointSecret(db, endpoint.id, sealed, why))
                return std::nullopt;
            return HttpResponse::json(
                QJsonObject{{QStringLiteral("id"), endpoint.id.toString(QUuid::WithoutBraces)},
                            {QStringLiteral("secret"), QString::fromLatin1(secret)}});
        });
}

HttpResponse secretState(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<store::MerchantSecret> secret;
        QString error;
        if (!store::loadMerchantSecret(db, request.principal.merchantId, &secret, &error))
            return respond(request, Problem::internal(error));
        return HttpResponse::json(QJsonObject{
            {QStringLiteral("exists"), secret.has_value()},
            {QStringLiteral("created_at"), secret ? sql::jsonTime(secret->createdAt) : QJsonValue()},
            {QStringLiteral("rotated_at"), secret ? sql::jsonTime(secret->rotatedAt) : QJsonValue()}});
    });
}

HttpResponse rotateMerchantSecret(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString merchantId = request.principal.merchantId;
    const QByteArray secret = newSigningSecret();
    const QByteArray sealed = sealMerchantSecret(runtime.environment().secrets.masterKey, merchantId, secret);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        bool inserted = false;
        if (!store::saveMerchantSecret(db, merchantId, sealed, true, &inserted, why))
            return std::nullopt;
        return HttpResponse::json(QJsonObject{{QStringLiteral("secret"), QString::fromLatin1(secret)}});
    });
}

HttpResponse deliveries(ServiceRuntime &runtime, const HttpRequest &request)
{
    return deliveryPage(runtime, request,
                        {.merchantId = request.principal.merchantId,
                         .paymentNo = request.query.queryItemValue(QStringLiteral("payment_no")),
                         .status = request.query.queryItemValue(QStringLiteral("status")),
                         .eventType = request.query.queryItemValue(QStringLiteral("event"))});
}
} // namespace endpoint_routes

void addEndpointRoutes(Router &router, ServiceRuntime &runtime, const NotificationContext &context)
{
    using namespace endpoint_routes;
    const auto bind = [&runtime](HttpResponse (*handler)(ServiceRuntime &, const HttpRequest &)) {
        return [&runtime, handler](const HttpRequest &r) { return handler(runtime, r); };
    };
    const QString endpoints = QStringLiteral("/api/v1/webhooks/endpoints");
    router.add({.method = "POST",
                .pattern = endpoints,
                .handler = [&runtime, &context](const HttpRequest &r) { return create(runtime, context, r); },
                .access = Access::Merchant,
                .jsonBody = true,
                .summary = QStringLiteral(
                    "Add a webhook endpoint {url, events[] or [\"*\"], enabled?, description?}; "
                    "the signing secret is in this answer only"),
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = endpoints,
                .handler = bind(list),
                .access = Access::Merchant,
                .summary = QStringLiteral("The merchant's webhook endpoints (no secrets)")});
    router.add({.method = "PATCH",
                .pattern = endpoints + QStringLiteral("/{id}"),
                .handler = [&runtime, &context](const HttpRequest &r) { return update(runtime, context, r); },
                .access = Access::Merchant,
                .jsonBody = true,
                .summary = QStringLiteral("Change url, events, enabled or description of an endpoint")});
    router.add({.method = "DELETE",
                .pattern = endpoints + QStringLiteral("/{id}"),
                .handler = bind(remove),
                .access = Access::Merchant,
                .summary = QStringLiteral("Delete an endpoint (its undelivered deliveries end dead)"),
                .successStatus = 204});
    router.add({.method = "POST",
                .pattern = endpoints + QStringLiteral("/{id}/rotate-secret"),
                .handler = bind(rotateEndpointSecret),
                .access = Access::Merchant,
                .summary = QStringLiteral("New signing secret for an endpoint, shown in this answer only")});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/webhooks/deliveries"),
         .handler = bind(deliveries),
         .access = Access::Merchant,
         .summary = QStringLiteral("The merchant's deliveries (?status, ?event, ?payment_no, paging)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/webhooks/secret"),
                .handler = bind(secretState),
                .access = Access::Merchant,
                .summary = QStringLiteral("Whether the secret signing notify_url deliveries exists")});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/api/v1/webhooks/secret/rotate"),
         .handler = bind(rotateMerchantSecret),
         .access = Access::Merchant,
         .summary = QStringLiteral("New secret for notify_url deliveries, shown in this answer only")});
}

} // namespace paydesk::services::notification
