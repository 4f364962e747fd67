#include "services/kyc-service/routes/KycRoutes.h"
#include "services/kyc-service/store/KycStore.h"

#include "platform/security/Actor.h"

#include <QUuid>

namespace paydesk::services::kyc {

using namespace platform;

bool isUuid(const QString &text)
{
    return text.size() == 36 && !QUuid::fromString(text).isNull();
}

QString actorOf(const HttpRequest &request)
{
    return platform::actorOf(request.principal, QStringLiteral("system"));
}

Event kycEvent(const QString &type, const CaseRecord &kycCase, const QString &currentLevel,
               const QByteArray &traceparent, const QJsonObject &extra)
{
    QJsonObject payload = extra;
    payload.insert(QStringLiteral("merchant_id"), kycCase.merchantId);
    payload.insert(QStringLiteral("case_id"), kycCase.id);
    payload.insert(QStringLiteral("level"), kycCase.targetLevel);
    payload.insert(QStringLiteral("status"), kycCase.status);
    payload.insert(QStringLiteral("current_level"), currentLevel);
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kKycEventsTopic;
    event.type = type;
    // Keyed by merchant: a broker partitioning by key keeps each merchant's KYC history in order.
    event.aggregateType = QStringLiteral("merchant_kyc");
    event.aggregateId = kycCase.merchantId;
    event.payload = payload;
    event.traceparent = traceparent;
    return event;
}

} // namespace paydesk::services::kyc
