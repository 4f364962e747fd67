#include "services/order-service/store/OrderStore.h"

#include "platform/db/SqlValues.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::orders::store {

using platform::sql::exec;
using namespace platform::sql;

namespace order_store {
const char *const kColumns =
    "id, merchant_id, order_no, payment_no, amount_minor, currency, COALESCE(description, ''), "
    "COALESCE(customer_email, ''), COALESCE(customer_name, ''), status, pay_status, refunded_minor, "
    "COALESCE(close_reason, ''), created_at, updated_at, paid_at, cancelled_at, expired_at, refunded_at";
Order orderFrom(const QSqlQuery &q)
{
    Order o;
    o.id = q.value(0).toLongLong();
    o.merchantId = q.value(1).toString();
    o.orderNo = q.value(2).toString();
    o.paymentNo = q.value(3).toString();
    o.amountMinor = q.value(4).toLongLong();
    o.currency = q.value(5).toString();
    o.description = q.value(6).toString();
    o.customerEmail = q.value(7).toString();
    o.customerName = q.value(8).toString();
    o.state = {q.value(9).toString(), q.value(10).toString(), o.amountMinor, q.value(11).toLongLong(),
               o.paymentNo};
    o.closeReason = q.value(12).toString();
    o.createdAt = q.value(13).toDateTime();
    o.updatedAt = q.value(14).toDateTime();
    o.paidAt = q.value(15).toDateTime();
    o.cancelledAt = q.value(16).toDateTime();
    o.expiredAt = q.value(17).toDateTime();
    o.refundedAt = q.value(18).toDateTime();
    return o;
}
} // namespace order_store

using namespace order_store;

QJsonObject OrderItem::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("sku"), jsonText(sku)},
            {QStringLiteral("quantity"), quantity},
            {QStringLiteral("unit_price_minor"), unitPriceMinor},
            {QStringLiteral("total_minor"), quantity * unitPriceMinor}};
}

QJsonObject Order::toJson() const
{
    QJsonObject o{{QStringLiteral("order_no"), orderNo},
                  {QStringLiteral("merchant_id"), merchantId},
                  {QStringLiteral("payment_no"), paymentNo},
                  {QStringLiteral("amount_minor"), amountMinor},
                  {QStringLiteral("currency"), currency},
                  {QStringLiteral("description"), jsonText(description)},
                  {QStringLiteral("customer_email"), jsonText(customerEmail)},
                  {QStringLiteral("customer_name"), jsonText(customerName)},
                  {QStringLiteral("status"), state.status},
                  {QStringLiteral("pay_status"), state.payStatus},
                  {QStringLiteral("refunded_minor"), state.refundedMinor},
                  {QStringLiteral("close_reason"), jsonText(closeReason)},
                  {QStringLiteral("created_at"), jsonTime(createdAt)},
                  {QStringLiteral("updated_at"), jsonTime(updatedAt)},
                  {QStringLiteral("paid_at"), jsonTime(paidAt)},
                  {QStringLiteral("cancelled_at"), jsonTime(cancelledAt)},
                  {QStringLiteral("expired_at"), jsonTime(expiredAt)},
                  {QStringLiteral("refunded_at"), jsonTime(refundedAt)}};
    return o;
}

bool insertOrder(QSqlDatabase &db, Order *order, bool *inserted, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("INSERT INTO orders (merchant_id, order_no, payment_no, amount_minor, currency, "
                             "description, customer_email, customer_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (merchant_id, order_no) DO NOTHING RETURNING %1")
                  .arg(QLatin1String(kColumns)),
              {order->merchantId, order->orderNo, order->paymentNo, order->amountMinor, order->currency,
               nullableText(order->description), nullableText(order->customerEmail),
               nullableText(order->customerName)},
              error))
        return false;
    *inserted = q.next();
    if (!*inserted)
        return true;
    const QList<OrderItem> items = order->items;
    *order = orderFrom(q);
    order->items = items;
    for (const OrderItem &item : items) {
        if (!exec(q,
                  QStringLiteral("INSERT INTO order_items (order_id, name, sku, quantity, unit_price_minor, "
                                 "total_minor) VALUES (?, ?, ?, ?, ?, ?)"),
                  {order->id, item.name, nullableText(item.sku), item.quantity, item.unitPriceMinor,
                   item.quantity * item.unitPriceMinor},
                  error))
            return false;
    }
    return true;
}

bool loadOrder(QSqlDatabase &db, const QString &merchantId, const QString &orderNo, bool forUpdate,
               std::optional<Order> *order, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM orders WHERE merchant_id = ? AND order_no = ?%2")
                  .arg(QLatin1String(kColumns), forUpdate ? QStringLiteral(" FOR UPDATE") : QString()),
              {merchantId, orderNo}, error))
        return false;
    *order = q.next() ? std::optional<Order>(orderFrom(q)) : std::nullopt;
    return true;
}

bool saveTransition(QSqlDatabase &db, const Order &order, OrderAction action, QString *error)
{
    const char *column = "refunded_at";
    switch (action) {
    case OrderAction::Pay:
        column = "paid_at";
        break;
    case OrderAction::Cancel:
    case OrderAction::Fail:
        column = "cancelled_at";
        break;
    case OrderAction::Expire:
        column = "expired_at";
        break;
    case OrderAction::Refund:
        break;
    }
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE orders SET status = ?, pay_status = ?, refunded_minor = ?, "
                               "close_reason = COALESCE(?, close_reason), %1 = now(), updated_at = now() "
                               "WHERE id = ?")
                    .arg(QLatin1String(column)),
                {order.state.status, order.state.payStatus, order.state.refundedMinor,
                 nullableText(order.closeReason), order.id},
                error);
}

