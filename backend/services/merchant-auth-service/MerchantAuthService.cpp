#include "services/merchant-auth-service/MerchantAuthService.h"

#include "services/merchant-auth-service/routes/ApiKeyRoutes.h"
#include "services/merchant-auth-service/routes/SignatureRoutes.h"
#include "services/merchant-auth-service/store/ApiKeyStore.h"

#include "platform/bus/EventBus.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"

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

namespace {
const QString kMerchantEvents = QStringLiteral("merchant.events");
const QString kStandingGroup = QStringLiteral("merchant-auth-service-standing");
} // namespace

QList<QPair<QString, QString>> MerchantAuthService::consumedTopics() const
{
    return {{kMerchantEvents, kStandingGroup}};
}

void MerchantAuthService::onReady(platform::ServiceRuntime &runtime)
{
    // Every merchant event carries the merchant's current status; applying it is idempotent and
    // events arrive in the producer's order, so redelivery cannot move a merchant backwards.
    runtime.subscribe(kMerchantEvents, kStandingGroup, [&runtime](const platform::Event &event) {
        const QString merchantId = event.payload.value(QStringLiteral("merchant_id")).toString();
        const QString status = event.payload.value(QStringLiteral("status")).toString();
        if (merchantId.isEmpty() || status.isEmpty())
            return true; // nothing to learn from this event
        QString error;
        QSqlDatabase db = runtime.database().connection(&error);
        platform::Database::Use use(runtime.database());
        if (!db.isOpen() || !store::setMerchantStanding(db, merchantId, status, &error)) {
            runtime.log().write(platform::LogLevel::Warn,
                                QStringLiteral("cannot record merchant standing: %1").arg(error));
            return false; // redelivered later
        }
        return true;
    });
}

std::unique_ptr<platform::Service> createMerchantAuthService(const platform::ServiceDescriptor &descriptor)
{
    return std::make_unique<MerchantAuthService>(descriptor);
}

} // namespace paydesk::services::merchantauth
