#include "AuditConsumer.h"

#include "store/AuditStore.h"

#include "platform/observe/JsonLog.h"

namespace paydesk::services::admin {

AuditConsumer::AuditConsumer(const QString &service, const platform::DatabaseUrl &server,
                             const QString &databaseName, platform::JsonLog &log)
    : m_database(service, server, databaseName, nullptr), m_log(log)
{
}

bool AuditConsumer::handle(const platform::Event &event)
{
    QString error;
    QSqlDatabase db = m_database.connection(&error);
    if (db.isOpen() && store::insertAuditEvent(db, event, &error))
        return true;
    if (!db.isOpen())
        m_database.dropConnection();
    m_log.write(platform::LogLevel::Error, QStringLiteral("cannot store audit event %1: %2")
                                               .arg(event.eventId.toString(QUuid::WithoutBraces), error));
    return false; // redelivered by the producer's outbox
}

} // namespace paydesk::services::admin
