#pragma once
// order-service: order lifecycle with an order log. See README.md in this folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::orders {

class OrderService : public platform::Service
{
public:
    explicit OrderService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createOrderService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::orders
