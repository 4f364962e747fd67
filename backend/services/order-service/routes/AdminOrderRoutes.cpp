// Admin views of orders (order.view): the filtered, paged list and one order with its log.

#include "services/order-service/routes/OrderRoutes.h"
#include "services/order-service/store/OrderStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"

namespace paydesk::services::orders {

using namespace platform;

namespace admin_order_routes {

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    store::OrderFilter filter;
    filter.merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"), QUrl::FullyDecoded);
    filter.status = request.query.queryItemValue(QStringLiteral("status"), QUrl::FullyDecoded);
    filter.payStatus = request.query.queryItemValue(QStringLiteral("pay_status"), QUrl::FullyDecoded);
    filter.q = request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded).trimmed();
    QStringList errors;
    if (!filter.status.isEmpty() && !orderStatuses().contains(filter.status))
        errors.append(QStringLiteral("status must be one of %1").arg(orderStatuses().join(u',')));
    if (!filter.payStatus.isEmpty() && !payStatuses().contains(filter.payStatus))
        errors.append(QStringLiteral("pay_status must be one of %1").arg(payStatuses().join(u',')));
    const struct
    {
        const char *name;
        QDateTime *out;
    } times[] = {{"from", &filter.from}, {"to", &filter.to}};
    for (const auto &t : times) {
        const QString value = request.query.queryItemValue(QLatin1String(t.name), QUrl::FullyDecoded);
        if (value.isEmpty())
            continue;
        // A date alone means its first instant (UTC); `to` is exclusive.
        *t.out = value.size() == 10 ? QDateTime(QDate::fromString(value, Qt::ISODate), QTime(0, 0), Qt::UTC)
                                    : QDateTime::fromString(value, Qt::ISODateWithMs);
        if (!t.out->isValid())
            errors.append(QLatin1String(t.name) + QStringLiteral(" must be an ISO 8601 date or time"));
    }
    if (!errors.isEmpty())
        return Problem::validation(errors.join(QStringLiteral("; "))).toResponse(request.trace.traceId);
    filter.limit = page.pageSize;
    filter.offset = page.offset();
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QJsonArray items;
        qint64 total = 0;
        QString why;
        if (!store::listOrders(db, filter, &items, &total, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        return HttpResponse::json(page.wrap(items, total));
    });
}
} // namespace admin_order_routes

void addAdminOrderRoutes(Router &router, ServiceRuntime &runtime)
{
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/orders"),
                .handler = [&runtime](const HttpRequest &r) { return admin_order_routes::list(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("order.view"),
                .summary = QStringLiteral(
                    "Orders, newest first (filters merchant_id, status, pay_status, from, to, q; paging)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/orders/{merchant_id}/{order_no}"),
                .handler = [&runtime](const HttpRequest &r) { return orderDetails(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("order.view"),
                .summary = QStringLiteral("One order with items, refunds and logs")});
}

} // namespace paydesk::services::orders
