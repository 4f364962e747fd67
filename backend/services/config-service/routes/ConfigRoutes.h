#pragma once
// Route groups of config-service. Handlers run on workers.

#include "services/config-service/ConfigClient.h"

#include "platform/host/ServiceRuntime.h"
#include "platform/host/Transaction.h"
#include "platform/http/HttpTypes.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::services::config {

using platform::transact;

// /api/v1/configs… (admin) and GET /internal/v1/configs/{key} (services).
void addConfigRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// /api/v1/flags… (admin) and GET /internal/v1/flags/{name}/evaluate (services).
void addFlagRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// POST /internal/v1/registry (services announce themselves) and GET /api/v1/registry (admin).
void addRegistryRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

} // namespace paydesk::services::config
