#pragma once
// Value conversions the notification-service store files share (internal to store/).

#include "platform/db/SqlValues.h"

#include <QDateTime>
#include <QJsonValue>
#include <QString>
#include <QUuid>
#include <QVariant>

#include <optional>

namespace paydesk::services::notification::store::values {

inline QString uuidText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

// A timestamptz column as JSON (null when NULL).
inline QJsonValue timeOrNull(const QVariant &value)
{
    return platform::sql::jsonTime(value.toDateTime());
}

// A null QString binds as SQL NULL: NOT NULL text columns get '' instead.
inline QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

inline QVariant nullableUuid(const std::optional<QUuid> &id)
{
    return id ? QVariant(uuidText(*id)) : QVariant(QMetaType(QMetaType::QString));
}

} // namespace paydesk::services::notification::store::values
