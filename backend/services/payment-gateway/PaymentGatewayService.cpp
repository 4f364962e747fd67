#include "services/payment-gateway/PaymentGatewayService.h"

#include "services/payment-gateway/flow/PaymentActions.h"
#include "services/payment-gateway/routes/GatewayRoutes.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::gateway {

using namespace platform;

PaymentGatewayService::PaymentGatewayService(ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}

PaymentGatewayService::~PaymentGatewayService() = default;

void PaymentGatewayService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    m_gateway = std::make_unique<Gateway>(runtime);
    addPaymentRoutes(router, *m_gateway);
    addRefundRoutes(router, *m_gateway);
    addCallbackRoutes(router, *m_gateway);
    addAdminRoutes(router, *m_gateway);
}

void PaymentGatewayService::onReady(ServiceRuntime &runtime)
{
    // The timer only dispatches: the sweep blocks on SQL and other services, so it runs on a
    // worker, one pass at a time. Created once: onReady runs again after a controlled stop.
    if (m_sweepTimer) {
        m_sweepTimer->start();
        return;
    }
    m_sweepTimer = new QTimer(&runtime);
    m_sweepTimer->setInterval(m_gateway->sweepIntervalMs);
    QObject::connect(m_sweepTimer, &QTimer::timeout, &runtime,
                     [&runtime, gateway = m_gateway.get(), sweeping = m_sweeping] {
                         if (sweeping->exchange(true))
                             return;
                         runtime.runOnWorker([gateway, sweeping] {
                             sweepOnce(*gateway);
                             sweeping->store(false);
                         });
                     });
    QObject::connect(&runtime, &ServiceRuntime::stopped, m_sweepTimer, &QTimer::stop);
    m_sweepTimer->start();
}

std::unique_ptr<Service> createPaymentGatewayService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<PaymentGatewayService>(descriptor);
}

} // namespace paydesk::services::gateway
