#pragma once
// Route groups of channel-adapter. Handlers run on workers.

#include "services/channel-adapter/domain/ChannelRegistry.h"

#include "platform/host/ServiceRuntime.h"

#include <optional>

namespace paydesk::services::channels {

inline const QString kServiceName = QStringLiteral("channel-adapter");

// /internal/v1/channel/…: create, query, capture, void, cancel, refunds, callback verify (the
// contract of docs/contracts/payment-flow.md).
void addPaymentRoutes(platform::Router &router, platform::ServiceRuntime &runtime, ChannelRegistry &registry);
// /api/v1/channels…, /api/v1/payment-routes…, /api/v1/channel-transactions (channel.view /
// channel.manage, audited) and the public plugin health.
void addAdminChannelRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                           ChannelRegistry &registry);

// Loads the channel configs (once) on this worker's connection; a problem response when it cannot.
std::optional<platform::HttpResponse> ensureConfigured(platform::ServiceRuntime &runtime,
                                                       ChannelRegistry &registry,
                                                       const platform::HttpRequest &request);

} // namespace paydesk::services::channels
