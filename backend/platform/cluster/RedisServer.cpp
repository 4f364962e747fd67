#include "platform/cluster/RedisServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

#include <csignal>
#include <hiredis/hiredis.h>
#include <memory>

namespace paydesk::platform {

namespace redisserver {

constexpr int kProbeTimeoutUs = 250000; // per connect and per reply, on loopback

// redis.conf strings are parsed by sdssplitargs: double quotes with backslash escapes.
QByteArray quoted(const QString &value)
{
    QByteArray text = value.toUtf8();
    text.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + text + '"';
}

struct ContextDeleter
{
    void operator()(redisContext *context) const { redisFree(context); }
};
struct ReplyDeleter
{
    void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

} // namespace redisserver

RedisServer::RedisServer(RedisOptions options, QObject *parent)
    : ChildProcess(QStringLiteral("Redis"), SIGTERM /* saves and exits */, parent),
      m_options(std::move(options))
{
    Q_ASSERT(!m_options.dataDir.isEmpty());
    m_options.dataDir = QDir::cleanPath(QDir(m_options.dataDir).absolutePath());
    if (m_options.passwordFile.isEmpty())
        m_options.passwordFile =
            QDir::cleanPath(m_options.dataDir + QStringLiteral("/../secrets/redis.password"));
}

RedisServer::~RedisServer()
{
    stop();
}

QString RedisServer::logFile() const
{
    return m_options.dataDir + QStringLiteral("/redis.log");
}

QString RedisServer::configFile() const
{
    return m_options.dataDir + QStringLiteral("/redis.conf");
}

QString RedisServer::connectionUrl() const
{
    return QStringLiteral("redis://:%1@%2:%3/0")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_password)), urlHost(m_options.host))
        .arg(m_options.port);
}

QString RedisServer::describe() const
{
    return QStringLiteral("Redis server %1 (data %2, %3:%4)")
        .arg(m_binary.isEmpty() ? QStringLiteral("redis-server") : m_binary, m_options.dataDir,
             m_options.host)
        .arg(m_options.port);
}

bool RedisServer::initialize(QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    m_binary = m_options.binary.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("redis-server"))
                                          : m_options.binary;
    if (m_binary.isEmpty() || !QFileInfo(m_binary).isExecutable()) {
        *error = m_options.binary.isEmpty()
                     ? QStringLiteral(
                           "redis-server is not in PATH; install redis-server or set RedisOptions::binary")
                     : QStringLiteral("Redis binary %1 is missing or not executable").arg(m_options.binary);
        return false;
    }
    if (!QDir().mkpath(m_options.dataDir) ||
        !QFile::setPermissions(m_options.dataDir,
                               QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        *error =
            QStringLiteral("cannot create Redis data directory %1 with mode 0700").arg(m_options.dataDir);
        return false;
    }
    if (!loadOrCreatePassword(m_options.passwordFile, &m_password, error))
        return false;
    m_initialized = true;
    return true;
}

bool RedisServer::start(int timeoutMs, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (isRunning())
        return true;
    if (!m_initialized && !initialize(error))
        return false;
    if (!ensurePortFree(describe(), m_options.host, m_options.port, error))
        return false;
    return startSupervised(timeoutMs, error);
}

// Rewritten on every (re)start so that it always matches the options; the server reads nothing else.
bool RedisServer::prepareLaunch(ChildLaunch *launch, QString *error)
{
    QByteArray config;
    config += "# Written by PayDesk at every start; change RedisOptions instead.\n";
    config += "port " + QByteArray::number(m_options.port) + '\n';
    config += "bind " + redisserver::quoted(m_options.host) + '\n';
    config += "protected-mode yes\n";
    config += "daemonize no\n"; // the supervisor must be the parent
    config += "dir " + redisserver::quoted(m_options.dataDir) + '\n';
    config += "logfile " + redisserver::quoted(logFile()) + '\n';
    // Durability: the append-only file is fsynced every second; RDB snapshots are off.
    config += "appendonly yes\n";
    config += "appendfsync everysec\n";
    config += "save \"\"\n";
    config += "requirepass " + redisserver::quoted(m_password) + '\n';
    if (!writePrivateFile(configFile(), config, error))
        return false;
    launch->program = m_binary;
    launch->arguments = {configFile()};
    launch->workingDirectory = m_options.dataDir;
    launch->logFile = logFile(); // catches what Redis prints before it opens its own log
    return true;
}

// AUTH proves this is our server (a foreign one on the port would not know the password); PING
// answers -LOADING instead of PONG while the append-only file is being replayed.
bool RedisServer::probeReady()
{
    const timeval timeout{0, redisserver::kProbeTimeoutUs};
    redisserver::ContextPtr context(
        redisConnectWithTimeout(m_options.host.toUtf8().constData(), m_options.port, timeout));
    if (!context || context->err != 0 || redisSetTimeout(context.get(), timeout) != REDIS_OK)
        return false;
    const QByteArray password = m_password.toUtf8();
    redisserver::ReplyPtr auth(static_cast<redisReply *>(
        redisCommand(context.get(), "AUTH %b", password.constData(), static_cast<size_t>(password.size()))));
    if (!auth || auth->type != REDIS_REPLY_STATUS)
        return false;
    redisserver::ReplyPtr pong(static_cast<redisReply *>(redisCommand(context.get(), "PING")));
    return pong && pong->type == REDIS_REPLY_STATUS && qstrcmp(pong->str, "PONG") == 0;
}

} // namespace paydesk::platform
