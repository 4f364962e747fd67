#pragma once

#include "platform/cluster/ChildProcess.h"

namespace paydesk::platform {

struct PostgresOptions
{
    QString dataDir;                            // cluster directory, e.g. <data>/postgres; created if missing
    QString host = QStringLiteral("127.0.0.1"); // an IP literal: the only TCP listen address
    quint16 port = 40432;
    QString binDir; // empty = the version in <dataDir>/PG_VERSION, else the newest
                    // /usr/lib/postgresql/*/bin
    int maxConnections = 300;
    QString superuser = QStringLiteral("paydesk");
    QString passwordFile; // generated password, mode 0600;
                          // empty = <dataDir>/../secrets/postgres.password
};

// The host's private PostgreSQL cluster, run as a supervised child (`postgres`, not pg_ctl, so the
// supervisor sees it die). The superuser password is generated once, kept in passwordFile and never
// put on a command line; local and host logins both require SCRAM.
//
// PostgreSQL refuses to run as root. When the host is root, initdb and postgres run as the `postgres`
// user: the data directory is given to that user (mode 0700) and its ancestors get o+x.
//
// Thread: the thread that creates it (the main thread); see ChildProcess.
class PostgresCluster : public ChildProcess
{
    Q_OBJECT
public:
    explicit PostgresCluster(PostgresOptions options, QObject *parent = nullptr);
    ~PostgresCluster() override; // stops the server if this object started it

    // Creates the cluster (initdb) when PG_VERSION is missing; otherwise checks it. Idempotent.
    bool initialize(QString *error);
    // Runs initialize() if needed, starts `postgres`, and waits until it accepts TCP connections.
    bool start(int timeoutMs, QString *error);

    // postgresql://paydesk:<password>@127.0.0.1:<port>/postgres (password percent-encoded)
    QString connectionUrl() const;
    QString password() const { return m_password; }
    QString superuser() const { return m_options.superuser; }
    QString host() const { return m_options.host; }
    quint16 port() const { return m_options.port; }
    QString dataDir() const { return m_options.dataDir; }
    QString socketDir() const { return m_socketDir; } // holds .s.PGSQL.<port>; set by initialize()
    QString logFile() const;

protected:
    bool prepareLaunch(ChildLaunch *launch, QString *error) override;
    bool probeReady() override;
    QString describe() const override;
    void killOrphanedWorkers() override;

private:
    bool resolveRunAs(QString *error);
    bool resolveBinDir(QString *error);
    bool prepareDataDir(QString *error);
    bool makeAncestorsTraversable(QString *error);
    bool prepareSocketDir(QString *error);
    bool runInitdb(QString *error);
    void giveToServerUser(const QString &path);
    QString leftoverServerHint() const;

    PostgresOptions m_options;
    std::optional<ChildIdentity> m_runAs; // set when the host runs as root
    QString m_binDir;
    QString m_socketDir;
    QString m_password;
    bool m_initialized = false;
};

} // namespace paydesk::platform
