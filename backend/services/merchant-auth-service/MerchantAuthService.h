#pragma once
// merchant-auth-service: merchants' API keys (issue, rotate with a grace period, revoke, IP
// allow-lists) and the verdict on every signed merchant request (spec §3.1, §4.11). It owns the
// keys, the nonce store and the failure counters; the other services' pipelines ask it through
// POST /internal/v1/signatures/verify (platform/host/Authentication.cpp).

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::merchantauth {

class ApiKeyRoutes;
class SignatureRoutes;

class MerchantAuthService : public platform::Service
{
public:
    explicit MerchantAuthService(platform::ServiceDescriptor descriptor);
    ~MerchantAuthService() override;

    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    // merchant.events keep merchant_standing current: suspended or rejected merchants' keys fail.
    QList<QPair<QString, QString>> consumedTopics() const override;
    void onReady(platform::ServiceRuntime &runtime) override;

private:
    std::unique_ptr<ApiKeyRoutes> m_apiKeys;
    std::unique_ptr<SignatureRoutes> m_signatures;
};

std::unique_ptr<platform::Service> createMerchantAuthService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::merchantauth
