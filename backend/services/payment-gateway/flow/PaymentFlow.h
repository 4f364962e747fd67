#pragma once
// Creating a payment (docs/contracts/payment-flow.md, payment-gateway): validate → insert pending
// (+ payment.created) → risk check → limit consume → order create → channel create → apply the
// channel's answer, with compensations (limit release, order fail, channel cancel) recorded as
// follow-up tasks in the transaction that fails the payment. Worker threads only.

#include "services/payment-gateway/flow/Gateway.h"

#include <optional>

namespace paydesk::services::gateway {

struct CardInput
{
    QString number; // digits only; never stored, never logged
    int expMonth = 0;
    int expYear = 0;
    QString cvc;
    QString holder;
};

struct CreateCommand
{
    Payment payment; // merchant, order, amount, currency, method, customer fields, expiry
    CardInput card;
};

// Reads and validates a create request. `merchantId` / `environment` come from the verified
// principal (merchant API) or the body (internal route, cashier-service). nullopt with *problem
// set when the request is refused.
std::optional<CreateCommand> parseCreate(const platform::HttpRequest &request, const QString &merchantId,
                                         const QString &environment, platform::HttpResponse *problem);

// Runs the whole flow for one validated request: 201 with the payment (any final channel answer,
// including a decline: status failed with its error), 409 DUPLICATE_ORDER_NO, 422 RISK_REJECTED /
// LIMIT_EXCEEDED / NO_CHANNEL, 503 when a step could not be completed (the payment is failed and
// compensated; a retry with the same Idempotency-Key returns it).
platform::HttpResponse createPayment(Gateway &gateway, const platform::HttpRequest &request,
                                     CreateCommand command);

} // namespace paydesk::services::gateway
