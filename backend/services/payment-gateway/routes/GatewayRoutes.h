#pragma once
// Route groups of payment-gateway (docs/contracts/payment-flow.md). Handlers run on workers.

#include "services/payment-gateway/flow/Gateway.h"
#include "services/payment-gateway/store/PaymentStore.h"

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

// OpenAPI schema of the payment resource (Payment::toJson), shared by the merchant, internal and
// admin routes that answer one payment.
QJsonObject paymentSchema();

// GET list of payments shared by the merchant and admin routes: reads status, order_no, from, to
// (RFC 3339), page and page_size from the query into `filter` (whose merchant_id / payment_no the
// caller set) and answers the page, newest first.
platform::HttpResponse paymentPage(Gateway &gateway, const platform::HttpRequest &request,
                                   store::PaymentFilter filter);

} // namespace paydesk::services::gateway
