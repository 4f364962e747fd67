#pragma once
// channel-adapter: channel plugins, routing, channel transactions. See README.md in this folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::channels {

class ChannelAdapterService : public platform::Service
{
public:
    explicit ChannelAdapterService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createChannelAdapterService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::channels
