#include "services/risk-service/RiskService.h"

#include "services/risk-service/routes/RiskRoutes.h"

#include "platform/host/ServiceRuntime.h"
#include "platform/observe/Metrics.h"

namespace paydesk::services::risk {

using namespace platform;

void RiskService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    auto metrics = std::make_shared<RiskMetrics>(*runtime.metrics().registry());
    addCheckRoutes(router, runtime, std::move(metrics));
    addRuleRoutes(router, runtime);
    addBlacklistRoutes(router, runtime);
}

std::unique_ptr<Service> createRiskService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<RiskService>(descriptor);
}

} // namespace paydesk::services::risk
