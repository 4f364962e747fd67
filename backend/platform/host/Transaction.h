#pragma once
// The transaction frame a route handler runs its database work in. Worker threads only: it uses
// the calling worker's connection.

#include "platform/host/ServiceRuntime.h"
#include "platform/http/HttpTypes.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::platform {

// Runs `work` with this worker's connection open and marked in use (Database::Use); answers 503
// DATABASE_UNAVAILABLE without calling `work` when the connection cannot be opened. The frame of
// `transact`, and of read-only handlers that need no transaction.
HttpResponse withConnection(ServiceRuntime &runtime, const HttpRequest &request,
                            const std::function<HttpResponse(QSqlDatabase &db)> &work);

// `work` returns the response, or nullopt with *why set on a database error.
using TransactionWork = std::function<std::optional<HttpResponse>(QSqlDatabase &db, QString *why)>;

// Runs `work` in one transaction on this worker's connection (503 DATABASE_UNAVAILABLE when it
// cannot be opened). A response that is not 2xx rolls the transaction back and is returned as is,
// so a refused request changes nothing; a database error or a failed commit is logged and answered
// 500. After a committed change (any method but GET and HEAD) the outbox relay is kicked, since
// the change may have appended events.
HttpResponse transact(ServiceRuntime &runtime, const HttpRequest &request, const TransactionWork &work);

} // namespace paydesk::platform
