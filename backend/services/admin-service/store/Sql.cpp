#include "Sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>

namespace paydesk::services::admin::sql {

bool exec(QSqlQuery &query, const QString &statement, const QVariantList &values, QString *error)
{
    if (!query.prepare(statement)) {
        *error = query.lastError().text();
        return false;
    }
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        *error = query.lastError().text();
        return false;
    }
    return true;
}

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
