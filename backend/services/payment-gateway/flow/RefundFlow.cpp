#include "services/payment-gateway/flow/RefundFlow.h"

#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"

#include <QElapsedTimer>

namespace paydesk::services::gateway {

using namespace platform;

HttpResponse createRefund(Gateway &gateway, const HttpRequest &request, const RefundCommand &c)
{
    QElapsedTimer clock;
    clock.start();
    Refund refund;
    QList<qint64> taskIds;
    QString refusal = QStringLiteral("invalid_status");
    const HttpResponse reserved = transact(
        gateway.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<Payment> payment;
            qint64 reservedMinor = 0;
            if (!store::loadPayment(db, c.paymentNo, c.merchantId, true, &payment, why))
                return std::nullopt;
            if (!payment)
                return notFound(request, QStringLiteral("PAYMENT_NOT_FOUND"),
                                QStringLiteral("no payment %1").arg(c.paymentNo));
            if (!store::reservedRefundMinor(db, c.paymentNo, &reservedMinor, why))
                return std::nullopt;
            switch (checkRefund(payment->status, payment->capturedMinor, reservedMinor, c.amountMinor)) {
            case RefundVerdict::PaymentNotRefundable:
                return respond(
                    request,
                    Problem{422,
                            QStringLiteral("PAYMENT_NOT_REFUNDABLE"),
                            QStringLiteral("Payment not refundable"),
                            QStringLiteral("only a successful payment can be refunded; this one is %1")
                                .arg(toString(payment->status)),
                            {{QStringLiteral("status"), toString(payment->status)}}});
            case RefundVerdict::ExceedsRemaining: {
                refusal = QStringLiteral("amount_exceeded");
                return respond(request,
                               Problem{422,
                                       QStringLiteral("REFUND_EXCEEDS_REMAINING"),
                                       QStringLiteral("Refund exceeds the remaining amount"),
                                       QStringLiteral("at most %1 minor units of %2 can still be refunded")
                                           .arg(refundableMinor(payment->capturedMinor, reservedMinor))
                                           .arg(payment->currency),
                                       {{QStringLiteral("remaining_minor"),
                                         refundableMinor(payment->capturedMinor, reservedMinor)}}});
            }
            case RefundVerdict::Allowed:
                break;
            }
            refund.refundNo = newRefundNo();
            refund.paymentNo = payment->paymentNo;
            refund.merchantId = payment->merchantId;
            refund.amountMinor = c.amountMinor;
            refund.currency = payment->currency;
            refund.status = RefundStatus::Pending;
            refund.reason = c.reason;
            refund.operatorType = c.operatorType;
            refund.operatorId = c.operatorId;
            qint64 id = 0;
            if (!store::insertRefund(db, refund, why) ||
                !store::appendTimeline(db, refund.paymentNo,
                                       {{QStringLiteral("refund"),
                                         QStringLiteral("refund_requested"),
                                         {},
                                         {},
                                         QJsonObject{{QStringLiteral("refund_no"), refund.refundNo},
                                                     {QStringLiteral("amount_minor"), refund.amountMinor},
                                                     {QStringLiteral("operator_type"), refund.operatorType},
                                                     {QStringLiteral("reason"), refund.reason}},
                                         {}}},
                                       why, request.trace.traceId) ||
                !store::appendTask(db, refund.paymentNo, task::kChannelRefund,
                                   {{QStringLiteral("refund_no"), refund.refundNo}}, &id, why))
                return std::nullopt;
            if (c.inTransaction && !c.inTransaction(db, refund, why))
                return std::nullopt;
            taskIds.append(id);
            return HttpResponse::json(refund.toJson(), 201);
        });
    if (!reserved.isSuccess()) {
        if (reserved.status < 500)
            gateway.metrics.refund(refusal, QStringLiteral("none"), c.amountMinor);
        return reserved;
    }
    runFollowUps(gateway, taskIds, &request);

    // The refund as it stands after the channel's answer (or still pending when it did not come).
    QString error;
    std::optional<Refund> current;
    QSqlDatabase db = gateway.runtime.database().connection(&error);
    Database::Use use(gateway.runtime.database());
    if (!db.isOpen() || !store::loadRefund(db, refund.refundNo, {}, false, &current, &error) || !current)
        return reserved;
    gateway.metrics.duration(QStringLiteral("refund"), toString(current->status), clock.elapsed() / 1000.0);
    HttpResponse response = HttpResponse::json(current->toJson(), 201);
    response.audited = reserved.audited;
    return response;
}

