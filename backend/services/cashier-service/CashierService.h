#pragma once
// cashier-service (spec §4.16): checkout sessions a merchant opens for one order, the hosted
// checkout page that pays them through payment-gateway, and the checkout funnel. See README.md.

#include "services/cashier-service/routes/CashierRoutes.h"

#include "platform/host/Service.h"

#include <QPointer>
#include <QTimer>

#include <memory>

namespace paydesk::services::cashier {

class CashierService : public platform::Service
{
public:
    explicit CashierService(platform::ServiceDescriptor descriptor, CashierSettings settings = {})
        : Service(std::move(descriptor))
    {
        m_context.settings = settings;
    }
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    // Starts the sweep that marks lapsed open sessions expired.
    void onReady(platform::ServiceRuntime &runtime) override;

private:
    CashierContext m_context;       // fixed after registerRoutes; read by handlers on workers
    QTimer *m_sweepTimer = nullptr; // owned by the runtime, on its service thread
};

std::unique_ptr<platform::Service> createCashierService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::cashier
