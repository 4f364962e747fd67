#pragma once
// config-service (spec §4.10): versioned config values with encrypted secrets, feature flags with
// stable percentage rollouts, and the registry every service announces itself to. Other services
// read values through ConfigClient, which follows config.events.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::config {

class ConfigService : public platform::Service
{
public:
    explicit ConfigService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createConfigService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::config
