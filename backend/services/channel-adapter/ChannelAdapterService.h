#pragma once
// channel-adapter (spec §4.5): payment channel plugins (QPluginLoader), routing, the channel
// transaction log, callback verification, settlement statements. See README.md in this folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::channels {

class ChannelRegistry;

class ChannelAdapterService : public platform::Service
{
public:
    explicit ChannelAdapterService(platform::ServiceDescriptor descriptor);
    ~ChannelAdapterService() override;
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    void onReady(platform::ServiceRuntime &runtime) override;
    // channel_plugins: which plugins loaded from the plugin directory and which failed.
    QList<platform::HealthCheck> healthChecks(platform::ServiceRuntime &runtime) override;

private:
    std::unique_ptr<ChannelRegistry> m_registry;
};

std::unique_ptr<platform::Service> createChannelAdapterService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::channels
