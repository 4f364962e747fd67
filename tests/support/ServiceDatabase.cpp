#include "support/ServiceDatabase.h"

#include "platform/db/Database.h"

#include <QDebug>
#include <QSqlError>

namespace paydesk::testing {

QSqlDatabase serviceDatabase(const Infrastructure &infra, const QString &connection,
                             const QString &databaseName)
{
    if (QSqlDatabase::contains(connection))
        return QSqlDatabase::database(connection);
    QString error;
    const platform::DatabaseUrl server = platform::DatabaseUrl::parse(infra.databaseUrl(), &error);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
    db.setHostName(server.host);
    db.setPort(server.port);
    db.setUserName(server.user);
    db.setPassword(server.password);
    db.setDatabaseName(databaseName);
    if (!db.open())
        qWarning() << "cannot open" << databaseName << db.lastError().text();
    return db;
}

} // namespace paydesk::testing
