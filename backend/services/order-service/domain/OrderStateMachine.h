#pragma once
// The order lifecycle of the payment flow (contract docs/contracts/payment-flow.md, spec §4.4):
// pending → paid → refunded, pending → cancelled | expired, pending → cancelled with pay_status
// failed. Pure, so that every legal and illegal transition is unit-tested.

#include <QString>
#include <QStringList>

namespace paydesk::services::orders {

struct OrderState
{
    QString status = QStringLiteral("pending");    // pending | paid | cancelled | expired | refunded
    QString payStatus = QStringLiteral("pending"); // pending | paid | failed | refunded | partial_refunded
    qint64 amountMinor = 0;
    qint64 refundedMinor = 0;
    QString paymentNo;
};

enum class OrderAction { Pay, Cancel, Expire, Fail, Refund };
QString actionName(OrderAction action); // pay | cancel | expire | fail | refund (order_logs.action)

struct Transition
{
    enum class Kind {
        Apply,           // `after` is the new state; log it and emit `eventType`
        Replay,          // already in the asked state: answer 200, change nothing
        Illegal,         // 409 INVALID_ORDER_TRANSITION
        PaymentMismatch, // pay with another payment_no: 409 PAYMENT_NO_MISMATCH
        RefundTooLarge,  // refunded_minor would exceed the amount: 422 REFUND_EXCEEDS_AMOUNT
        BadAmount,       // refund amount below 1: 422
    };
    Kind kind = Kind::Illegal;
    OrderState after;
    QString eventType; // order.paid | order.cancelled | order.expired | order.refunded
};

// `paymentNo` for Pay, `refundMinor` for Refund (a new refund_no; replays of a known refund_no
// are answered before this is asked).
Transition transition(const OrderState &before, OrderAction action, const QString &paymentNo = {},
                      qint64 refundMinor = 0);

const QStringList &orderStatuses();
const QStringList &payStatuses();

} // namespace paydesk::services::orders
