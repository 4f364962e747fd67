#include "services/order-service/OrderService.h"

#include "services/order-service/routes/OrderRoutes.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::orders {

using namespace platform;

void OrderService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    addInternalOrderRoutes(router, runtime);
    addAdminOrderRoutes(router, runtime);
}

std::unique_ptr<Service> createOrderService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<OrderService>(descriptor);
}

} // namespace paydesk::services::orders