bool appendLog(QSqlDatabase &db, qint64 orderId, const LogEntry &entry, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO order_logs (order_id, action, old_status, new_status, old_pay_status, "
                       "new_pay_status, operator_type, operator_id, remark) VALUES (?, ?, ?, ?, ?, ?, ?, "
                       "?, ?)"),
        {orderId, entry.action, nullableText(entry.oldStatus), entry.newStatus,
         nullableText(entry.oldPayStatus), entry.newPayStatus, entry.operatorType,
         nullableText(entry.operatorId), nullableText(entry.remark)},
        error);
}

bool insertRefund(QSqlDatabase &db, const QString &refundNo, qint64 orderId, qint64 amountMinor,
                  bool *inserted, qint64 *existingOrderId, qint64 *existingAmount, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("INSERT INTO order_refunds (refund_no, order_id, amount_minor) VALUES (?, ?, ?) "
                             "ON CONFLICT (refund_no) DO NOTHING RETURNING refund_no"),
              {refundNo, orderId, amountMinor}, error))
        return false;
    *inserted = q.next();
    if (*inserted)
        return true;
    if (!exec(q, QStringLiteral("SELECT order_id, amount_minor FROM order_refunds WHERE refund_no = ?"),
              {refundNo}, error))
        return false;
    if (q.next()) {
        *existingOrderId = q.value(0).toLongLong();
        *existingAmount = q.value(1).toLongLong();
    }
    return true;
}

bool loadDetails(QSqlDatabase &db, qint64 orderId, QJsonObject *json, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT name, COALESCE(sku, ''), quantity, unit_price_minor FROM order_items "
                             "WHERE order_id = ? ORDER BY id"),
              {orderId}, error))
        return false;
    QJsonArray items;
    while (q.next())
        items.append(OrderItem{q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(),
                               q.value(3).toLongLong()}
                         .toJson());
    if (!exec(
            q,
            QStringLiteral("SELECT refund_no, amount_minor, created_at FROM order_refunds WHERE order_id = ? "
                           "ORDER BY created_at, refund_no"),
            {orderId}, error))
        return false;
    QJsonArray refunds;
    while (q.next())
        refunds.append(QJsonObject{{QStringLiteral("refund_no"), q.value(0).toString()},
                                   {QStringLiteral("amount_minor"), q.value(1).toLongLong()},
                                   {QStringLiteral("at"), jsonTime(q.value(2).toDateTime())}});
    if (!exec(q,
              QStringLiteral(
                  "SELECT action, old_status, new_status, old_pay_status, new_pay_status, operator_type, "
                  "operator_id, remark, created_at FROM order_logs WHERE order_id = ? ORDER BY id"),
              {orderId}, error))
        return false;
    QJsonArray logs;
    while (q.next())
        logs.append(QJsonObject{{QStringLiteral("action"), q.value(0).toString()},
                                {QStringLiteral("old_status"), jsonText(q.value(1).toString())},
                                {QStringLiteral("new_status"), q.value(2).toString()},
                                {QStringLiteral("old_pay_status"), jsonText(q.value(3).toString())},
                                {QStringLiteral("new_pay_status"), q.value(4).toString()},
                                {QStringLiteral("operator_type"), q.value(5).toString()},
                                {QStringLiteral("operator_id"), jsonText(q.value(6).toString())},
                                {QStringLiteral("remark"), jsonText(q.value(7).toString())},
                                {QStringLiteral("at"), jsonTime(q.value(8).toDateTime())}});
    json->insert(QStringLiteral("items"), items);
    json->insert(QStringLiteral("refunds"), refunds);
    json->insert(QStringLiteral("logs"), logs);
    return true;
}

bool listOrders(QSqlDatabase &db, const OrderFilter &filter, QJsonArray *orders, qint64 *total,
                QString *error)
{
    QStringList where{QStringLiteral("TRUE")};
    QVariantList values;
    auto equals = [&](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        where.append(QLatin1String(column) + QStringLiteral(" = ?"));
        values.append(value);
    };
    equals("merchant_id", filter.merchantId);
    equals("status", filter.status);
    equals("pay_status", filter.payStatus);
    if (filter.from.isValid()) {
        where.append(QStringLiteral("created_at >= ?::timestamptz"));
        values.append(filter.from.toUTC().toString(Qt::ISODateWithMs));
    }
    if (filter.to.isValid()) {
        where.append(QStringLiteral("created_at < ?::timestamptz"));
        values.append(filter.to.toUTC().toString(Qt::ISODateWithMs));
    }
    if (!filter.q.isEmpty()) {
        // Exact numbers first-class; e-mail and description by substring (case-insensitive).
        QString pattern = filter.q;
        pattern.replace(u'\\', QStringLiteral("\\\\"))
            .replace(u'%', QStringLiteral("\\%"))
            .replace(u'_', QStringLiteral("\\_"));
        pattern = u'%' + pattern + u'%';
        where.append(
            QStringLiteral("(order_no = ? OR payment_no = ? OR customer_email ILIKE ? OR description "
                           "ILIKE ?)"));
        values << filter.q << filter.q << pattern << pattern;
    }
    const QString clause = where.join(QStringLiteral(" AND "));
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM orders WHERE ") + clause, values, error))
        return false;
    *total = q.next() ? q.value(0).toLongLong() : 0;
    if (!exec(q,
              QStringLiteral(
                  "SELECT %1 FROM orders WHERE %2 ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                  .arg(QLatin1String(kColumns), clause),
              values + QVariantList{filter.limit, filter.offset}, error))
        return false;
    while (q.next())
        orders->append(orderFrom(q).toJson());
    return true;
}

} // namespace paydesk::services::orders::store
