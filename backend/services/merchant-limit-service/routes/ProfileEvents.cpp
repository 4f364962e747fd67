// Consumers of merchant.events and kyc.events: the tier and KYC level that effective limits use.
// Payloads: merchant.created / merchant.tier_changed {merchant_id, tier}; kyc.approved / kyc.expired
// {merchant_id, level, current_level}.

#include "services/merchant-limit-service/routes/LimitRoutes.h"
#include "services/merchant-limit-service/store/LimitStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/EventOnce.h"
#include "platform/observe/JsonLog.h"

namespace paydesk::services::limits {

using namespace platform;

bool applyProfileEvent(ServiceRuntime &runtime, const Event &event)
{
    std::optional<QString> tier;
    std::optional<QString> level;
    const QString merchantId = event.payload.value(QStringLiteral("merchant_id")).toString();
    if (event.topic == kMerchantTopic && (event.type == QStringLiteral("merchant.created") ||
                                          event.type == QStringLiteral("merchant.tier_changed")))
        tier = event.payload.value(QStringLiteral("tier")).toString();
    else if (event.topic == kKycTopic &&
             (event.type == QStringLiteral("kyc.approved") || event.type == QStringLiteral("kyc.expired"))) {
        // kyc-service sends the merchant's resulting level as current_level (an expiry lowers it)
        // and the reviewed case's level as level; the resulting level is what limits follow.
        const QString current = event.payload.value(QStringLiteral("current_level")).toString();
        level = current.isEmpty() ? event.payload.value(QStringLiteral("level")).toString() : current;
    } else
        return true; // other event types of these topics do not concern limits
    if (merchantId.isEmpty() || merchantId.size() > 64 || (tier && !tierNames().contains(*tier)) ||
        (level && !kycLevelNames().contains(*level))) {
        // Redelivery cannot fix a malformed event: log it and move on rather than block the topic.
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("ignored %1 %2: bad merchant_id, tier or level")
                                .arg(event.type, event.eventId.toString(QUuid::WithoutBraces)));
        return true;
    }
    return applyEventOnce(
        runtime, kServiceName, event, QStringLiteral("profile event"), LogLevel::Warn,
        [&](QSqlDatabase &db, QString *why) { return store::saveProfile(db, merchantId, tier, level, why); });
}

} // namespace paydesk::services::limits
