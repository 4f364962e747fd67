#pragma once
// Parameterised statements for admin-service's own database (payment_admin).

#include "platform/db/Sql.h"

#include <QDateTime>
#include <QJsonValue>
#include <QSqlQuery>
#include <QVariantList>

namespace paydesk::services::admin::sql {

using platform::sql::exec;

// A timestamptz column as ISO 8601 UTC, or JSON null.
QJsonValue timestamp(const QVariant &value);
// A jsonb column read as text, parsed; null stays null.
QJsonValue json(const QVariant &value);
// Binds a JSON value for a `?::jsonb` placeholder (null → SQL NULL).
QVariant jsonParameter(const QJsonValue &value);

} // namespace paydesk::services::admin::sql
