#include "services/merchant-service/routes/RouteSupport.h"

#include "platform/db/Database.h"
#include "platform/observe/JsonLog.h"
#include "services/merchant-service/store/MerchantStore.h"

#include <QUuid>

namespace paydesk::services::merchant {

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

HttpResponse merchantNotFound(const HttpRequest &request, const QString &id)
{
    Problem problem = Problem::notFound(QStringLiteral("merchant %1 does not exist").arg(id));
    problem.code = QStringLiteral("MERCHANT_NOT_FOUND");
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
    return QStringLiteral("public");
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
