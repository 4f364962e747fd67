// Channel callbacks: verified by channel-adapter, then applied under the payment's (or refund's)
// row lock, once.

#include "services/payment-gateway/flow/PaymentActions.h"
#include "services/payment-gateway/flow/RefundFlow.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"

#include <QUrl>

namespace paydesk::services::gateway {

using namespace platform;

namespace {
// A verified payment result from the channel, applied to an open payment under its row lock.
HttpResponse applyPaymentCallback(Gateway &gateway, const HttpRequest &request, const QString &channel,
                                  const QJsonObject &verified)
{
    const QString paymentNo = verified.value(QStringLiteral("payment_no")).toString();
    const std::optional<ChannelOutcome> outcome =
        channelOutcome(verified.value(QStringLiteral("status")).toString());
    QList<qint64> taskIds;
    bool applied = false;
    QString current;
    const HttpResponse response = transact(
        gateway.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<Payment> payment;
            if (!store::loadPayment(db, paymentNo, {}, true, &payment, why))
                return std::nullopt;
            const bool open = payment && (payment->status == PaymentStatus::Pending ||
                                          payment->status == PaymentStatus::Processing);
            if (open && outcome && *outcome != ChannelOutcome::Pending) {
                Payment &p = *payment;
                const PaymentStatus from = p.status;
                p.status = statusAfter(*outcome);
                p.channelTradeNo =
                    verified.value(QStringLiteral("channel_trade_no")).toString(p.channelTradeNo);
                QList<FollowUp> followUps;
                if (p.status == PaymentStatus::Success) {
                    p.capturedMinor = p.amountMinor;
                    p.channelFeeMinor =
                        verified.value(QStringLiteral("fee_minor")).toInteger(p.channelFeeMinor);
                    p.paidAt = QDateTime::currentDateTimeUtc();
                    followUps.append(
                        orderFollowUp(task::kOrderPay, p, {{QStringLiteral("payment_no"), p.paymentNo}}));
                } else if (p.status == PaymentStatus::Authorized) {
                    p.authorizationExpiresAt =
                        QDateTime::currentDateTimeUtc().addDays(gateway.preAuthorizationDays);
                } else {
                    p.errorCode = verified.value(QStringLiteral("decline_code"))
                                      .toString(QStringLiteral("channel_failed"));
                    followUps.append({task::kLimitRelease, {}});
                    followUps.append(orderFollowUp(
                        task::kOrderFail, p, {{QStringLiteral("reason"), QStringLiteral("payment_failed")}}));
                }
                if (!changeStatus(
                        db, p, from, QStringLiteral("callback"),
                        {{QStringLiteral("channel"), channel},
                         {QStringLiteral("channel_status"), verified.value(QStringLiteral("status"))}},
                        {}, followUps, &applied, &taskIds, why, request.trace.traceId))
                    return std::nullopt;
            } else if (payment) {
                // A duplicate or late callback: noted on the timeline, nothing else changes.
                if (!store::appendTimeline(
                        db, paymentNo,
                        {{QStringLiteral("callback"),
                          QStringLiteral("callback_ignored"),
                          {},
                          {},
                          QJsonObject{
                              {QStringLiteral("channel_status"), verified.value(QStringLiteral("status"))},
                              {QStringLiteral("current"), toString(payment->status)}},
                          {}}},
                        why, request.trace.traceId))
                    return std::nullopt;
            }
            if (!store::insertCallback(db, channel, verified, request.body, applied, why))
                return std::nullopt;
            current = payment ? toString(payment->status) : QString();
            return HttpResponse::json(QJsonObject{{QStringLiteral("received"), true},
                                                  {QStringLiteral("applied"), applied},
                                                  {QStringLiteral("status"), current}});
        });
    runFollowUps(gateway, taskIds, &request);
    return response;
}
} // namespace

HttpResponse handleCallback(Gateway &gateway, const HttpRequest &request, const QString &channel)
{
    QJsonObject headers;
    for (auto it = request.headers.cbegin(); it != request.headers.cend(); ++it)
        headers.insert(QString::fromLatin1(it.key()), QString::fromUtf8(it.value()));
    const HttpResponse verify = gateway.call(
        &request, QStringLiteral("channel-adapter"), "POST",
        QStringLiteral("/internal/v1/channel/callbacks/%1/verify")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(channel))),
        {{QStringLiteral("headers"), headers}, {QStringLiteral("body"), QString::fromUtf8(request.body)}});
    const QJsonObject verified = verify.jsonObject();
    if (verify.status == 401 || verify.status == 403 ||
        (verify.isSuccess() && !verified.value(QStringLiteral("verified")).toBool()))
        return respond(request, Problem{401,
                                        QStringLiteral("CALLBACK_SIGNATURE_INVALID"),
                                        QStringLiteral("Callback not verified"),
                                        QStringLiteral("the channel callback's signature does not verify"),
                                        {}});
    if (!verify.isSuccess()) {
        if (isTransient(verify))
            return respond(
                request, Problem::unavailable(QStringLiteral("CHANNEL_UNAVAILABLE"),
                                              QStringLiteral("the callback cannot be verified now; resend")));
        return verify; // the adapter's own refusal (unknown channel ...), passed on
    }
    if (verified.value(QStringLiteral("kind")).toString() == QStringLiteral("refund")) {
        QString error;
        bool applied = false;
        const QString refundNo = verified.value(QStringLiteral("refund_no")).toString();
        if (!applyRefundResult(gateway, refundNo, verified.value(QStringLiteral("status")).toString(),
                               verified.value(QStringLiteral("channel_refund_no")).toString(),
                               verified.value(QStringLiteral("decline_code")).toString(),
                               QStringLiteral("callback"), &applied, &error))
            return respond(request, Problem::internal(QStringLiteral("the callback could not be applied")));
        QSqlDatabase db = gateway.runtime.database().connection(&error);
        Database::Use use(gateway.runtime.database());
        if (db.isOpen())
            store::insertCallback(db, channel, verified, request.body, applied, &error);
        return HttpResponse::json(
            QJsonObject{{QStringLiteral("received"), true}, {QStringLiteral("applied"), applied}});
    }
    return applyPaymentCallback(gateway, request, channel, verified);
}

} // namespace paydesk::services::gateway
