#pragma once
// Route groups of cashier-service. Handlers run on workers.

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::cashier {

inline const QString kServiceName = QStringLiteral("cashier-service");
inline const QString kGatewayService = QStringLiteral("payment-gateway");

struct CashierSettings
{
    int sweepIntervalMs = 60'000;  // how often lapsed open sessions are marked expired
    int gatewayTimeoutMs = 30'000; // the whole create-payment call to payment-gateway
    int merchantLookupTimeoutMs = 2000;
};

// Shared by the routes and the service; fixed after registerRoutes.
struct CashierContext
{
    CashierSettings settings;
    QString checkoutBase; // "http://127.0.0.1:40016": checkout_url = base + "/checkout/" + token
};

// Merchant (signed): POST /api/v1/cashier/sessions, GET and DELETE /api/v1/cashier/sessions/{token}.
void addSessionRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                      const CashierContext &context);
// Public hosted page: GET /checkout/{token}, POST /checkout/{token}/pay.
void addCheckoutRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                       const CashierContext &context);
// Admin: GET /api/v1/admin/cashier/funnel (cashier.view).
void addFunnelRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

} // namespace paydesk::services::cashier
