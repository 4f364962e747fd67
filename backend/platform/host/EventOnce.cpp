#include "platform/host/EventOnce.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"

namespace paydesk::platform {

bool applyEventOnce(ServiceRuntime &runtime, const QString &consumer, const Event &event, const QString &what,
                    LogLevel failureLevel, const std::function<bool(QSqlDatabase &db, QString *why)> &effect)
{
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    bool ok = false;
    if (db.isOpen()) {
        Database::Use use(runtime.database());
        ok = inTransaction(
            db,
            [&](QString *why) {
                bool first = false;
                if (!outbox::markProcessed(db, consumer, event.eventId, &first, why))
                    return false;
                return !first || effect(db, why);
            },
            &error);
    }
    if (!ok)
        runtime.log().write(failureLevel,
                            QStringLiteral("%1 %2 %3 failed: %4")
                                .arg(what, event.type, event.eventId.toString(QUuid::WithoutBraces), error));
    return ok;
}

} // namespace paydesk::platform
