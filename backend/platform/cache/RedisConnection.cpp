#include "platform/cache/RedisConnection.h"

#include <QUrl>

#include <hiredis/hiredis.h>

#include <vector>

namespace paydesk::platform {

RedisUrl RedisUrl::parse(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QStringLiteral("redis")) {
        *error = QStringLiteral("Redis URL must look like redis://:password@host:port/db");
        return {};
    }
    RedisUrl result;
    result.host = url.host().isEmpty() ? QStringLiteral("127.0.0.1") : url.host();
    result.port = url.port(6379);
    result.password = url.password(QUrl::FullyDecoded);
    const QString db = url.path().mid(1);
    result.database = db.isEmpty() ? 0 : db.toInt();
    return result;
}

QString RedisUrl::toString(bool withPassword) const
{
    QUrl url;
    url.setScheme(QStringLiteral("redis"));
    url.setHost(host);
    url.setPort(port);
    if (withPassword && !password.isEmpty())
        url.setPassword(password);
    url.setPath(u'/' + QString::number(database));
    return url.toString();
}

RedisConnection::RedisConnection(RedisUrl url, int timeoutMs) : m_url(std::move(url)), m_timeoutMs(timeoutMs)
{
}

RedisConnection::~RedisConnection()
{
    disconnect();
}

void RedisConnection::disconnect()
{
    if (m_context) {
        redisFree(m_context);
        m_context = nullptr;
    }
}

namespace {
QVariant toVariant(const redisReply *reply)
{
    switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        return QByteArray(reply->str, static_cast<qsizetype>(reply->len));
    case REDIS_REPLY_INTEGER:
        return QVariant::fromValue<qlonglong>(reply->integer);
    case REDIS_REPLY_ARRAY: {
        QVariantList list;
        for (size_t i = 0; i < reply->elements; ++i)
            list.append(toVariant(reply->element[i]));
        return list;
    }
    default:
        return {};
    }
}
} // namespace

bool RedisConnection::ensureConnected(QString *error)
{
    if (m_context)
        return true;
    const timeval timeout{m_timeoutMs / 1000, (m_timeoutMs % 1000) * 1000};
    m_context = redisConnectWithTimeout(m_url.host.toUtf8().constData(), m_url.port, timeout);
    if (!m_context || m_context->err) {
        *error = QStringLiteral("cannot connect to Redis at %1:%2: %3")
                     .arg(m_url.host)
                     .arg(m_url.port)
                     .arg(m_context ? QString::fromUtf8(m_context->errstr) : QStringLiteral("out of memory"));
        disconnect();
        return false;
    }
    redisSetTimeout(m_context, timeout);
    QVariant ignored;
    if (!m_url.password.isEmpty() && !command({"AUTH", m_url.password.toUtf8()}, &ignored, error))
        return false;
    if (m_url.database != 0 && !command({"SELECT", QByteArray::number(m_url.database)}, &ignored, error))
        return false;
    return true;
}

bool RedisConnection::command(const QList<QByteArray> &args, QVariant *reply, QString *error)
{
    if (!ensureConnected(error))
        return false;
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(static_cast<size_t>(arg.size()));
    }
    auto *raw = static_cast<redisReply *>(
        redisCommandArgv(m_context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (!raw) {
        *error = QStringLiteral("Redis I/O error: %1").arg(QString::fromUtf8(m_context->errstr));
        disconnect();
        return false;
    }
    const bool failed = raw->type == REDIS_REPLY_ERROR;
    if (failed)
        *error = QStringLiteral("Redis error: %1")
                     .arg(QString::fromUtf8(raw->str, static_cast<qsizetype>(raw->len)));
    else
        *reply = toVariant(raw);
    freeReplyObject(raw);
    return !failed;
}

bool RedisConnection::ping(QString *error)
{
    QVariant reply;
    if (!command({"PING"}, &reply, error))
        return false;
    if (reply.toByteArray() != "PONG") {
        *error = QStringLiteral("unexpected PING reply");
        return false;
    }
    return true;
}

} // namespace paydesk::platform
