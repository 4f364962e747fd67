#include "platform/db/Sql.h"

#include <QSqlError>

namespace paydesk::platform::sql {

bool exec(QSqlQuery &query, QString *error)
{
    if (query.exec())
        return true;
    *error = query.lastError().text();
    return false;
}

bool exec(QSqlQuery &query, const QVariantList &values, QString *error)
{
    for (const QVariant &value : values)
        query.addBindValue(value);
    return exec(query, error);
}

bool exec(QSqlQuery &query, const QString &statement, const QVariantList &values, QString *error)
{
    if (!query.prepare(statement)) {
        *error = query.lastError().text();
        return false;
    }
    return exec(query, values, error);
}

} // namespace paydesk::platform::sql
