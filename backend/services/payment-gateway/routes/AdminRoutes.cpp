// Admin console: payments list and detail with timeline (payment.view), refund (payment.refund,
// audited in the refund's transaction).

#include "services/payment-gateway/flow/RefundFlow.h"
#include "services/payment-gateway/routes/GatewayRoutes.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Idempotency.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QJsonArray>

namespace paydesk::services::gateway {

using namespace platform;

namespace admin_routes {
HttpResponse list(Gateway &gateway, const HttpRequest &request)
{
    store::PaymentFilter filter;
    filter.merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"));
    filter.paymentNo = request.query.queryItemValue(QStringLiteral("payment_no"));
    return paymentPage(gateway, request, filter);
}

HttpResponse show(Gateway &gateway, const HttpRequest &request)
{
    return withConnection(gateway.runtime, request, [&](QSqlDatabase &db) {
        QString error;
        std::optional<Payment> payment;
        QList<TimelineEntry> timeline;
        QList<Refund> refunds;
        qint64 total = 0;
        const QString paymentNo = request.pathParam(QStringLiteral("payment_no"));
        if (!store::loadPayment(db, paymentNo, {}, false, &payment, &error))
            return respond(request, Problem::internal(error));
        if (!payment)
            return notFound(request, QStringLiteral("PAYMENT_NOT_FOUND"),
                            QStringLiteral("no payment %1").arg(paymentNo));
        store::RefundFilter filter;
        filter.paymentNo = paymentNo;
        filter.limit = 100;
        if (!store::loadTimeline(db, paymentNo, &timeline, &error) ||
            !store::listRefunds(db, filter, &refunds, &total, &error))
            return respond(request, Problem::internal(error));
        QJsonObject json = payment->toJson();
        QJsonArray entries;
        for (const TimelineEntry &e : timeline)
            entries.append(e.toJson());
        QJsonArray refundItems;
        for (const Refund &r : refunds)
            refundItems.append(r.toJson());
        json.insert(QStringLiteral("timeline"), entries);
        json.insert(QStringLiteral("refunds"), refundItems);
        json.insert(QStringLiteral("idempotency_key"), payment->idempotencyKey);
        json.insert(QStringLiteral("customer_ip"), payment->customerIp);
        json.insert(QStringLiteral("device_id"), payment->deviceId);
        return HttpResponse::json(json);
    });
}

HttpResponse refund(Gateway &gateway, const HttpRequest &request)
{
    return idempotency::run(
        gateway.runtime.database(), request, QStringLiteral("admin:") + request.principal.id, [&] {
            BodyReader body(request);
            RefundCommand command;
            command.paymentNo = request.pathParam(QStringLiteral("payment_no"));
            command.amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
            command.reason = body.string(QStringLiteral("reason"), {.required = true, .maxLength = 255});
            command.operatorType = QStringLiteral("admin");
            command.operatorId = request.principal.id;
            if (!body.ok())
                return body.problem();
            command.inTransaction = [&request](QSqlDatabase &db, const Refund &refund, QString *why) {
                return audit::append(db, request, kServiceName,
                                     {QStringLiteral("payment.refund"), QStringLiteral("refund"),
                                      refund.refundNo, QJsonValue(), refund.toJson()},
                                     why);
            };
            HttpResponse response = createRefund(gateway, request, command);
            response.audited = response.isSuccess();
            return response;
        });
}

QJsonObject adminPaymentSchema()
{
    QJsonObject schema = paymentSchema();
    QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
    for (const char *array : {"timeline", "refunds"})
        properties.insert(QString::fromLatin1(array),
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("array")}});
    for (const char *text : {"idempotency_key", "customer_ip", "device_id"})
        properties.insert(QString::fromLatin1(text),
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}});
    schema.insert(QStringLiteral("properties"), properties);
    return schema;
}
} // namespace admin_routes

void addAdminRoutes(Router &router, Gateway &gateway)
{
    using admin_routes::adminPaymentSchema;
    Gateway *g = &gateway;
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/admin/payments"),
         .handler = [g](const HttpRequest &r) { return admin_routes::list(*g, r); },
         .access = Access::Admin,
         .permission = QStringLiteral("payment.view"),
         .summary = QStringLiteral("Payments of every merchant (payment_no, order_no, merchant_id, status, "
                                   "from, to; paged, newest first)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/admin/payments/{payment_no}"),
                .handler = [g](const HttpRequest &r) { return admin_routes::show(*g, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("payment.view"),
                .summary = QStringLiteral("One payment with its timeline and refunds"),
                .responseSchema = adminPaymentSchema()});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/admin/payments/{payment_no}/refunds"),
                .handler = [g](const HttpRequest &r) { return admin_routes::refund(*g, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = QStringLiteral("payment.refund"),
                .summary = QStringLiteral("Refund a payment for a merchant (audited)"),
                .successStatus = 201});
}

} // namespace paydesk::services::gateway
