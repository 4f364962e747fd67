// POST /api/v1/refunds, GET /api/v1/refunds/{refund_no}, GET /api/v1/refunds (signed merchant API).

#include "services/payment-gateway/flow/RefundFlow.h"
#include "services/payment-gateway/routes/GatewayRoutes.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Idempotency.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"

#include <QJsonArray>

namespace paydesk::services::gateway {

using namespace platform;

namespace refund_routes {
HttpResponse create(Gateway &gateway, const HttpRequest &request)
{
    return idempotency::run(
        gateway.runtime.database(), request, QStringLiteral("merchant:") + request.principal.merchantId, [&] {
            BodyReader body(request);
            RefundCommand command;
            command.merchantId = request.principal.merchantId;
            command.paymentNo =
                body.string(QStringLiteral("payment_no"), {.required = true, .maxLength = 64});
            command.amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
            command.reason = body.string(QStringLiteral("reason"), {.maxLength = 255});
            command.operatorType = QStringLiteral("merchant");
            command.operatorId = request.principal.apiKeyId;
            if (!body.ok())
                return body.problem();
            return createRefund(gateway, request, command);
        });
}

HttpResponse show(Gateway &gateway, const HttpRequest &request)
{
    return withConnection(gateway.runtime, request, [&](QSqlDatabase &db) {
        QString error;
        std::optional<Refund> refund;
        const QString refundNo = request.pathParam(QStringLiteral("refund_no"));
        if (!store::loadRefund(db, refundNo, request.principal.merchantId, false, &refund, &error))
            return respond(request, Problem::internal(error));
        if (!refund)
            return notFound(request, QStringLiteral("REFUND_NOT_FOUND"),
                            QStringLiteral("no refund %1").arg(refundNo));
        return HttpResponse::json(refund->toJson());
    });
}

HttpResponse list(Gateway &gateway, const HttpRequest &request)
{
    store::RefundFilter filter;
    filter.merchantId = request.principal.merchantId;
    filter.paymentNo = request.query.queryItemValue(QStringLiteral("payment_no"));
    filter.status = request.query.queryItemValue(QStringLiteral("status"));
    if (!filter.status.isEmpty() && !refundStatus(filter.status))
        return respond(request, Problem::validation(QStringLiteral("status is not a refund status")));
    const PageRequest page = PageRequest::fromQuery(request.query);
    filter.offset = page.offset();
    filter.limit = page.pageSize;
    return withConnection(gateway.runtime, request, [&](QSqlDatabase &db) {
        QString error;
        QList<Refund> refunds;
        qint64 total = 0;
        if (!store::listRefunds(db, filter, &refunds, &total, &error))
            return respond(request, Problem::internal(error));
        QJsonArray items;
        for (const Refund &r : refunds)
            items.append(r.toJson());
        return HttpResponse::json(page.wrap(items, total));
    });
}
} // namespace refund_routes

void addRefundRoutes(Router &router, Gateway &gateway)
{
    Gateway *g = &gateway;
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/api/v1/refunds"),
         .handler = [g](const HttpRequest &r) { return refund_routes::create(*g, r); },
         .access = Access::Merchant,
         .jsonBody = true,
         .summary = QStringLiteral("Refund a successful payment, fully or partly (Idempotency-Key honoured)"),
         .requestSchema = {{QStringLiteral("type"), QStringLiteral("object")},
                           {QStringLiteral("required"),
                            QJsonArray{QStringLiteral("payment_no"), QStringLiteral("amount_minor")}}},
         .successStatus = 201});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/refunds"),
         .handler = [g](const HttpRequest &r) { return refund_routes::list(*g, r); },
         .access = Access::Merchant,
         .summary = QStringLiteral("The merchant's refunds, newest first (payment_no, status, page)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/refunds/{refund_no}"),
                .handler = [g](const HttpRequest &r) { return refund_routes::show(*g, r); },
                .access = Access::Merchant,
                .summary = QStringLiteral("One of the merchant's refunds")});
}

} // namespace paydesk::services::gateway
