#pragma once
// payment-gateway: signed merchant payment and refund API, orchestration. See README.md in this folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::gateway {

class PaymentGatewayService : public platform::Service
{
public:
    explicit PaymentGatewayService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createPaymentGatewayService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::gateway
