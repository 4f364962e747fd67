#include "services/accounting-service/AccountingService.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::accounting {

using namespace platform;

void AccountingService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    Q_UNUSED(router);
    Q_UNUSED(runtime);
}

std::unique_ptr<Service> createAccountingService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<AccountingService>(descriptor);
}

} // namespace paydesk::services::accounting
