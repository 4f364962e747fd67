#pragma once
// risk-service: risk scoring, rules and blacklist. See README.md in this folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::risk {

class RiskService : public platform::Service
{
public:
    explicit RiskService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createRiskService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::risk
