#pragma once
// The frame of an event consumer with a once-only effect: in one transaction on the service's
// database, the event id is recorded for `consumer` (outbox::markProcessed) and `effect` runs only
// the first time that event arrives. A redelivered event commits nothing new.

#include "platform/bus/EventBus.h"
#include "platform/observe/JsonLog.h"

#include <QSqlDatabase>

#include <functional>

namespace paydesk::platform {

class ServiceRuntime;

// True when the event is done with (applied now or before). False when the database is away or
// the transaction failed: logged at `failureLevel` as "<what> <type> <event id> failed: …", and
// the bus offers the event again later.
bool applyEventOnce(ServiceRuntime &runtime, const QString &consumer, const Event &event, const QString &what,
                    LogLevel failureLevel, const std::function<bool(QSqlDatabase &db, QString *why)> &effect);

} // namespace paydesk::platform
