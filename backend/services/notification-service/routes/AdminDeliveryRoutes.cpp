// Admin view of webhook deliveries and manual redelivery (audited).

#include "services/notification-service/routes/NotificationRoutes.h"
#include "services/notification-service/store/WebhookStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

namespace paydesk::services::notification {

using namespace platform;

namespace admin_delivery_routes {
const QStringList kStatuses{QStringLiteral("pending"), QStringLiteral("retrying"),
                            QStringLiteral("delivered"), QStringLiteral("dead")};

HttpResponse deliveryNotFound(const HttpRequest &request)
{
    return notFound(request, QStringLiteral("DELIVERY_NOT_FOUND"),
                    QStringLiteral("no such webhook delivery"));
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    const store::DeliveryFilter filter{
        .merchantId = request.query.queryItemValue(QStringLiteral("merchant_id")),
        .paymentNo = request.query.queryItemValue(QStringLiteral("payment_no")),
        .status = request.query.queryItemValue(QStringLiteral("status")),
        .eventType = request.query.queryItemValue(QStringLiteral("event"))};
    if (!filter.status.isEmpty() && !kStatuses.contains(filter.status))
        return respond(
            request,
            Problem::validation(
                QStringLiteral("status must be one of %1").arg(kStatuses.join(QStringLiteral(", ")))));
    return deliveryPage(runtime, request, filter);
}

HttpResponse detail(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QUuid id = QUuid::fromString(request.pathParam(QStringLiteral("id")));
    if (id.isNull())
        return deliveryNotFound(request);
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<QJsonObject> delivery;
        QJsonArray attempts;
        QString error;
        if (!store::loadDelivery(db, id, {}, &delivery, &error) ||
            (delivery && !store::loadAttempts(db, id, &attempts, &error)))
            return respond(request, Problem::internal(error));
        if (!delivery)
            return deliveryNotFound(request);
        delivery->insert(QStringLiteral("attempt_log"), attempts);
        return HttpResponse::json(*delivery);
    });
}

HttpResponse redeliver(ServiceRuntime &runtime, const NotificationContext &context,
                       const HttpRequest &request)
{
    const QUuid id = QUuid::fromString(request.pathParam(QStringLiteral("id")));
    if (id.isNull())
        return deliveryNotFound(request);
    HttpResponse response =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<QJsonObject> before;
            std::optional<QJsonObject> after;
            bool reset = false;
            if (!store::loadDelivery(db, id, {}, &before, why))
                return std::nullopt;
            if (!before)
                return deliveryNotFound(request);
            if (!store::redeliver(db, id, context.settings.maxAttempts, &reset, why))
                return std::nullopt;
            if (!reset)
                return respond(
                    request, Problem::conflict(QStringLiteral("DELIVERY_IN_PROGRESS"),
                                               QStringLiteral("delivery is %1: only dead or delivered "
                                                              "deliveries can be redelivered")
                                                   .arg(before->value(QStringLiteral("status")).toString())));
            if (!store::loadDelivery(db, id, {}, &after, why) || !after)
                return std::nullopt;
            before->remove(QStringLiteral("payload"));
            after->remove(QStringLiteral("payload"));
            const audit::Change change{QStringLiteral("webhook.redeliver"),
                                       QStringLiteral("webhook_delivery"), id.toString(QUuid::WithoutBraces),
                                       *before, *after};
            if (!audit::append(db, request, kServiceName, change, why))
                return std::nullopt;
            HttpResponse ok = HttpResponse::json(*after);
            ok.audited = true;
            return ok;
        });
    if (response.isSuccess())
        context.kickWorker();
    return response;
}
} // namespace admin_delivery_routes

HttpResponse deliveryPage(ServiceRuntime &runtime, const HttpRequest &request, store::DeliveryFilter filter)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    filter.offset = page.offset();
    filter.limit = page.pageSize;
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QJsonArray items;
        qint64 total = 0;
        QString error;
        if (!store::listDeliveries(db, filter, &items, &total, &error))
            return respond(request, Problem::internal(error));
        return HttpResponse::json(page.wrap(items, total));
    });
}

void addAdminDeliveryRoutes(Router &router, ServiceRuntime &runtime, const NotificationContext &context)
{
    using namespace admin_delivery_routes;
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/admin/webhooks/deliveries"),
                .handler = [&runtime](const HttpRequest &r) { return list(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("webhook.view"),
                .summary = QStringLiteral(
                    "Webhook deliveries (?merchant_id, ?payment_no, ?status, ?event, paging)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/admin/webhooks/deliveries/{id}"),
                .handler = [&runtime](const HttpRequest &r) { return detail(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("webhook.view"),
                .summary = QStringLiteral("One delivery with its payload and every attempt")});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/api/v1/admin/webhooks/deliveries/{id}/redeliver"),
         .handler = [&runtime, &context](const HttpRequest &r) { return redeliver(runtime, context, r); },
         .access = Access::Admin,
         .permission = QStringLiteral("webhook.redeliver"),
         .summary = QStringLiteral("Send a dead or delivered delivery again (new round of attempts)")});
}

} // namespace paydesk::services::notification
