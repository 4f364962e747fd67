#pragma once
// cashier-service: checkout sessions and the hosted checkout page. See README.md in this folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::cashier {

class CashierService : public platform::Service
{
public:
    explicit CashierService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createCashierService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::cashier
