#pragma once
// Conversions the SQL files of store/ share (not a public interface). Worker threads only.

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace paydesk::services::gateway::store::detail {

// Compact JSON text for a jsonb parameter.
inline QString jsonbText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}
// A timestamptz column as a UTC QDateTime (invalid for NULL).
inline QDateTime utc(const QVariant &value)
{
    QDateTime time = value.toDateTime();
    return time.isValid() ? time.toUTC() : QDateTime();
}

} // namespace paydesk::services::gateway::store::detail
