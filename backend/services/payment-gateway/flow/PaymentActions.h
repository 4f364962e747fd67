#pragma once
// What happens to a payment after it was created: capture and void of a pre-authorisation, cancel
// of an open payment, channel callbacks, and the expiry sweep. Each change is one short
// transaction under the payment's row lock; calls to other services happen outside it, and the
// calls that must follow a change are follow-up tasks. Worker threads only.

#include "services/payment-gateway/flow/Gateway.h"

namespace paydesk::services::gateway {

// `merchantId` empty: any merchant (admin). 404 PAYMENT_NOT_FOUND for another merchant's payment.
platform::HttpResponse capturePayment(Gateway &gateway, const platform::HttpRequest &request,
                                      const QString &merchantId, const QString &paymentNo,
                                      std::optional<qint64> amountMinor);
platform::HttpResponse voidPayment(Gateway &gateway, const platform::HttpRequest &request,
                                   const QString &merchantId, const QString &paymentNo);
platform::HttpResponse cancelPayment(Gateway &gateway, const platform::HttpRequest &request,
                                     const QString &merchantId, const QString &paymentNo);

// POST /api/v1/callbacks/{channel}: verified by channel-adapter before anything changes.
platform::HttpResponse handleCallback(Gateway &gateway, const platform::HttpRequest &request,
                                      const QString &channel);

struct SweepResult
{
    int expired = 0;
    int tasks = 0;
    int idempotencyKeysPurged = 0;
};
// One pass: expires due payments, runs due follow-up tasks, purges expired idempotency keys.
SweepResult sweepOnce(Gateway &gateway);

} // namespace paydesk::services::gateway
