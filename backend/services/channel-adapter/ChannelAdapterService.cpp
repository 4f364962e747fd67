#include "services/channel-adapter/ChannelAdapterService.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::channels {

using namespace platform;

void ChannelAdapterService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    Q_UNUSED(router);
    Q_UNUSED(runtime);
}

std::unique_ptr<Service> createChannelAdapterService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<ChannelAdapterService>(descriptor);
}

} // namespace paydesk::services::channels
