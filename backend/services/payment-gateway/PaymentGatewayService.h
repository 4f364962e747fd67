#pragma once
// payment-gateway: signed merchant payment and refund API, orchestration. See README.md in this folder.

#include "platform/host/Service.h"

#include <QTimer>

#include <atomic>
#include <memory>

namespace paydesk::services::gateway {

struct Gateway;

class PaymentGatewayService : public platform::Service
{
public:
    explicit PaymentGatewayService(platform::ServiceDescriptor descriptor);
    ~PaymentGatewayService() override;
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    // Starts the sweep timer (expiry, follow-up retries, idempotency purge) on the service thread.
    void onReady(platform::ServiceRuntime &runtime) override;

private:
    std::unique_ptr<Gateway> m_gateway;
    QTimer *m_sweepTimer = nullptr; // owned by the runtime, on its service thread
    std::shared_ptr<std::atomic<bool>> m_sweeping = std::make_shared<std::atomic<bool>>(false);
};

std::unique_ptr<platform::Service> createPaymentGatewayService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::gateway
