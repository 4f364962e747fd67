#include "platform/host/Transaction.h"

#include "platform/db/Database.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"

namespace paydesk::platform {

HttpResponse withConnection(ServiceRuntime &runtime, const HttpRequest &request,
                            const std::function<HttpResponse(QSqlDatabase &db)> &work)
{
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
    Database::Use use(runtime.database());
    return work(db);
}

HttpResponse transact(ServiceRuntime &runtime, const HttpRequest &request, const TransactionWork &work)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QString error;
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
            runtime.kickOutbox();
        return *response;
    });
}

} // namespace paydesk::platform
