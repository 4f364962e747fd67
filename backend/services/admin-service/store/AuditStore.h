#pragma once
// The append-only audit log (table audit_logs; UPDATE/DELETE/TRUNCATE raise in the database).

#include "platform/bus/EventBus.h"

#include <QJsonArray>
#include <QSqlDatabase>

namespace paydesk::services::admin::store {

// Inserts the audit event once: a redelivered event_id is a no-op.
bool insertAuditEvent(QSqlDatabase &db, const platform::Event &event, QString *error);

struct AuditFilter
{
    QString actor; // actor id or name
    QString resource;
    QString action;
    QDateTime from; // inclusive
    QDateTime to;   // exclusive
    int limit = 20;
    int offset = 0;
};
bool listAudit(QSqlDatabase &db, const AuditFilter &filter, QJsonArray *rows, qint64 *total, QString *error);
bool loadAudit(QSqlDatabase &db, qint64 id, QJsonObject *row, bool *found, QString *error);

} // namespace paydesk::services::admin::store
