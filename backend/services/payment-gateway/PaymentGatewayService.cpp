#include "services/payment-gateway/PaymentGatewayService.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::gateway {

using namespace platform;

void PaymentGatewayService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    Q_UNUSED(router);
    Q_UNUSED(runtime);
}

std::unique_ptr<Service> createPaymentGatewayService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<PaymentGatewayService>(descriptor);
}

} // namespace paydesk::services::gateway
