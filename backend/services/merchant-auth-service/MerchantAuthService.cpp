#include "services/merchant-auth-service/MerchantAuthService.h"

#include "services/merchant-auth-service/routes/ApiKeyRoutes.h"
#include "services/merchant-auth-service/routes/SignatureRoutes.h"

namespace paydesk::services::merchantauth {

MerchantAuthService::MerchantAuthService(platform::ServiceDescriptor descriptor)
    : Service(std::move(descriptor))
{
}

MerchantAuthService::~MerchantAuthService() = default;

void MerchantAuthService::registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime)
{
    m_apiKeys = std::make_unique<ApiKeyRoutes>(runtime);
    m_signatures = std::make_unique<SignatureRoutes>(runtime);
    m_apiKeys->registerRoutes(router);
    m_signatures->registerRoutes(router);
}

std::unique_ptr<platform::Service> createMerchantAuthService(const platform::ServiceDescriptor &descriptor)
{
    return std::make_unique<MerchantAuthService>(descriptor);
}

} // namespace paydesk::services::merchantauth
