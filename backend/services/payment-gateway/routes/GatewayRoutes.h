#pragma once
// Route groups of payment-gateway (docs/contracts/payment-flow.md). Handlers run on workers.

#include "services/payment-gateway/flow/Gateway.h"

#include "platform/http/Router.h"

namespace paydesk::services::gateway {

// Signed merchant API: /api/v1/payments… and the internal create for cashier-service.
void addPaymentRoutes(platform::Router &router, Gateway &gateway);
// Signed merchant API: /api/v1/refunds…
void addRefundRoutes(platform::Router &router, Gateway &gateway);
// Public channel callbacks and the internal expiry sweep.
void addCallbackRoutes(platform::Router &router, Gateway &gateway);
// Admin console: /api/v1/admin/payments…
void addAdminRoutes(platform::Router &router, Gateway &gateway);

// Query filters shared by the merchant and admin lists: from/to as RFC 3339; *bad names the
// first parameter that is not.
bool readTimeRange(const QUrlQuery &query, QDateTime *from, QDateTime *to, QString *bad);

} // namespace paydesk::services::gateway
