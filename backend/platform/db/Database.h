#pragma once
// A service's own PostgreSQL database (payment_<name>). QSqlDatabase connections may only be used
// on the thread that opened them, so each thread that touches the database gets its own named
// connection on first use; it is closed when that thread ends. Connections are bounded by the
// number of threads that may call (the service's worker pool plus its readiness check).

#include <QSqlDatabase>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace paydesk::platform {

class ServiceMetrics;

struct DatabaseUrl
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString user;
    QString password;
    QString database = QStringLiteral("postgres");

    // postgresql://user:password@host:port/database (postgres:// accepted); percent-decoding applied.
    static DatabaseUrl parse(const QString &url, QString *error);
    QString toString(bool withPassword = false) const;
};

class Database
{
public:
    Database(QString service, DatabaseUrl server, QString databaseName,
             std::shared_ptr<ServiceMetrics> metrics);

    const QString &name() const { return m_databaseName; }
    const DatabaseUrl &server() const { return m_server; }

    // Calling thread's connection, opened (or re-opened after dropConnection) on demand.
    // Returns an invalid/closed QSqlDatabase and sets *error when the server cannot be reached.
    QSqlDatabase connection(QString *error);
    // Closes the calling thread's connection, e.g. after the server went away, so the next
    // connection() reconnects instead of reusing a dead socket.
    void dropConnection();

    // Creates the database when missing (through the server's maintenance database).
    bool ensureExists(QString *error);

    // Marks a connection busy for the db_pool_connections{state="in_use"} gauge.
    class Use
    {
    public:
        explicit Use(Database &db);
        ~Use();
        Use(const Use &) = delete;
        Use &operator=(const Use &) = delete;

    private:
        Database &m_db;
    };

private:
    friend class Use;
    QString connectionName() const;
    QSqlDatabase open(const QString &connectionName, const QString &databaseName, QString *error);

    const QString m_service;
    const DatabaseUrl m_server;
    const QString m_databaseName;
    // Shared with the thread-exit hooks of worker threads, which may run after this object is gone.
    struct PoolState
    {
        std::shared_ptr<ServiceMetrics> metrics;
        std::atomic<int> open{0};
        std::atomic<int> inUse{0};
    };
    std::shared_ptr<PoolState> m_pool;
};

// Runs `work` inside BEGIN … COMMIT on `db`; rolls back when it returns false or the commit fails.
bool inTransaction(QSqlDatabase &db, const std::function<bool(QString *error)> &work, QString *error);

} // namespace paydesk::platform
