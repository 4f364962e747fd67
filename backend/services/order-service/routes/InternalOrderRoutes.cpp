// The order routes of the payment flow (contract docs/contracts/payment-flow.md, order-service).
// Every change runs in one transaction with the order row locked (SELECT … FOR UPDATE), writes its
// order_logs row and appends its order.events event to the outbox, so two concurrent transitions
// of one order serialise and only one of pay / cancel can win.

#include "services/order-service/routes/OrderRoutes.h"
#include "services/order-service/store/OrderStore.h"

#include "platform/bus/Outbox.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"

#include <QRegularExpression>
#include <QUuid>

#include <limits>

namespace paydesk::services::orders {

using namespace platform;

namespace internal_order_routes {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));
constexpr qsizetype kItemsMax = 500;

HttpResponse orderNotFound(const HttpRequest &request, const QString &merchantId, const QString &orderNo)
{
    return notFound(request, QStringLiteral("ORDER_NOT_FOUND"),
                    QStringLiteral("merchant %1 has no order %2").arg(merchantId, orderNo));
}

std::optional<HttpResponse> badPath(const HttpRequest &request)
{
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    const QString orderNo = request.pathParam(QStringLiteral("order_no"));
    if (merchantId.isEmpty() || merchantId.size() > 64 || orderNo.isEmpty() || orderNo.size() > 64)
        return Problem::validation(QStringLiteral("merchant_id and order_no must have 1 to 64 characters"))
            .toResponse(request.trace.traceId);
    return std::nullopt;
}

// The order as every route answers it: the row plus items, refunds and logs.
std::optional<HttpResponse> detailsResponse(QSqlDatabase &db, const store::Order &order, int status,
                                            QString *why)
{
    QJsonObject json = order.toJson();
    if (!store::loadDetails(db, order.id, &json, why))
        return std::nullopt;
    return HttpResponse::json(json, status);
}

Event orderEvent(const store::Order &order, const QString &type, const QJsonObject &extra)
{
    QJsonObject payload = order.toJson();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        payload.insert(it.key(), it.value());
    payload.insert(QStringLiteral("occurred_at"),
                   QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kOrderTopic;
    event.type = type;
    event.aggregateType = QStringLiteral("order");
    event.aggregateId = order.merchantId + u'/' + order.orderNo;
    event.payload = payload;
    return event;
}

// items?[{name, sku?, quantity, unit_price_minor}]: each bad item is one error of the 422.
QList<store::OrderItem> readItems(BodyReader &body)
{
    QList<store::OrderItem> out;
    const QJsonArray items = body.array(QStringLiteral("items"));
    if (items.size() > kItemsMax) {
        body.fail(QStringLiteral("items"), QStringLiteral("at most %1 items").arg(kItemsMax));
        return out;
    }
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QString field = QStringLiteral("items[%1]").arg(i);
        const QString name = item.value(QStringLiteral("name")).toString().trimmed();
        const QString sku = item.value(QStringLiteral("sku")).toString().trimmed();
        const QJsonValue quantity = item.value(QStringLiteral("quantity"));
        const QJsonValue price = item.value(QStringLiteral("unit_price_minor"));
        auto isInteger = [](const QJsonValue &v, qint64 min) {
            return v.isDouble() && v.toDouble() == static_cast<double>(v.toInteger()) && v.toInteger() >= min;
        };
        if (!items.at(i).isObject() || name.isEmpty() || name.size() > 255 || sku.size() > 64 ||
            !isInteger(quantity, 1) || quantity.toInteger() > 1'000'000 || !isInteger(price, 0) ||
            price.toInteger() > std::numeric_limits<qint64>::max() / quantity.toInteger()) // total must fit
            body.fail(field, QStringLiteral("needs name (1-255), quantity (integer >= 1), unit_price_minor "
                                            "(integer >= 0) and an optional sku (<= 64)"));
        else
            out.append({name, sku, quantity.toInteger(), price.toInteger()});
    }
    return out;
}

