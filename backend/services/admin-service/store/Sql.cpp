#include "Sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace paydesk::services::admin::sql {

QJsonValue timestamp(const QVariant &value)
{
    if (value.isNull())
        return QJsonValue::Null;
    return value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue json(const QVariant &value)
{
    if (value.isNull())
        return QJsonValue::Null;
    // Wrapped in an array so that scalars (a jsonb string or number) parse too.
    const QJsonDocument document = QJsonDocument::fromJson("[" + value.toByteArray() + "]");
    return document.array().at(0);
}

QVariant jsonParameter(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QVariant(QMetaType::fromType<QString>());
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

} // namespace paydesk::services::admin::sql
