#include "platform/db/Database.h"
#include "platform/observe/JsonLog.h"
#include "services/kyc-service/routes/KycRoutes.h"
#include "services/kyc-service/store/KycStore.h"

#include <QUuid>

namespace paydesk::services::kyc {

using namespace platform;

HttpResponse transact(ServiceRuntime &runtime, const HttpRequest &request, const TransactionWork &work)
{
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
    Database::Use use(runtime.database());
    std::optional<HttpResponse> response;
    const bool committed = inTransaction(
        db,
        [&](QString *why) {
            response = work(db, why);
            return response.has_value() && response->isSuccess();
        },
        &error);
    if (response && !response->isSuccess())
        return *response;
    if (!committed || !response) {
        runtime.log().write(LogLevel::Error, QStringLiteral("transaction failed: %1").arg(error),
                            {{QStringLiteral("route"), request.routePattern}});
        return respond(request, Problem::internal(QStringLiteral("the change could not be stored")));
    }
    if (request.method != "GET" && request.method != "HEAD")
        runtime.kickOutbox(); // a change may have appended events: relay them now
    return *response;
}

HttpResponse notFound(const HttpRequest &request, const QString &code, const QString &detail)
{
    Problem problem = Problem::notFound(detail);
    problem.code = code;
    return respond(request, problem);
}

bool isUuid(const QString &text)
{
    return text.size() == 36 && !QUuid::fromString(text).isNull();
}

QString actorOf(const HttpRequest &request)
{
    const Principal &principal = request.principal;
    switch (principal.kind) {
    case Principal::Kind::Admin:
        return QStringLiteral("admin:") + principal.id;
    case Principal::Kind::Merchant:
        return QStringLiteral("merchant:") + principal.merchantId;
    case Principal::Kind::Service:
        return QStringLiteral("service:") + principal.id;
    case Principal::Kind::Anonymous:
        break;
    }
    return QStringLiteral("system");
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
