#include "platform/cluster/PostgresCluster.h"

#include <QDebug>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpSocket>
#include <QUrl>

#include <csignal>
#include <unistd.h>

namespace paydesk::platform {

namespace postgrescluster {

constexpr int kProbeConnectMs = 250;

// readlink(2) as is: QFile::symLinkTarget() would resolve further.
QString linkTarget(const QString &path)
{
    char buffer[4096];
    const ssize_t length = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return length > 0 ? QFile::decodeName(QByteArray(buffer, length)) : QString();
}

} // namespace postgrescluster

PostgresCluster::PostgresCluster(PostgresOptions options, QObject *parent)
    : ChildProcess(QStringLiteral("PostgreSQL"), SIGINT /* fast shutdown */, parent),
      m_options(std::move(options))
{
    Q_ASSERT(!m_options.dataDir.isEmpty());
    Q_ASSERT(m_options.maxConnections > 0);
    m_options.dataDir = QDir::cleanPath(QDir(m_options.dataDir).absolutePath());
    if (m_options.passwordFile.isEmpty())
        m_options.passwordFile =
            QDir::cleanPath(m_options.dataDir + QStringLiteral("/../secrets/postgres.password"));
}

PostgresCluster::~PostgresCluster()
{
    stop();
}

QString PostgresCluster::logFile() const
{
    return m_options.dataDir + QStringLiteral("/postgres.log");
}

QString PostgresCluster::connectionUrl() const
{
    return QStringLiteral("postgresql://%1:%2@%3:%4/postgres")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_options.superuser)),
             QString::fromLatin1(QUrl::toPercentEncoding(m_password)), urlHost(m_options.host))
        .arg(m_options.port);
}

QString PostgresCluster::describe() const
{
    return QStringLiteral("PostgreSQL server %1/postgres (data %2, %3:%4)")
        .arg(m_binDir.isEmpty() ? QStringLiteral("<bin>") : m_binDir, m_options.dataDir, m_options.host)
        .arg(m_options.port);
}

bool PostgresCluster::initialize(QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (!resolveRunAs(error) || !resolveBinDir(error) || !prepareDataDir(error))
        return false;
    const bool clusterExists = QFileInfo::exists(m_options.dataDir + QStringLiteral("/PG_VERSION"));
    if (clusterExists && !QFileInfo::exists(m_options.passwordFile)) {
        // A new password would not match the one stored in the cluster.
        *error =
            QStringLiteral("PostgreSQL cluster %1 exists but its password file %2 is missing; restore it "
                           "from backup")
                .arg(m_options.dataDir, m_options.passwordFile);
        return false;
    }
    if (!loadOrCreatePassword(m_options.passwordFile, &m_password, error))
        return false;
    if (!clusterExists && !runInitdb(error))
        return false;
    if (!prepareSocketDir(error))
        return false;
    m_initialized = true;
    return true;
}

bool PostgresCluster::start(int timeoutMs, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (isRunning())
        return true;
    if (!m_initialized && !initialize(error))
        return false;
    if (!ensurePortFree(describe(), m_options.host, m_options.port, error)) {
        *error += leftoverServerHint();
        return false;
    }
    return startSupervised(timeoutMs, error);
}

bool PostgresCluster::prepareLaunch(ChildLaunch *launch, QString *error)
{
    if (!prepareSocketDir(error)) // /tmp may have been cleaned since the last start
        return false;
    launch->program = m_binDir + QStringLiteral("/postgres");
    // Settings go on the command line rather than into postgresql.conf: command-line values win over
    // ALTER SYSTEM, so durability cannot be switched off from SQL. No secret is among them.
    launch->arguments = {
        QStringLiteral("-D"), m_options.dataDir,
        QStringLiteral("-p"), QString::number(m_options.port),
        QStringLiteral("-h"), m_options.host,
        QStringLiteral("-k"), m_socketDir,
        QStringLiteral("-c"), QStringLiteral("max_connections=%1").arg(m_options.maxConnections),
        QStringLiteral("-c"), QStringLiteral("fsync=on"),
        QStringLiteral("-c"), QStringLiteral("synchronous_commit=on"),
        QStringLiteral("-c"), QStringLiteral("full_page_writes=on"),
        QStringLiteral("-c"), QStringLiteral("logging_collector=off"),
        QStringLiteral("-c"), QStringLiteral("log_destination=stderr")};
    launch->workingDirectory = m_options.dataDir;
    launch->logFile = logFile();
    launch->runAs = m_runAs;
    if (!QFileInfo::exists(launch->logFile)) {
        QFile(launch->logFile).open(QIODevice::WriteOnly | QIODevice::Append);
        giveToServerUser(launch->logFile);
    }
    return true;
}

