#include "services/merchant-service/MerchantService.h"

#include "platform/bus/EventBus.h"
#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/EventOnce.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"
#include "services/merchant-service/domain/MerchantStatus.h"
#include "services/merchant-service/routes/MerchantRoutes.h"
#include "services/merchant-service/store/MerchantStore.h"

namespace paydesk::services::merchant {

using namespace platform;

namespace merchant_service {

// Applies one kyc.events event to the merchant's kyc_status and kyc_level, once per event id.
// Runs on the service thread (the bus delivers there) with that thread's own connection: one
// short transaction per event. Returns false (redelivery) only on a database error; an event for
// an unknown merchant is recorded and dropped, since retrying cannot make the merchant appear.
bool applyKycEvent(ServiceRuntime &runtime, const Event &event)
{
    const QString merchantId = event.payload.value(QStringLiteral("merchant_id")).toString();
    const QString currentLevel = event.payload.value(QStringLiteral("current_level")).toString();
    const std::optional<KycStatus> next =
        kycStatusAfterEvent(event.type, !currentLevel.isEmpty() && currentLevel != QStringLiteral("basic"));
    return applyEventOnce(
        runtime, kKycConsumerGroup, event, QStringLiteral("kyc event"), LogLevel::Error,
        [&](QSqlDatabase &db, QString *why) {
            if (!next)
                return true;
            std::optional<MerchantRecord> merchant = merchant_store::find(db, merchantId, true, why);
            if (!why->isEmpty())
                return false;
            if (!merchant) {
                runtime.log().write(
                    LogLevel::Warn,
                    QStringLiteral("%1 for unknown merchant %2 ignored").arg(event.type, merchantId));
                return true;
            }
            merchant->kycStatus = toString(*next);
            if (!currentLevel.isEmpty())
                merchant->kycLevel = currentLevel;
            return merchant_store::update(db, &*merchant, why);
        });
}

} // namespace merchant_service

void MerchantService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    registerMerchantRoutes(router, runtime);
    registerSelfServiceRoutes(router, runtime);
    registerBankAccountRoutes(router, runtime);
}

QList<QPair<QString, QString>> MerchantService::consumedTopics() const
{
    return {{kKycEventsTopic, kKycConsumerGroup}};
}

void MerchantService::onReady(ServiceRuntime &runtime)
{
    runtime.subscribe(kKycEventsTopic, kKycConsumerGroup, [&runtime](const Event &event) {
        return merchant_service::applyKycEvent(runtime, event);
    });
}

std::unique_ptr<Service> createMerchantService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<MerchantService>(descriptor);
}

} // namespace paydesk::services::merchant
