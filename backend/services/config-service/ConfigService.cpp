#include "services/config-service/ConfigService.h"

#include "services/config-service/routes/ConfigRoutes.h"

namespace paydesk::services::config {

using namespace platform;

void ConfigService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    addConfigRoutes(router, runtime);
    addFlagRoutes(router, runtime);
    addRegistryRoutes(router, runtime);
}

std::unique_ptr<Service> createConfigService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<ConfigService>(descriptor);
}

} // namespace paydesk::services::config
