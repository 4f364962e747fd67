#include "services/order-service/domain/OrderStateMachine.h"

namespace paydesk::services::orders {

QString actionName(OrderAction action)
{
    switch (action) {
    case OrderAction::Pay:
        return QStringLiteral("pay");
    case OrderAction::Cancel:
        return QStringLiteral("cancel");
    case OrderAction::Expire:
        return QStringLiteral("expire");
    case OrderAction::Fail:
        return QStringLiteral("fail");
    case OrderAction::Refund:
        break;
    }
    return QStringLiteral("refund");
}

const QStringList &orderStatuses()
{
    static const QStringList kStatuses{QStringLiteral("pending"), QStringLiteral("paid"),
                                       QStringLiteral("cancelled"), QStringLiteral("expired"),
                                       QStringLiteral("refunded")};
    return kStatuses;
}

const QStringList &payStatuses()
{
    static const QStringList kStatuses{QStringLiteral("pending"), QStringLiteral("paid"),
                                       QStringLiteral("failed"), QStringLiteral("refunded"),
                                       QStringLiteral("partial_refunded")};
    return kStatuses;
}

Transition transition(const OrderState &before, OrderAction action, const QString &paymentNo,
                      qint64 refundMinor)
{
    Transition t;
    t.after = before;
    const bool pending = before.status == QLatin1String("pending");
    auto apply = [&](const QString &status, const QString &payStatus, const QString &event) {
        t.kind = Transition::Kind::Apply;
        t.after.status = status;
        t.after.payStatus = payStatus;
        t.eventType = event;
        return t;
    };
    auto replayIf = [&](bool same) {
        t.kind = same ? Transition::Kind::Replay : Transition::Kind::Illegal;
        return t;
    };
    switch (action) {
    case OrderAction::Pay:
        if (!paymentNo.isEmpty() && paymentNo != before.paymentNo) {
            t.kind = Transition::Kind::PaymentMismatch;
            return t;
        }
        if (pending)
            return apply(QStringLiteral("paid"), QStringLiteral("paid"), QStringLiteral("order.paid"));
        // A repeated pay of the same payment; refunds since then do not make it illegal.
        return replayIf(before.status == QLatin1String("paid") || before.status == QLatin1String("refunded"));
    case OrderAction::Cancel:
        if (pending)
            return apply(QStringLiteral("cancelled"), before.payStatus, QStringLiteral("order.cancelled"));
        return replayIf(before.status == QLatin1String("cancelled") &&
                        before.payStatus != QLatin1String("failed"));
    case OrderAction::Fail:
        if (pending)
            return apply(QStringLiteral("cancelled"), QStringLiteral("failed"),
                         QStringLiteral("order.cancelled"));
        return replayIf(before.status == QLatin1String("cancelled") &&
                        before.payStatus == QLatin1String("failed"));
    case OrderAction::Expire:
        if (pending)
            return apply(QStringLiteral("expired"), before.payStatus, QStringLiteral("order.expired"));
        return replayIf(before.status == QLatin1String("expired"));
    case OrderAction::Refund:
        if (before.payStatus != QLatin1String("paid") &&
            before.payStatus != QLatin1String("partial_refunded"))
            return t; // Illegal
        if (refundMinor < 1) {
            t.kind = Transition::Kind::BadAmount;
            return t;
        }
        if (refundMinor > before.amountMinor - before.refundedMinor) {
            t.kind = Transition::Kind::RefundTooLarge;
            return t;
        }
        t.after.refundedMinor = before.refundedMinor + refundMinor;
        if (t.after.refundedMinor == before.amountMinor)
            return apply(QStringLiteral("refunded"), QStringLiteral("refunded"),
                         QStringLiteral("order.refunded"));
        return apply(before.status, QStringLiteral("partial_refunded"), QStringLiteral("order.refunded"));
    }
    return t;
}

} // namespace paydesk::services::orders
