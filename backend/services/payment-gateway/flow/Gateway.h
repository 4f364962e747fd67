#pragma once
// What the routes, the flow and the sweep of payment-gateway share: the runtime, the business
// metrics (spec §4.3 names), step deadlines, and the two primitives every change goes through —
// a status change written with its timeline, event and follow-up tasks in one transaction, and
// the follow-up tasks run right after the commit (FollowUps.cpp). Worker threads unless noted.

#include "services/payment-gateway/domain/Payment.h"

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/HttpTypes.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include <QSqlDatabase>

namespace paydesk::services::gateway {

inline const QString kServiceName = QStringLiteral("payment-gateway");
inline const QString kPaymentTopic = QStringLiteral("payment.events");

// Follow-up task kinds (payment_tasks.kind).
namespace task {
inline const QString kOrderPay = QStringLiteral("order_pay");
inline const QString kOrderFail = QStringLiteral("order_fail");
inline const QString kOrderCancel = QStringLiteral("order_cancel");
inline const QString kOrderExpire = QStringLiteral("order_expire");
inline const QString kOrderRefund = QStringLiteral("order_refund");
inline const QString kLimitRelease = QStringLiteral("limit_release");
inline const QString kChannelCancel = QStringLiteral("channel_cancel");
inline const QString kChannelVoid = QStringLiteral("channel_void");
inline const QString kChannelRefund = QStringLiteral("channel_refund");
} // namespace task

// No answer, or a 5xx: the callee may or may not have acted; retry or compensate.
inline bool isTransient(const platform::HttpResponse &response)
{
    return response.status == 0 || response.status >= 500;
}

struct FollowUp
{
    QString kind;
    QJsonObject payload;
};
// A call to order-service about the payment's order; `body` is what the order route takes.
FollowUp orderFollowUp(const QString &kind, const Payment &payment, const QJsonObject &body = {});

class GatewayMetrics
{
public:
    explicit GatewayMetrics(prometheus::Registry &registry);
    // Any thread (prometheus families lock internally).
    void payment(const QString &status, const QString &channel, const QString &currency, qint64 amountMinor);
    void duration(const QString &operation, const QString &status, double seconds);
    void refund(const QString &status, const QString &currency, qint64 amountMinor);

private:
    prometheus::Family<prometheus::Counter> *m_payments;
    prometheus::Family<prometheus::Histogram> *m_amount;
    prometheus::Family<prometheus::Histogram> *m_duration;
    prometheus::Family<prometheus::Counter> *m_refunds;
    prometheus::Family<prometheus::Histogram> *m_refundAmount;
};

struct Gateway
{
    Gateway(platform::ServiceRuntime &runtime);

    platform::ServiceRuntime &runtime;
    GatewayMetrics metrics;
    int stepTimeoutMs = 5000;     // bound of one call to another service
    int preAuthorizationDays = 7; // authorised payments expire after this (spec §0.7)
    int sweepIntervalMs = 30000;  // PAYMENT_GATEWAY_SWEEP_INTERVAL_MS
    int sweepBatchMax = 200;      // payments expired / tasks run per sweep pass
    int taskAttemptsMax = 30;     // then the task is given up and logged as an error
    // A create flow is over after this (4 calls of at most stepTimeoutMs, two short
    // transactions): a `pending` payment younger than this may still be with the channel, so it is
    // not cancelled or expired under the flow's feet.
    int flowMaxSeconds = 60;

    // Calls `service` with a JSON body (empty object: none), bounded by stepTimeoutMs and what is
    // left of `parent`'s deadline; the caller's trace goes with it.
    platform::HttpResponse call(const platform::HttpRequest *parent, const QString &service,
                                const QByteArray &method, const QString &path,
                                const QJsonObject &body = {}) const;
    // Gateway's own URL for channel callbacks.
    QString callbackUrl(const QString &channel) const;
};

// The payment.events payload (docs/contracts/payment-flow.md "Events").
platform::Event paymentEvent(const Payment &payment, const QString &type, const Refund *refund = nullptr);

// Moves `payment` (already holding the new field values and `to`) from `from` to `to` inside the
// caller's transaction: the row (only if still in `from`), a status entry plus `extra` in the
// timeline, the event of the change, and `followUps`. *applied false when the row was no longer
// in `from` (nothing written). Task ids go to *taskIds. `traceId`: the request making the change,
// kept on its timeline rows (empty for sweeps and tasks).
bool changeStatus(QSqlDatabase &db, const Payment &payment, PaymentStatus from, const QString &step,
                  const QJsonObject &detail, const QList<TimelineEntry> &extra,
                  const QList<FollowUp> &followUps, bool *applied, QList<qint64> *taskIds, QString *error,
                  const QByteArray &traceId = {});

// Runs the given follow-up tasks now (after their transaction committed); the ones that fail stay
// for the sweep. Never throws, never blocks longer than the calls' deadlines.
void runFollowUps(Gateway &gateway, const QList<qint64> &taskIds, const platform::HttpRequest *parent);
// One sweep pass over due tasks; returns how many ran.
int runDueFollowUps(Gateway &gateway);

} // namespace paydesk::services::gateway
