#pragma once
// Refunds: reserved under the payment's row lock (Σ pending + processing + succeeded refunds and
// the new one ≤ captured amount), then executed at the channel as a follow-up task, so a channel
// that is down leaves a refund that the sweep finishes instead of a lost one. Worker threads only.

#include "services/payment-gateway/flow/Gateway.h"

#include <functional>
#include <optional>

namespace paydesk::services::gateway {

struct RefundCommand
{
    QString merchantId; // empty for an admin: any merchant's payment
    QString paymentNo;
    qint64 amountMinor = 0;
    QString reason;
    QString operatorType = QStringLiteral("merchant");
    QString operatorId;
    // Called inside the reservation's transaction (admin audit); false rolls it back.
    std::function<bool(QSqlDatabase &, const Refund &, QString *)> inTransaction;
};

// 201 with the refund (success, failed, or processing/pending when the channel answers later);
// 404 PAYMENT_NOT_FOUND; 422 PAYMENT_NOT_REFUNDABLE or REFUND_EXCEEDS_REMAINING (with
// remaining_minor).
platform::HttpResponse createRefund(Gateway &gateway, const platform::HttpRequest &request,
                                    const RefundCommand &command);

// Asks the channel to refund `refundNo` and applies its answer. nullopt when done; a reason when
// the channel could not be reached (the task is retried).
std::optional<QString> executeChannelRefund(Gateway &gateway, const QString &refundNo,
                                            const platform::HttpRequest *parent);

// Applies a final or pending channel answer ("succeeded" | "failed" | "declined" | "pending") to
// an open refund, idempotently. *applied false when the refund was not open any more.
bool applyRefundResult(Gateway &gateway, const QString &refundNo, const QString &channelStatus,
                       const QString &channelRefundNo, const QString &declineCode, const QString &source,
                       bool *applied, QString *error);

} // namespace paydesk::services::gateway
