#pragma once
// Stores audit events (topic audit.events) from every service into audit_logs. Lives on a thread
// of its own with its own Database handle, because storing blocks on SQL and the service thread
// must not; the handle is its own so that it stays valid for as long as this object can be
// handed an event.

#include "platform/bus/EventBus.h"
#include "platform/db/Database.h"

#include <QObject>

namespace paydesk::platform {
class JsonLog;
}

namespace paydesk::services::admin {

class AuditConsumer : public QObject
{
    Q_OBJECT
public:
    AuditConsumer(const QString &service, const platform::DatabaseUrl &server, const QString &databaseName,
                  platform::JsonLog &log);

    // On this object's thread: true once the event is stored (or was already).
    bool handle(const platform::Event &event);

private:
    platform::Database m_database;
    platform::JsonLog &m_log;
};

} // namespace paydesk::services::admin
