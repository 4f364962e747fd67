// POST/GET /api/v1/payments, cancel/capture/void, and POST /internal/v1/payments (cashier-service).

#include "services/payment-gateway/flow/PaymentActions.h"
#include "services/payment-gateway/flow/PaymentFlow.h"
#include "services/payment-gateway/routes/GatewayRoutes.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Idempotency.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"

#include <QJsonArray>

namespace paydesk::services::gateway {

using namespace platform;

HttpResponse paymentPage(Gateway &gateway, const HttpRequest &request, store::PaymentFilter filter)
{
    const QUrlQuery &query = request.query;
    filter.status = query.queryItemValue(QStringLiteral("status"));
    filter.orderNo = query.queryItemValue(QStringLiteral("order_no"));
    if (!filter.status.isEmpty() && !paymentStatus(filter.status))
        return respond(request, Problem::validation(QStringLiteral("status is not a payment status")));
    for (const auto &[name, target] :
         {std::pair{QStringLiteral("from"), &filter.from}, std::pair{QStringLiteral("to"), &filter.to}}) {
        const QString text = query.queryItemValue(name, QUrl::FullyDecoded);
        if (text.isEmpty())
            continue;
        *target = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!target->isValid())
            return respond(request, Problem::validation(name + QStringLiteral(" must be an RFC 3339 time")));
    }
    const PageRequest page = PageRequest::fromQuery(query);
    filter.offset = page.offset();
    filter.limit = page.pageSize;
    return withConnection(gateway.runtime, request, [&](QSqlDatabase &db) {
        QString error;
        QList<Payment> payments;
        qint64 total = 0;
        if (!store::listPayments(db, filter, &payments, &total, &error))
            return respond(request, Problem::internal(error));
        QJsonArray items;
        for (const Payment &p : payments)
            items.append(p.toJson());
        return HttpResponse::json(page.wrap(items, total));
    });
}

QJsonObject paymentSchema()
{
    const auto type = [](const char *name, const char *description = nullptr) {
        QJsonObject property{{QStringLiteral("type"), QString::fromLatin1(name)}};
        if (description)
            property.insert(QStringLiteral("description"), QString::fromLatin1(description));
        return property;
    };
    QJsonObject properties;
    for (const char *text : {"payment_no", "merchant_id", "environment", "order_no", "currency", "status",
                             "pay_method", "channel", "channel_trade_no", "description", "customer_email",
                             "notify_url", "return_url", "created_at", "updated_at", "expires_at", "paid_at"})
        properties.insert(QString::fromLatin1(text), type("string"));
    for (const char *minor : {"amount_minor", "channel_fee_minor", "captured_minor", "refunded_minor"})
        properties.insert(QString::fromLatin1(minor), type("integer"));
    properties.insert(QStringLiteral("capture"), type("boolean"));
    for (const char *object : {"card", "risk", "error", "metadata", "next_action"})
        properties.insert(QString::fromLatin1(object), type("object"));
    properties.insert(QStringLiteral("trace_id"),
                      type("string", "W3C trace id (32 lower-case hex) of the request that created the "
                                     "payment; null for payments made before it was recorded"));
    return {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}};
}