HttpResponse create(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    store::Order order;
    order.merchantId = body.string(QStringLiteral("merchant_id"), {.required = true, .maxLength = 64});
    order.orderNo = body.string(QStringLiteral("order_no"), {.required = true, .maxLength = 64});
    order.paymentNo = body.string(QStringLiteral("payment_no"), {.required = true, .maxLength = 64});
    order.amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    order.currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    order.description = body.string(QStringLiteral("description"), {.maxLength = 1000});
    order.customerEmail = body.string(QStringLiteral("customer_email"), {.maxLength = 254});
    order.customerName = body.string(QStringLiteral("customer_name"), {.maxLength = 128});
    if (!order.currency.isEmpty() && !kCurrency.match(order.currency).hasMatch())
        body.fail(QStringLiteral("currency"),
                  QStringLiteral("must be an ISO 4217 code (3 upper-case letters)"));
    order.items = readItems(body);
    if (!body.ok())
        return body.problem();

    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        bool inserted = false;
        if (!store::insertOrder(db, &order, &inserted, why))
            return std::nullopt;
        if (!inserted) {
            std::optional<store::Order> existing;
            if (!store::loadOrder(db, order.merchantId, order.orderNo, false, &existing, why) || !existing)
                return std::nullopt;
            if (existing->paymentNo != order.paymentNo)
                return Problem::conflict(QStringLiteral("ORDER_EXISTS"),
                                         QStringLiteral("order %1 of merchant %2 belongs to payment %3")
                                             .arg(order.orderNo, order.merchantId, existing->paymentNo))
                    .toResponse(request.trace.traceId);
            return detailsResponse(db, *existing, 200, why);
        }
        const store::LogEntry log{QStringLiteral("create"), {},
                                  order.state.status,       {},
                                  order.state.payStatus,    QStringLiteral("system"),
                                  request.principal.id,     {}};
        if (!store::appendLog(db, order.id, log, why) ||
            outbox::append(db, orderEvent(order, QStringLiteral("order.created"), {}), why) < 0)
            return std::nullopt;
        return detailsResponse(db, order, 201, why);
    });
}

// What a transition route was asked: the fields its action takes.
struct ChangeRequest
{
    OrderAction action;
    QString merchantId;
    QString orderNo;
    QString paymentNo; // pay
    QString reason;    // cancel, fail
    QString refundNo;  // refund
    qint64 refundMinor = 0;
};

// The answer to a transition that is not applied: the order again for a replay, else the problem.
std::optional<HttpResponse> refusal(QSqlDatabase &db, const HttpRequest &request, const store::Order &order,
                                    const ChangeRequest &asked, Transition::Kind kind, QString *why)
{
    switch (kind) {
    case Transition::Kind::Apply:
        break;
    case Transition::Kind::Replay:
        return detailsResponse(db, order, 200, why);
    case Transition::Kind::Illegal: {
        Problem problem =
            Problem::conflict(QStringLiteral("INVALID_ORDER_TRANSITION"),
                              QStringLiteral("cannot %1 an order that is %2 (pay_status %3)")
                                  .arg(actionName(asked.action), order.state.status, order.state.payStatus));
        problem.extra.insert(QStringLiteral("status"), order.state.status);
        problem.extra.insert(QStringLiteral("pay_status"), order.state.payStatus);
        return problem.toResponse(request.trace.traceId);
    }
    case Transition::Kind::PaymentMismatch:
        return Problem::conflict(
                   QStringLiteral("PAYMENT_NO_MISMATCH"),
                   QStringLiteral("order %1 belongs to payment %2").arg(order.orderNo, order.paymentNo))
            .toResponse(request.trace.traceId);
    case Transition::Kind::RefundTooLarge:
    case Transition::Kind::BadAmount:
        return Problem{422,
                       QStringLiteral("REFUND_EXCEEDS_AMOUNT"),
                       QStringLiteral("Refund exceeds the order amount"),
                       QStringLiteral("%1 refunded of %2; %3 more is too much")
                           .arg(order.state.refundedMinor)
                           .arg(order.amountMinor)
                           .arg(asked.refundMinor),
                       {}}
            .toResponse(request.trace.traceId);
    }
    return std::nullopt;
}

// A refund_no seen before: the same refund again answers the order, other values conflict.
// nullopt (and *why empty) when the refund is new and now recorded.
std::optional<HttpResponse> recordRefund(QSqlDatabase &db, const HttpRequest &request,
                                         const store::Order &order, const ChangeRequest &asked, QString *why)
{
    bool inserted = false;
    qint64 existingOrder = 0;
    qint64 existingAmount = 0;
    if (!store::insertRefund(db, asked.refundNo, order.id, asked.refundMinor, &inserted, &existingOrder,
                             &existingAmount, why))
        return std::nullopt;
    if (inserted)
        return std::nullopt;
    if (existingOrder == order.id && existingAmount == asked.refundMinor)
        return detailsResponse(db, order, 200, why);
    return Problem::conflict(QStringLiteral("REFUND_CONFLICT"),
                             QStringLiteral("refund %1 was applied with other values").arg(asked.refundNo))
        .toResponse(request.trace.traceId);
}

