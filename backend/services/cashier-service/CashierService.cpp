#include "services/cashier-service/CashierService.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::cashier {

using namespace platform;

void CashierService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    Q_UNUSED(router);
    Q_UNUSED(runtime);
}

std::unique_ptr<Service> createCashierService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<CashierService>(descriptor);
}

} // namespace paydesk::services::cashier
