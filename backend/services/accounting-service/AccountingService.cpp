#include "services/accounting-service/AccountingService.h"

#include "services/accounting-service/routes/LedgerRoutes.h"

namespace paydesk::services::accounting {

using namespace platform;

void AccountingService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    addLedgerRoutes(router, runtime);
}

QList<QPair<QString, QString>> AccountingService::consumedTopics() const
{
    return {{kPaymentTopic, kServiceName}, {kMerchantTopic, kServiceName}};
}

void AccountingService::onReady(ServiceRuntime &runtime)
{
    EventBus *bus = runtime.environment().bus;
    if (!bus)
        return;
    for (const auto &[topic, group] : consumedTopics())
        bus->subscribe(topic, group, &runtime,
                       [&runtime](const Event &event) { return applyEvent(runtime, event); });
}

std::unique_ptr<Service> createAccountingService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<AccountingService>(descriptor);
}

} // namespace paydesk::services::accounting
