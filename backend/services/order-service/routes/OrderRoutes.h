#pragma once
// Route groups of order-service. Handlers run on workers.

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::orders {

inline const QString kServiceName = QStringLiteral("order-service");
inline const QString kOrderTopic = QStringLiteral("order.events");

// /internal/v1/orders… (payment-gateway): create, pay, cancel, expire, fail, refund, get.
void addInternalOrderRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// GET /api/v1/orders and /api/v1/orders/{merchant_id}/{order_no} (order.view).
void addAdminOrderRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// The order with items, refunds and logs: the answer of every order route (internal GET, admin).
platform::HttpResponse orderDetails(platform::ServiceRuntime &runtime, const platform::HttpRequest &request);

} // namespace paydesk::services::orders