// Saves the new state, its order_logs row and its order.events event (one transaction, the row
// locked by the caller) and answers the order as it is now.
std::optional<HttpResponse> apply(QSqlDatabase &db, const HttpRequest &request, store::Order order,
                                  const ChangeRequest &asked, const Transition &t, QString *why)
{
    const OrderState before = order.state;
    order.state = t.after;
    if (!asked.reason.isEmpty())
        order.closeReason = asked.reason;
    QString remark = asked.reason;
    QJsonObject extra{{QStringLiteral("old_status"), before.status},
                      {QStringLiteral("old_pay_status"), before.payStatus}};
    if (asked.action == OrderAction::Refund) {
        remark = QStringLiteral("refund %1: %2").arg(asked.refundNo).arg(asked.refundMinor);
        extra.insert(QStringLiteral("refund_no"), asked.refundNo);
        extra.insert(QStringLiteral("refund_amount_minor"), asked.refundMinor);
    }
    if (!asked.reason.isEmpty())
        extra.insert(QStringLiteral("reason"), asked.reason);
    const store::LogEntry log{
        actionName(asked.action), before.status,        t.after.status, before.payStatus, t.after.payStatus,
        QStringLiteral("system"), request.principal.id, remark};
    std::optional<store::Order> saved;
    if (!store::saveTransition(db, order, asked.action, why) || !store::appendLog(db, order.id, log, why) ||
        !store::loadOrder(db, asked.merchantId, asked.orderNo, false, &saved, why) || !saved ||
        outbox::append(db, orderEvent(*saved, t.eventType, extra), why) < 0)
        return std::nullopt;
    return detailsResponse(db, *saved, 200, why);
}

HttpResponse change(ServiceRuntime &runtime, const HttpRequest &request, OrderAction action)
{
    if (auto bad = badPath(request))
        return *bad;
    ChangeRequest asked{action, request.pathParam(QStringLiteral("merchant_id")),
                        request.pathParam(QStringLiteral("order_no"))};
    BodyReader body(request);
    if (action == OrderAction::Pay)
        asked.paymentNo = body.string(QStringLiteral("payment_no"), {.required = true, .maxLength = 64});
    if (action == OrderAction::Cancel || action == OrderAction::Fail)
        asked.reason = body.string(QStringLiteral("reason"), {.maxLength = 500});
    if (action == OrderAction::Refund) {
        asked.refundNo = body.string(QStringLiteral("refund_no"), {.required = true, .maxLength = 64});
        asked.refundMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    }
    if (!body.ok())
        return body.problem();

    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::Order> order;
        if (!store::loadOrder(db, asked.merchantId, asked.orderNo, true, &order, why))
            return std::nullopt;
        if (!order)
            return orderNotFound(request, asked.merchantId, asked.orderNo);
        if (action == OrderAction::Refund) {
            if (auto answer = recordRefund(db, request, *order, asked, why))
                return answer;
            if (!why->isEmpty())
                return std::nullopt;
        }
        const Transition t = transition(order->state, action, asked.paymentNo, asked.refundMinor);
        if (t.kind != Transition::Kind::Apply)
            return refusal(db, request, *order, asked, t.kind, why);
        return apply(db, request, *order, asked, t, why);
    });
}
} // namespace internal_order_routes

HttpResponse orderDetails(ServiceRuntime &runtime, const HttpRequest &request)
{
    using namespace internal_order_routes;
    if (auto bad = badPath(request))
        return *bad;
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    const QString orderNo = request.pathParam(QStringLiteral("order_no"));
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<store::Order> order;
        QString why;
        if (!store::loadOrder(db, merchantId, orderNo, false, &order, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        if (!order)
            return orderNotFound(request, merchantId, orderNo);
        const auto response = detailsResponse(db, *order, 200, &why);
        return response ? *response : Problem::internal(why).toResponse(request.trace.traceId);
    });
}

void addInternalOrderRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace internal_order_routes;
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/orders"),
         .handler = [&runtime](const HttpRequest &r) { return create(runtime, r); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary = QStringLiteral("Create an order (idempotent on merchant_id + order_no with the same "
                                   "payment_no; 409 ORDER_EXISTS otherwise)"),
         .successStatus = 201});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/internal/v1/orders/{merchant_id}/{order_no}"),
                .handler = [&runtime](const HttpRequest &r) { return orderDetails(runtime, r); },
                .access = Access::Internal,
                .summary = QStringLiteral("An order with items, refunds and logs")});
    const struct
    {
        const char *path;
        OrderAction action;
        const char *summary;
    } transitions[] = {
        {"pay", OrderAction::Pay, "pending → paid {payment_no} (idempotent)"},
        {"cancel", OrderAction::Cancel, "pending → cancelled {reason?}"},
        {"expire", OrderAction::Expire, "pending → expired"},
        {"fail", OrderAction::Fail, "pending → cancelled with pay_status failed {reason?}"},
        {"refund", OrderAction::Refund,
         "Apply a refund {refund_no, amount_minor} (idempotent on refund_no): partial_refunded or refunded"}};
    for (const auto &t : transitions) {
        const OrderAction action = t.action;
        router.add(
            {.method = "POST",
             .pattern =
                 QStringLiteral("/internal/v1/orders/{merchant_id}/{order_no}/") + QLatin1String(t.path),
             .handler = [&runtime, action](const HttpRequest &r) { return change(runtime, r, action); },
             .access = Access::Internal,
             .jsonBody = action != OrderAction::Expire, // takes no fields; an empty body is fine
             .summary = QString::fromUtf8(t.summary)});
    }
}

} // namespace paydesk::services::orders
