#pragma once
// Route groups of risk-service. Handlers run on workers.

#include "platform/host/ServiceRuntime.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <memory>

namespace paydesk::services::risk {

inline const QString kServiceName = QStringLiteral("risk-service");

// risk_checks_total{decision} and risk_check_duration_seconds on the service's /metrics.
struct RiskMetrics
{
    explicit RiskMetrics(prometheus::Registry &registry);
    prometheus::Counter *pass = nullptr;
    prometheus::Counter *review = nullptr;
    prometheus::Counter *reject = nullptr;
    prometheus::Histogram *duration = nullptr;
};

// POST /internal/v1/risk/check (payment-gateway).
void addCheckRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                    std::shared_ptr<RiskMetrics> metrics);
// /api/v1/risk/rules…, /api/v1/risk/blacklist…, /api/v1/risk/checks… (Access::Admin, audited).
void addAdminRiskRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

} // namespace paydesk::services::risk
