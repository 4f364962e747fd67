#include "services/merchant-service/routes/RouteSupport.h"

#include "services/merchant-service/store/MerchantStore.h"

#include "platform/security/Actor.h"

#include <QUuid>

namespace paydesk::services::merchant {

using namespace platform;

HttpResponse merchantNotFound(const HttpRequest &request, const QString &id)
{
    return notFound(request, QStringLiteral("MERCHANT_NOT_FOUND"),
                    QStringLiteral("merchant %1 does not exist").arg(id));
}

bool isUuid(const QString &text)
{
    return text.size() == 36 && !QUuid::fromString(text).isNull();
}

QString actorOf(const HttpRequest &request)
{
    return platform::actorOf(request.principal, QStringLiteral("public"));
}

Event merchantEvent(const QString &type, const MerchantRecord &merchant, const HttpRequest &request,
                    const QJsonObject &extra)
{
    QJsonObject payload = extra;
    payload.insert(QStringLiteral("merchant_id"), merchant.id);
    payload.insert(QStringLiteral("tier"), merchant.tier);
    payload.insert(QStringLiteral("status"), merchant.status);
    payload.insert(QStringLiteral("kyc_status"), merchant.kycStatus);
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kMerchantEventsTopic;
    event.type = type;
    event.aggregateType = QStringLiteral("merchant");
    event.aggregateId = merchant.id;
    event.payload = payload;
    event.traceparent = request.trace.toTraceparent();
    return event;
}

} // namespace paydesk::services::merchant
