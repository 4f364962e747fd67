#pragma once
// A synchronous hiredis connection. Not thread-safe: one thread uses it at a time (a service's
// readiness check, a worker). Reconnects on the next command after an I/O error.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

struct redisContext;

namespace paydesk::platform {

struct RedisUrl
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 6379;
    QString password;
    int database = 0;
    // redis://[:password@]host:port[/db]
    static RedisUrl parse(const QString &url, QString *error);
    QString toString(bool withPassword = false) const;
};

class RedisConnection
{
public:
    explicit RedisConnection(RedisUrl url, int timeoutMs = 2000);
    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    // Runs one command; the reply is a string, integer, list or null QVariant. Returns false with
    // *error on connection or protocol errors and on Redis error replies.
    bool command(const QList<QByteArray> &args, QVariant *reply, QString *error);
    bool ping(QString *error);

private:
    bool ensureConnected(QString *error);
    void disconnect();

    const RedisUrl m_url;
    const int m_timeoutMs;
    redisContext *m_context = nullptr;
};

} // namespace paydesk::platform
