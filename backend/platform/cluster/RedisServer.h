#pragma once

#include "platform/cluster/ChildProcess.h"

namespace paydesk::platform {

struct RedisOptions
{
    QString dataDir; // holds redis.conf, the append-only files and redis.log; created if missing
    QString host = QStringLiteral("127.0.0.1"); // an IP literal: the only listen address
    quint16 port = 40379;
    QString binary;       // empty = redis-server from PATH
    QString passwordFile; // generated password, mode 0600; empty = <dataDir>/../secrets/redis.password
};

// The host's private Redis, run as a supervised child with append-only persistence (fsync every
// second) and a generated password. The password goes into <dataDir>/redis.conf (mode 0600), never
// onto the command line where `ps` would show it.
//
// Thread: the thread that creates it (the main thread); see ChildProcess.
class RedisServer : public ChildProcess
{
    Q_OBJECT
public:
    explicit RedisServer(RedisOptions options, QObject *parent = nullptr);
    ~RedisServer() override; // stops the server if this object started it

    // Creates the data directory (0700) and loads or generates the password. Idempotent.
    bool initialize(QString *error);
    // Runs initialize() if needed, starts redis-server, and waits until AUTH + PING answer PONG.
    bool start(int timeoutMs, QString *error);

    QString connectionUrl() const; // redis://:<password>@127.0.0.1:<port>/0 (password percent-encoded)
    QString password() const { return m_password; }
    QString host() const { return m_options.host; }
    quint16 port() const { return m_options.port; }
    QString dataDir() const { return m_options.dataDir; }
    QString logFile() const;

protected:
    bool prepareLaunch(ChildLaunch *launch, QString *error) override;
    bool probeReady() override;
    QString describe() const override;

private:
    QString configFile() const;

    RedisOptions m_options;
    QString m_binary;
    QString m_password;
    bool m_initialized = false;
};

} // namespace paydesk::platform
