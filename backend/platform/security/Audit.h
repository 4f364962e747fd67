#pragma once
// The audit trail of admin changes. A handler of a mutating admin route appends one audit event
// in the same transaction as the change (so a change without its audit record cannot commit);
// admin-service consumes topic "audit.events" into its append-only audit log.

#include "platform/http/HttpTypes.h"

#include <QJsonValue>
#include <QSqlDatabase>

namespace paydesk::platform::audit {

inline const QString kTopic = QStringLiteral("audit.events");

struct Change
{
    QString action;   // "merchant.suspend"
    QString resource; // "merchant"
    QString resourceId;
    QJsonValue before; // state before the change (null for creations)
    QJsonValue after;  // state after (null for deletions)
};

// Appends the audit event for `change` made by `request.principal` in the caller's open
// transaction; marks nothing on the response (the caller sets HttpResponse::audited).
bool append(QSqlDatabase &db, const HttpRequest &request, const QString &service, const Change &change,
            QString *error);

} // namespace paydesk::platform::audit
