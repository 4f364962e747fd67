// The sweep: expiry of open payments and authorisations, due follow-up tasks, expired
// idempotency keys.

#include "services/payment-gateway/flow/PaymentActions.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/db/Database.h"
#include "platform/http/Idempotency.h"
#include "platform/observe/JsonLog.h"

namespace paydesk::services::gateway {

using namespace platform;

SweepResult sweepOnce(Gateway &gateway)
{
    SweepResult result;
    QString error;
    QStringList due;
    QSqlDatabase db = gateway.runtime.database().connection(&error);
    if (!db.isOpen())
        return result;
    {
        Database::Use use(gateway.runtime.database());
        if (!store::dueExpiries(db, gateway.sweepBatchMax, &due, &error))
            gateway.runtime.log().write(LogLevel::Warn, QStringLiteral("expiry sweep failed: %1").arg(error));
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &paymentNo : due) {
        QList<qint64> taskIds;
        bool applied = false;
        Database::Use use(gateway.runtime.database());
        const bool committed = inTransaction(
            db,
            [&](QString *why) {
                std::optional<Payment> payment;
                if (!store::loadPayment(db, paymentNo, {}, true, &payment, why))
                    return false;
                if (!payment)
                    return true;
                Payment &p = *payment;
                const PaymentStatus from = p.status;
                QList<FollowUp> followUps;
                // A pending payment may still be in its create flow (expire_minutes 1): not yet.
                const bool flowOver =
                    from != PaymentStatus::Pending || p.createdAt <= now.addSecs(-gateway.flowMaxSeconds);
                if ((from == PaymentStatus::Pending || from == PaymentStatus::Processing) &&
                    p.expiresAt <= now && flowOver) {
                    followUps.append({task::kChannelCancel, {}});
                } else if (from == PaymentStatus::Authorized && p.captureRequestedMinor < 0 &&
                           p.authorizationExpiresAt.isValid() && p.authorizationExpiresAt <= now) {
                    followUps.append({task::kChannelVoid, {}});
                } else {
                    return true; // changed since the scan
                }
                followUps.append(orderFollowUp(task::kOrderExpire, p));
                followUps.append({task::kLimitRelease, {}});
                p.status = PaymentStatus::Expired;
                p.errorCode = QStringLiteral("EXPIRED");
                return changeStatus(db, p, from, QStringLiteral("expire"), {}, {}, followUps, &applied,
                                    &taskIds, why);
            },
            &error);
        if (!committed) {
            gateway.runtime.log().write(LogLevel::Warn,
                                        QStringLiteral("expiry of %1 failed: %2").arg(paymentNo, error));
            continue;
        }
        if (applied)
            ++result.expired;
        runFollowUps(gateway, taskIds, nullptr);
    }
    if (result.expired > 0)
        gateway.runtime.kickOutbox();
    result.tasks = runDueFollowUps(gateway);
    Database::Use use(gateway.runtime.database());
    result.idempotencyKeysPurged = idempotency::purgeExpired(db, 1000, &error);
    return result;
}

} // namespace paydesk::services::gateway