// postmaster.pid holds the postmaster's PID on line 1 and its status on line 8, which becomes
// "ready" once it accepts connections. Matching the PID proves the answer comes from our child and
// not from another server that got the port; the TCP connect checks the address clients will use
// (a connection that sends nothing is not logged by the server).
bool PostgresCluster::probeReady()
{
    QFile pidFile(m_options.dataDir + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> lines = pidFile.readAll().split('\n');
    if (lines.size() < 8 || lines[0].trimmed().toLongLong() != pid() || lines[7].trimmed() != "ready")
        return false;
    QTcpSocket socket;
    socket.connectToHost(m_options.host, m_options.port);
    return socket.waitForConnected(postgrescluster::kProbeConnectMs);
}

// Every PostgreSQL child calls setsid(), so killing the postmaster's process group leaves them
// running; one busy in a query does not notice the postmaster's death and keeps the old shared
// memory attached, and the next postmaster refuses to start ("pre-existing shared memory block is
// still in use"). They are found as the server's own hint says: the same binary, with this data
// directory as working directory. If postmaster.pid names a live postmaster, those processes are
// its workers (another server holds this cluster) and are left alone.
void PostgresCluster::killOrphanedWorkers()
{
    const QString binary = QFileInfo(m_binDir + QStringLiteral("/postgres")).canonicalFilePath();
    const QString dataDir = QFileInfo(m_options.dataDir).canonicalFilePath();
    if (binary.isEmpty() || dataDir.isEmpty())
        return;
    const auto isServerProcess = [&](const QString &pid) {
        const QString procDir = QStringLiteral("/proc/") + pid;
        // " (deleted)" follows the path when the package was upgraded under a running server.
        return postgrescluster::linkTarget(procDir + QStringLiteral("/cwd")) == dataDir &&
               postgrescluster::linkTarget(procDir + QStringLiteral("/exe")).startsWith(binary);
    };
    QFile pidFile(m_options.dataDir + QStringLiteral("/postmaster.pid"));
    const QString postmaster =
        pidFile.open(QIODevice::ReadOnly) ? QString::fromLatin1(pidFile.readLine().trimmed()) : QString();
    if (!postmaster.isEmpty() && isServerProcess(postmaster)) {
        qWarning().noquote() << "PostgreSQL server" << postmaster << "is live on" << m_options.dataDir
                             << "- leaving its processes alone";
        return;
    }
    QList<pid_t> killed;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const pid_t candidate = static_cast<pid_t>(entry.toInt(&isPid));
        if (isPid && isServerProcess(entry) && ::kill(candidate, SIGKILL) == 0)
            killed << candidate;
    }
    if (!killed.isEmpty())
        qWarning().noquote() << "killed" << killed.size() << "orphaned PostgreSQL processes of"
                             << m_options.dataDir << killed;
}

QString PostgresCluster::leftoverServerHint() const
{
    QFile pidFile(m_options.dataDir + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return {};
    const qint64 otherPid = pidFile.readLine().trimmed().toLongLong();
    if (otherPid <= 0 || ::kill(static_cast<pid_t>(otherPid), 0) != 0)
        return {};
    return QStringLiteral(
               "\n%1/postmaster.pid names live process %2: a server on this cluster left over from "
               "an earlier run? Stop it with: kill -INT %2")
        .arg(m_options.dataDir)
        .arg(otherPid);
}

} // namespace paydesk::platform
