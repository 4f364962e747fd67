#pragma once
// accounting-service: double-entry ledger and balances. See README.md in this folder.

#include "services/accounting-service/routes/LedgerRoutes.h"

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::accounting {

class AccountingService : public platform::Service
{
public:
    explicit AccountingService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    QList<QPair<QString, QString>> consumedTopics() const override;
    void onReady(platform::ServiceRuntime &runtime) override;

private:
    LedgerMetrics m_metrics; // registered in registerRoutes, before any event or request
};

std::unique_ptr<platform::Service> createAccountingService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::accounting
