#pragma once
// Value conversions the notification-service store files share (internal to store/).

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

inline QJsonValue timeOrNull(const QVariant &value)
{
    if (value.isNull())
        return QJsonValue();
    return value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
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
