#include "platform/db/Database.h"
#include "platform/observe/Metrics.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

#include <functional>
#include <vector>

namespace paydesk::platform {

namespace {
// Removes this thread's connections when the thread ends (worker pools, service threads).
struct ThreadConnections
{
    struct Entry
    {
        QString name;
        std::function<void()> onClose;
    };
    std::vector<Entry> entries;
    ~ThreadConnections()
    {
        for (const Entry &entry : entries) {
            QSqlDatabase::removeDatabase(entry.name);
            if (entry.onClose)
                entry.onClose();
        }
    }
};
thread_local ThreadConnections t_connections;
} // namespace

DatabaseUrl DatabaseUrl::parse(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() ||
        (url.scheme() != QStringLiteral("postgresql") && url.scheme() != QStringLiteral("postgres"))) {
        *error = QStringLiteral("database URL must look like postgresql://user:password@host:port/database");
        return {};
    }
    DatabaseUrl result;
    result.host = url.host().isEmpty() ? QStringLiteral("127.0.0.1") : url.host();
    result.port = url.port(5432);
    result.user = url.userName(QUrl::FullyDecoded);
    result.password = url.password(QUrl::FullyDecoded);
    const QString path = url.path(QUrl::FullyDecoded).mid(1);
    if (!path.isEmpty())
        result.database = path;
    return result;
}

QString DatabaseUrl::toString(bool withPassword) const
{
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(host);
    url.setPort(port);
    url.setUserName(user);
    if (withPassword)
        url.setPassword(password);
    url.setPath(u'/' + database);
    return url.toString();
}

Database::Database(QString service, DatabaseUrl server, QString databaseName,
                   std::shared_ptr<ServiceMetrics> metrics)
    : m_service(std::move(service)), m_server(std::move(server)), m_databaseName(std::move(databaseName)),
      m_pool(std::make_shared<PoolState>())
{
    m_pool->metrics = std::move(metrics);
}

QString Database::connectionName() const
{
    return m_databaseName + u'@' + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
}

QSqlDatabase Database::open(const QString &name, const QString &databaseName, QString *error)
{
    QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                   : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    if (db.isOpen())
        return db;
    db.setHostName(m_server.host);
    db.setPort(m_server.port);
    db.setUserName(m_server.user);
    db.setPassword(m_server.password);
    db.setDatabaseName(databaseName);
    // Fail fast when the server is down: readiness must flip within seconds, not minutes.
    db.setConnectOptions(QStringLiteral("connect_timeout=2;application_name=paydesk-%1").arg(m_service));
    if (!db.open()) {
        *error = QStringLiteral("cannot connect to %1 on %2:%3: %4")
                     .arg(databaseName, m_server.host)
                     .arg(m_server.port)
                     .arg(db.lastError().text().trimmed());
        return db;
    }
    return db;
}

QSqlDatabase Database::connection(QString *error)
{
    const QString name = connectionName();
    const bool known = QSqlDatabase::contains(name);
    QSqlDatabase db = open(name, m_databaseName, error);
    if (!known) {
        const int open = ++m_pool->open;
        if (m_pool->metrics)
            m_pool->metrics->dbPoolOpen().Set(open);
        t_connections.entries.push_back({name, [pool = m_pool] {
                                             const int left = --pool->open;
                                             if (pool->metrics)
                                                 pool->metrics->dbPoolOpen().Set(left);
                                         }});
    }
    return db;
}

void Database::dropConnection()
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name))
        QSqlDatabase::database(name, false).close();
}

bool Database::ensureExists(QString *error)
{
    const QString name = m_databaseName + QStringLiteral("#maintenance@") +
                         QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
    bool ok = false;
    {
        QSqlDatabase admin = open(name, m_server.database, error);
        if (admin.isOpen()) {
            QSqlQuery query(admin);
            query.prepare(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = ?"));
            query.addBindValue(m_databaseName);
            if (!query.exec()) {
                *error = query.lastError().text();
            } else if (query.next()) {
                ok = true;
            } else {
                // Identifiers cannot be bound; the name comes from the service catalog, not a user.
                Q_ASSERT(m_databaseName.contains(QRegularExpression(QStringLiteral("^[a-z_][a-z0-9_]*$"))));
                QSqlQuery create(admin);
                ok = create.exec(QStringLiteral("CREATE DATABASE %1").arg(m_databaseName));
                // Two processes racing to create it: the loser sees duplicate_database (42P04).
                if (!ok && create.lastError().nativeErrorCode() == QStringLiteral("42P04"))
                    ok = true;
                if (!ok)
                    *error = QStringLiteral("cannot create database %1: %2")
                                 .arg(m_databaseName, create.lastError().text());
            }
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

Database::Use::Use(Database &db) : m_db(db)
{
    const int inUse = ++m_db.m_pool->inUse;
    if (m_db.m_pool->metrics)
        m_db.m_pool->metrics->dbPoolInUse().Set(inUse);
}

Database::Use::~Use()
{
    const int inUse = --m_db.m_pool->inUse;
    if (m_db.m_pool->metrics)
        m_db.m_pool->metrics->dbPoolInUse().Set(inUse);
}

bool inTransaction(QSqlDatabase &db, const std::function<bool(QString *error)> &work, QString *error)
{
    if (!db.transaction()) {
        *error = QStringLiteral("cannot begin transaction: %1").arg(db.lastError().text());
        return false;
    }
    if (!work(error)) {
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *error = QStringLiteral("commit failed: %1").arg(db.lastError().text());
        db.rollback();
        return false;
    }
    return true;
}

} // namespace paydesk::platform
