#pragma once
// Conversions the SQL files of store/ share (not a public interface). Worker threads only.

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace paydesk::services::gateway::store::detail {

// NULL for an empty text or an invalid time, the value otherwise.
inline QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}
inline QVariant nullable(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toUTC()) : QVariant(QMetaType(QMetaType::QDateTime));
}
inline QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}
inline QDateTime utc(const QVariant &value)
{
    QDateTime time = value.toDateTime();
    return time.isValid() ? time.toUTC() : QDateTime();
}

} // namespace paydesk::services::gateway::store::detail
