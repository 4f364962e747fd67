#pragma once
// Conversions every store repeats between SQL parameters / JSON answers and Qt values: absent
// strings and times bind as SQL NULL and answer as JSON null, times are UTC ISO 8601 with
// milliseconds.

#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

namespace paydesk::platform::sql {

// A null QString would bind as NULL anyway, but an empty one would not: both mean "absent" here.
inline QVariant nullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

inline QVariant nullableTime(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toUTC().toString(Qt::ISODateWithMs))
                          : QVariant(QMetaType(QMetaType::QString));
}

inline QJsonValue jsonText(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

inline QJsonValue jsonTime(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

// "WHERE a = ? AND b = ?" over the filters that are set (an absent query parameter is a null
// QString, which would bind as NULL), their values appended to *values.
inline QString whereEquals(const QList<QPair<const char *, QString>> &filters, QVariantList *values)
{
    QStringList terms{QStringLiteral("TRUE")};
    for (const auto &[column, value] : filters) {
        if (value.isEmpty())
            continue;
        terms.append(QLatin1String(column) + QStringLiteral(" = ?"));
        values->append(value);
    }
    return QStringLiteral("WHERE ") + terms.join(QStringLiteral(" AND "));
}
} // namespace paydesk::platform::sql
