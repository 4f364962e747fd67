#pragma once
// What every merchant-service handler shares: the transaction frame, problem responses, the
// actor recorded in history, and event construction for topic merchant.events.
// Worker threads only (they use the worker's database connection).

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::services::merchant {

struct MerchantRecord;

inline const QString kServiceName = QStringLiteral("merchant-service");
inline const QString kMerchantEventsTopic = QStringLiteral("merchant.events");

// `work` returns the response, or nullopt with *why set on a database error (→ 500). A response
// that is not 2xx rolls the transaction back, so a refused request changes nothing; after a
// committed change the outbox relay is kicked.
using TransactionWork = std::function<std::optional<platform::HttpResponse>(QSqlDatabase &db, QString *why)>;
platform::HttpResponse transact(platform::ServiceRuntime &runtime, const platform::HttpRequest &request,
                                const TransactionWork &work);

inline platform::HttpResponse respond(const platform::HttpRequest &request, const platform::Problem &problem)
{
    return problem.toResponse(request.trace.traceId);
}
platform::HttpResponse merchantNotFound(const platform::HttpRequest &request, const QString &id);

bool isUuid(const QString &text);
// "admin:<id>", "merchant:<id>", or "public" for self-registration.
QString actorOf(const platform::HttpRequest &request);

// A merchant.events event (merchant.created, merchant.activated, ...) for `merchant` in its new state.
platform::Event merchantEvent(const QString &type, const MerchantRecord &merchant,
                              const platform::HttpRequest &request, const QJsonObject &extra = {});

} // namespace paydesk::services::merchant
