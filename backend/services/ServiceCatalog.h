#pragma once
// The 18 services of PayDesk with their seed ports and databases (docs/ARCHITECTURE.md).

#include "platform/host/Server.h"

namespace paydesk::services {

QList<platform::ServiceCatalogEntry> catalog();

} // namespace paydesk::services
