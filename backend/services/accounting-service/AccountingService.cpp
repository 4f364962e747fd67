#include "services/accounting-service/AccountingService.h"

#include "platform/observe/Metrics.h"

namespace paydesk::services::accounting {

using namespace platform;

void AccountingService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    m_metrics = LedgerMetrics::create(runtime.metrics(), kServiceName);
    addLedgerRoutes(router, runtime, m_metrics);
}

QList<QPair<QString, QString>> AccountingService::consumedTopics() const
{
    return {{kPaymentTopic, kServiceName}, {kMerchantTopic, kServiceName}};
}

void AccountingService::onReady(ServiceRuntime &runtime)
{
    for (const auto &[topic, group] : consumedTopics())
        runtime.subscribe(topic, group, [this, &runtime](const Event &event) {
            return applyEvent(runtime, m_metrics, event);
        });
}

std::unique_ptr<Service> createAccountingService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<AccountingService>(descriptor);
}

} // namespace paydesk::services::accounting
