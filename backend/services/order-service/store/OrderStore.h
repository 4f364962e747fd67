#pragma once
// SQL for payment_order (migrations/0001_orders.sql). Every function runs on the caller's
// connection, inside the caller's transaction, and returns false with *error on a database error.
// Worker threads only.

#include "services/order-service/domain/OrderStateMachine.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>

#include <optional>

namespace paydesk::services::orders::store {

struct OrderItem
{
    QString name;
    QString sku;
    qint64 quantity = 1;
    qint64 unitPriceMinor = 0;
    QJsonObject toJson() const;
};

struct Order
{
    qint64 id = 0;
    QString merchantId;
    QString orderNo;
    QString paymentNo;
    qint64 amountMinor = 0;
    QString currency;
    QString description;
    QString customerEmail;
    QString customerName;
    OrderState state;
    QString closeReason;
    QDateTime createdAt, updatedAt, paidAt, cancelledAt, expiredAt, refundedAt;
    QList<OrderItem> items; // filled on insert and by loadDetails
    QJsonObject toJson() const;
};

struct LogEntry
{
    QString action;
    QString oldStatus, newStatus, oldPayStatus, newPayStatus;
    QString operatorType = QStringLiteral("system");
    QString operatorId;
    QString remark;
};

// Inserts the order and its items; *inserted false when (merchant_id, order_no) exists (a
// concurrent create waits for the first to commit).
bool insertOrder(QSqlDatabase &db, Order *order, bool *inserted, QString *error);
// forUpdate: SELECT … FOR UPDATE, so that concurrent transitions of one order serialise.
bool loadOrder(QSqlDatabase &db, const QString &merchantId, const QString &orderNo, bool forUpdate,
               std::optional<Order> *order, QString *error);
// Writes status, pay_status, refunded_minor, close_reason and the time column of the action.
bool saveTransition(QSqlDatabase &db, const Order &order, OrderAction action, QString *error);
bool appendLog(QSqlDatabase &db, qint64 orderId, const LogEntry &entry, QString *error);

// *inserted false when refund_no is known; then *existingOrderId / *existingAmount describe it.
bool insertRefund(QSqlDatabase &db, const QString &refundNo, qint64 orderId, qint64 amountMinor,
                  bool *inserted, qint64 *existingOrderId, qint64 *existingAmount, QString *error);

// Items, refunds and logs of the order, as JSON arrays added to `json`.
bool loadDetails(QSqlDatabase &db, qint64 orderId, QJsonObject *json, QString *error);

struct OrderFilter
{
    QString merchantId, status, payStatus, q;
    QDateTime from, to; // created_at in [from, to)
    int limit = 20;
    int offset = 0;
};
bool listOrders(QSqlDatabase &db, const OrderFilter &filter, QJsonArray *orders, qint64 *total,
                QString *error);

} // namespace paydesk::services::orders::store