namespace payment_routes {
QString merchantScope(const QString &merchantId)
{
    return QStringLiteral("merchant:") + merchantId;
}

HttpResponse create(Gateway &gateway, const HttpRequest &request, const QString &merchantId,
                    const QString &environment)
{
    return idempotency::run(gateway.runtime.database(), request, merchantScope(merchantId), [&] {
        HttpResponse problem;
        std::optional<CreateCommand> command = parseCreate(request, merchantId, environment, &problem);
        if (!command)
            return problem;
        return createPayment(gateway, request, std::move(*command));
    });
}

HttpResponse createInternal(Gateway &gateway, const HttpRequest &request)
{
    BodyReader body(request);
    const QString merchantId =
        body.string(QStringLiteral("merchant_id"), {.required = true, .maxLength = 64});
    const QString environment = body.string(QStringLiteral("environment"),
                                            {.oneOf = {QStringLiteral("test"), QStringLiteral("live")}});
    if (!body.ok())
        return body.problem();
    return create(gateway, request, merchantId, environment);
}

HttpResponse show(Gateway &gateway, const HttpRequest &request)
{
    return withConnection(gateway.runtime, request, [&](QSqlDatabase &db) {
        QString error;
        std::optional<Payment> payment;
        const QString paymentNo = request.pathParam(QStringLiteral("payment_no"));
        if (!store::loadPayment(db, paymentNo, request.principal.merchantId, false, &payment, &error))
            return respond(request, Problem::internal(error));
        if (!payment)
            return notFound(request, QStringLiteral("PAYMENT_NOT_FOUND"),
                            QStringLiteral("no payment %1").arg(paymentNo));
        return HttpResponse::json(payment->toJson());
    });
}

HttpResponse list(Gateway &gateway, const HttpRequest &request)
{
    store::PaymentFilter filter;
    filter.merchantId = request.principal.merchantId;
    return paymentPage(gateway, request, filter);
}

// The capture body is optional (no body: the whole authorisation).
std::optional<qint64> optionalAmount(const HttpRequest &request, HttpResponse *problem)
{
    if (request.body.trimmed().isEmpty())
        return std::nullopt;
    HttpRequest parsed = request;
    parsed.json = QJsonDocument::fromJson(request.body);
    if (!parsed.json.isObject()) {
        *problem =
            respond(request, Problem::malformedJson(QStringLiteral("the body must be a JSON object"), 0));
        return std::nullopt;
    }
    BodyReader body(parsed);
    if (!body.has(QStringLiteral("amount_minor")))
        return std::nullopt;
    const qint64 amount = body.int64(QStringLiteral("amount_minor"), {.min = 1});
    if (!body.ok())
        *problem = body.problem();
    return amount;
}
} // namespace payment_routes

void addPaymentRoutes(Router &router, Gateway &gateway)
{
    using namespace payment_routes;
    Gateway *g = &gateway;
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/payments"),
                .handler =
                    [g](const HttpRequest &r) {
                        return create(*g, r, r.principal.merchantId, r.principal.environment);
                    },
                .access = Access::Merchant,
                .jsonBody = true,
                .summary = QStringLiteral("Create a card payment (Idempotency-Key honoured)"),
                .requestSchema = {{QStringLiteral("type"), QStringLiteral("object")},
                                  {QStringLiteral("required"),
                                   QJsonArray{QStringLiteral("order_no"), QStringLiteral("amount_minor"),
                                              QStringLiteral("currency"), QStringLiteral("card")}}},
                .responseSchema = paymentSchema(),
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/payments"),
                .handler = [g](const HttpRequest &r) { return list(*g, r); },
                .access = Access::Merchant,
                .summary = QStringLiteral(
                    "The merchant's payments, newest first (status, order_no, from, to, page)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/payments/{payment_no}"),
                .handler = [g](const HttpRequest &r) { return show(*g, r); },
                .access = Access::Merchant,
                .summary = QStringLiteral("One of the merchant's payments"),
                .responseSchema = paymentSchema()});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/payments/{payment_no}/cancel"),
                .handler =
                    [g](const HttpRequest &r) {
                        return idempotency::run(
                            g->runtime.database(), r, merchantScope(r.principal.merchantId), [&] {
                                return cancelPayment(*g, r, r.principal.merchantId,
                                                     r.pathParam(QStringLiteral("payment_no")));
                            });
                    },
                .access = Access::Merchant,
                .summary = QStringLiteral("Cancel a pending or processing payment")});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/api/v1/payments/{payment_no}/capture"),
         .handler =
             [g](const HttpRequest &r) {
                 HttpResponse problem;
                 const std::optional<qint64> amount = optionalAmount(r, &problem);
                 if (problem.status != 200)
                     return problem;
                 return idempotency::run(
                     g->runtime.database(), r, merchantScope(r.principal.merchantId), [&] {
                         return capturePayment(*g, r, r.principal.merchantId,
                                               r.pathParam(QStringLiteral("payment_no")), amount);
                     });
             },
         .access = Access::Merchant,
         .summary = QStringLiteral("Capture an authorized payment once, fully or partly (amount_minor)")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/payments/{payment_no}/void"),
                .handler =
                    [g](const HttpRequest &r) {
                        return idempotency::run(
                            g->runtime.database(), r, merchantScope(r.principal.merchantId), [&] {
                                return voidPayment(*g, r, r.principal.merchantId,
                                                   r.pathParam(QStringLiteral("payment_no")));
                            });
                    },
                .access = Access::Merchant,
                .summary = QStringLiteral("Void an authorized payment")});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/payments"),
         .handler = [g](const HttpRequest &r) { return createInternal(*g, r); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary = QStringLiteral("Create a payment for a merchant named in the body (cashier-service)"),
         .responseSchema = paymentSchema(),
         .successStatus = 201});
}

} // namespace paydesk::services::gateway
