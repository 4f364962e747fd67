#include "services/risk-service/RiskService.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::risk {

using namespace platform;

void RiskService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    Q_UNUSED(router);
    Q_UNUSED(runtime);
}

std::unique_ptr<Service> createRiskService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<RiskService>(descriptor);
}

} // namespace paydesk::services::risk