std::optional<QString> executeChannelRefund(Gateway &gateway, const QString &refundNo,
                                            const HttpRequest *parent)
{
    QString error;
    std::optional<Refund> refund;
    {
        QSqlDatabase db = gateway.runtime.database().connection(&error);
        Database::Use use(gateway.runtime.database());
        if (!db.isOpen() || !store::loadRefund(db, refundNo, {}, false, &refund, &error))
            return error;
    }
    if (!refund || refund->status != RefundStatus::Pending)
        return std::nullopt; // answered already (or by callback): nothing to send
    const HttpResponse answer = gateway.call(parent, QStringLiteral("channel-adapter"), "POST",
                                             QStringLiteral("/internal/v1/channel/refunds"),
                                             {{QStringLiteral("refund_no"), refund->refundNo},
                                              {QStringLiteral("payment_no"), refund->paymentNo},
                                              {QStringLiteral("amount_minor"), refund->amountMinor},
                                              {QStringLiteral("currency"), refund->currency}});
    if (isTransient(answer))
        return QStringLiteral("channel refund: HTTP %1").arg(answer.status);
    const QJsonObject body = answer.jsonObject();
    const QString status =
        answer.isSuccess() ? body.value(QStringLiteral("status")).toString() : QStringLiteral("failed");
    const QString code = answer.isSuccess() ? body.value(QStringLiteral("decline_code")).toString()
                                            : body.value(QStringLiteral("code")).toString();
    bool applied = false;
    if (!applyRefundResult(gateway, refundNo, status,
                           body.value(QStringLiteral("channel_refund_no")).toString(), code,
                           QStringLiteral("channel_refund"), &applied, &error))
        return error;
    return std::nullopt;
}

bool applyRefundResult(Gateway &gateway, const QString &refundNo, const QString &channelStatus,
                       const QString &channelRefundNo, const QString &declineCode, const QString &source,
                       bool *applied, QString *error)
{
    RefundStatus to = RefundStatus::Failed;
    if (channelStatus == QStringLiteral("succeeded"))
        to = RefundStatus::Success;
    else if (channelStatus == QStringLiteral("pending") || channelStatus == QStringLiteral("processing"))
        to = RefundStatus::Processing;
    QList<qint64> taskIds;
    std::optional<Refund> refund;
    QSqlDatabase db = gateway.runtime.database().connection(error);
    if (!db.isOpen())
        return false;
    {
        Database::Use use(gateway.runtime.database());
        const bool committed = inTransaction(
            db,
            [&](QString *why) {
                *applied = false;
                std::optional<Payment> payment;
                if (!store::loadRefund(db, refundNo, {}, true, &refund, why))
                    return false;
                if (!refund)
                    return true; // not ours: nothing to apply
                if (!canTransition(refund->status, to))
                    return true; // a duplicate answer: nothing changes
                if (!store::loadPayment(db, refund->paymentNo, {}, true, &payment, why) || !payment)
                    return false;
                const RefundStatus from = refund->status;
                refund->status = to;
                refund->channelRefundNo =
                    channelRefundNo.isEmpty() ? refund->channelRefundNo : channelRefundNo;
                if (to == RefundStatus::Failed)
                    refund->errorCode = declineCode.isEmpty() ? QStringLiteral("refund_failed") : declineCode;
                if (to == RefundStatus::Success)
                    refund->refundedAt = QDateTime::currentDateTimeUtc();
                if (!store::saveRefund(db, *refund, from, applied, why))
                    return false;
                if (!*applied)
                    return true;
                QJsonObject detail{{QStringLiteral("refund_no"), refundNo},
                                   {QStringLiteral("amount_minor"), refund->amountMinor},
                                   {QStringLiteral("source"), source}};
                if (!refund->errorCode.isEmpty())
                    detail.insert(QStringLiteral("error_code"), refund->errorCode);
                if (!store::appendTimeline(db, refund->paymentNo,
                                           {{QStringLiteral("refund"),
                                             QStringLiteral("refund_result"),
                                             toString(from),
                                             toString(to),
                                             detail,
                                             {}}},
                                           why))
                    return false;
                if (to == RefundStatus::Processing)
                    return true;
                if (to == RefundStatus::Success) {
                    payment->refundedMinor += refund->amountMinor;
                    qint64 id = 0;
                    if (!store::addRefunded(db, payment->paymentNo, refund->amountMinor, why) ||
                        !store::appendTask(
                            db, payment->paymentNo, task::kOrderRefund,
                            orderFollowUp(task::kOrderRefund, *payment,
                                          {{QStringLiteral("refund_no"), refundNo},
                                           {QStringLiteral("amount_minor"), refund->amountMinor}})
                                .payload,
                            &id, why))
                        return false;
                    taskIds.append(id);
                }
                const QString type = to == RefundStatus::Success ? QStringLiteral("refund.success")
                                                                 : QStringLiteral("refund.failed");
                return outbox::append(db, paymentEvent(*payment, type, &*refund), why) > 0;
            },
            error);
        if (!committed)
            return false;
    }
    if (*applied && refund) {
        gateway.runtime.kickOutbox();
        if (to != RefundStatus::Processing)
            gateway.metrics.refund(toString(to), refund->currency, refund->amountMinor);
    }
    runFollowUps(gateway, taskIds, nullptr);
    return true;
}

} // namespace paydesk::services::gateway
