// PostgresCluster's first-time setup, apart from running the server: the user it runs as, which
// binaries, the data directory's owner, mode and reachable ancestors, the socket directory, initdb.

#include "platform/cluster/PostgresCluster.h"

#include <QDebug>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryFile>
#include <QVersionNumber>

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace paydesk::platform {

namespace postgresclustersetup {

constexpr int kInitdbTimeoutMs = 180000; // fsyncs every file of the new cluster
constexpr int kGroupCountMax = 4096;
// sun_path is 108 bytes including the NUL; PostgreSQL refuses longer socket paths.
constexpr qsizetype kSocketPathMax = sizeof(sockaddr_un{}.sun_path) - 1;
constexpr char kServerUser[] = "postgres";

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace postgresclustersetup

bool PostgresCluster::resolveRunAs(QString *error)
{
    if (::geteuid() != 0) {
        m_runAs.reset();
        return true;
    }
    const passwd *entry = ::getpwnam(postgresclustersetup::kServerUser);
    if (!entry) {
        *error =
            QStringLiteral("the host runs as root, which PostgreSQL refuses, and there is no '%1' user to "
                           "run it as (install postgresql or create the user)")
                .arg(QLatin1String(postgresclustersetup::kServerUser));
        return false;
    }
    ChildIdentity identity;
    identity.userName = QString::fromLatin1(postgresclustersetup::kServerUser);
    identity.uid = entry->pw_uid;
    identity.gid = entry->pw_gid;
    int groupCount = 32;
    identity.groups.resize(groupCount);
    while (::getgrouplist(postgresclustersetup::kServerUser, identity.gid, identity.groups.data(),
                          &groupCount) < 0) {
        if (groupCount > postgresclustersetup::kGroupCountMax) {
            *error = QStringLiteral("user '%1' is in more than %2 groups")
                         .arg(QLatin1String(postgresclustersetup::kServerUser))
                         .arg(postgresclustersetup::kGroupCountMax);
            return false;
        }
        identity.groups.resize(groupCount); // getgrouplist reported the size it needs
    }
    identity.groups.resize(groupCount);
    m_runAs = std::move(identity);
    return true;
}

bool PostgresCluster::resolveBinDir(QString *error)
{
    if (!m_options.binDir.isEmpty()) {
        m_binDir = QDir::cleanPath(m_options.binDir);
    } else {
        // Prefer the major version that created an existing cluster: a newer server cannot open it.
        QFile versionFile(m_options.dataDir + QStringLiteral("/PG_VERSION"));
        const QString clusterVersion = versionFile.open(QIODevice::ReadOnly)
                                           ? QString::fromLatin1(versionFile.readAll()).trimmed()
                                           : QString();
        QVersionNumber newest;
        const QDir root(QStringLiteral("/usr/lib/postgresql"));
        for (const QString &entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            if (!QFileInfo(root.filePath(entry + QStringLiteral("/bin/postgres"))).isExecutable())
                continue;
            const QVersionNumber version = QVersionNumber::fromString(entry);
            if (entry == clusterVersion) {
                newest = version;
                break;
            }
            newest = std::max(newest, version);
        }
        if (newest.isNull()) {
            *error =
                QStringLiteral("no PostgreSQL server found in /usr/lib/postgresql/*/bin; install postgresql "
                               "or set PostgresOptions::binDir");
            return false;
        }
        m_binDir = root.filePath(newest.toString() + QStringLiteral("/bin"));
    }
    for (const char *tool : {"postgres", "initdb"}) {
        const QString path = m_binDir + u'/' + QLatin1String(tool);
        if (!QFileInfo(path).isExecutable()) {
            *error = QStringLiteral("PostgreSQL program %1 is missing or not executable").arg(path);
            return false;
        }
    }
    return true;
}

bool PostgresCluster::prepareDataDir(QString *error)
{
    const QString &dir = m_options.dataDir;
    const QByteArray path = QFile::encodeName(dir);
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create PostgreSQL data directory %1").arg(dir);
        return false;
    }
    if (m_runAs) {
        struct stat info = {};
        if (::stat(path.constData(), &info) != 0) {
            *error = QStringLiteral("cannot stat %1: %2").arg(dir, postgresclustersetup::systemError());
            return false;
        }
        if (info.st_uid != m_runAs->uid) {
            // Re-owning a whole existing cluster is an operator decision, not a startup side effect.
            if (QFileInfo::exists(dir + QStringLiteral("/PG_VERSION"))) {
                *error =
                    QStringLiteral("PostgreSQL cluster %1 belongs to uid %2, not to '%3'; the server would "
                                   "refuse it (chown -R %3: %1 if it is yours)")
                        .arg(dir)
                        .arg(info.st_uid)
                        .arg(m_runAs->userName);
                return false;
            }
            if (::chown(path.constData(), m_runAs->uid, m_runAs->gid) != 0) {
                *error = QStringLiteral("cannot give %1 to user '%2': %3")
                             .arg(dir, m_runAs->userName, postgresclustersetup::systemError());
                return false;
            }
        }
        if (!makeAncestorsTraversable(error))
            return false;
    }
    // PostgreSQL refuses a data directory that others can read.
    if (::chmod(path.constData(), 0700) != 0) {
        *error =
            QStringLiteral("cannot set mode 0700 on %1: %2").arg(dir, postgresclustersetup::systemError());
        return false;
    }
    return true;
}

// The server user is "other" to root-owned ancestors, so each needs o+x to reach the data directory
// (QTemporaryDir and home directories are typically 0700).
bool PostgresCluster::makeAncestorsTraversable(QString *error)
{
    QStringList changed;
    QString dir = QFileInfo(m_options.dataDir).absolutePath();
    for (;;) {
        const QByteArray path = QFile::encodeName(dir);
        struct stat info = {};
        if (::stat(path.constData(), &info) != 0) {
            *error = QStringLiteral("cannot stat %1: %2").arg(dir, postgresclustersetup::systemError());
            return false;
        }
        if ((info.st_mode & S_IXOTH) == 0) {
            if (::chmod(path.constData(), (info.st_mode & 07777) | S_IXOTH) != 0) {
                *error =
                    QStringLiteral("cannot add o+x to %1 (PostgreSQL runs as '%2' and must reach %3): %4")
                        .arg(dir, m_runAs->userName, m_options.dataDir, postgresclustersetup::systemError());
                return false;
            }
            changed << dir;
        }
        if (dir == QLatin1String("/"))
            break;
        dir = QFileInfo(dir).absolutePath();
    }
    if (!changed.isEmpty())
        qInfo().noquote() << "PostgreSQL runs as" << m_runAs->userName << "and must reach"
                          << m_options.dataDir << "- added o+x to:" << changed.join(QStringLiteral(", "));
    return true;
}

// The Unix socket goes into the data directory. When that path is too long for sun_path, it goes
// into /tmp/paydesk-pg-<port> instead: the port is unique among live servers, the directory is
// 0700 and must belong to the server's user (a foreign or symlinked one is refused).
bool PostgresCluster::prepareSocketDir(QString *error)
{
    const QString socketName = QStringLiteral("/.s.PGSQL.%1").arg(m_options.port);
    if (QFile::encodeName(m_options.dataDir + socketName).size() <= postgresclustersetup::kSocketPathMax) {
        m_socketDir = m_options.dataDir;
        return true;
    }
    m_socketDir = QStringLiteral("/tmp/paydesk-pg-%1").arg(m_options.port);
    const QByteArray path = QFile::encodeName(m_socketDir);
    const uid_t owner = m_runAs ? m_runAs->uid : ::geteuid();
    if (::mkdir(path.constData(), 0700) == 0) {
        if (m_runAs && ::chown(path.constData(), m_runAs->uid, m_runAs->gid) != 0) {
            *error = QStringLiteral("cannot give socket directory %1 to '%2': %3")
                         .arg(m_socketDir, m_runAs->userName, postgresclustersetup::systemError());
            return false;
        }
        qInfo().noquote() << "PostgreSQL data directory" << m_options.dataDir
                          << "is too long for a Unix socket path; using" << m_socketDir;
        return true;
    }
    struct stat info = {};
    if (errno != EEXIST || ::lstat(path.constData(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != owner) {
        *error = QStringLiteral("cannot use %1 as PostgreSQL socket directory (needed because %2 is too long "
                                "for a Unix socket path): it must be a directory owned by uid %3")
                     .arg(m_socketDir, m_options.dataDir)
                     .arg(owner);
        return false;
    }
    return true;
}

bool PostgresCluster::runInitdb(QString *error)
{
    // initdb reads the password from a file so that it never appears on a command line; the file
    // must be readable by the server user, so it lives in /tmp (reachable) with mode 0600.
    QTemporaryFile passwordCopy(QDir::tempPath() + QStringLiteral("/paydesk-initdb-XXXXXX"));
    if (!passwordCopy.open() || passwordCopy.write(m_password.toLatin1() + '\n') < 0 ||
        !passwordCopy.flush() ||
        (m_runAs && ::fchown(passwordCopy.handle(), m_runAs->uid, m_runAs->gid) != 0)) {
        *error = QStringLiteral("cannot write a temporary password file for initdb in %1: %2")
                     .arg(QDir::tempPath(), passwordCopy.errorString());
        return false;
    }
    ChildLaunch launch;
    launch.program = m_binDir + QStringLiteral("/initdb");
    launch.workingDirectory = m_options.dataDir; // the server user may not be able to enter ours
    launch.runAs = m_runAs;
    const QStringList common = {QStringLiteral("-D"),
                                m_options.dataDir,
                                QStringLiteral("-U"),
                                m_options.superuser,
                                QStringLiteral("--auth-local=scram-sha-256"),
                                QStringLiteral("--auth-host=scram-sha-256"),
                                QStringLiteral("--pwfile=") + passwordCopy.fileName(),
                                QStringLiteral("-E"),
                                QStringLiteral("UTF8")};
    // C.UTF-8 sorts by code point like C but classifies non-ASCII text; not every libc has it.
    const QStringList localeChoices = {QStringLiteral("--locale=C.UTF-8"), QStringLiteral("--no-locale")};
    QByteArray output;
    for (const QString &locale : localeChoices) {
        launch.arguments = common + QStringList{locale};
        QByteArray attemptOutput;
        QString runError;
        const bool ok =
            runToCompletion(launch, postgresclustersetup::kInitdbTimeoutMs, &attemptOutput, &runError);
        output += attemptOutput;
        if (ok) {
            // Only now: initdb wants an empty directory, and this log lives inside it.
            QFile log(logFile());
            if (log.open(QIODevice::WriteOnly | QIODevice::Append))
                log.write(output);
            log.close();
            giveToServerUser(logFile());
            qInfo().noquote() << "created PostgreSQL cluster in" << m_options.dataDir << "with" << locale;
            return true;
        }
        if (locale == localeChoices.first() && attemptOutput.contains("locale")) {
            qWarning().noquote() << "initdb rejected C.UTF-8; retrying with --no-locale";
            continue;
        }
        *error = QStringLiteral("creating the PostgreSQL cluster in %1 failed: %2.%3")
                     .arg(m_options.dataDir, runError, textTail(QStringLiteral("initdb output"), output));
        return false;
    }
    return false;
}

void PostgresCluster::giveToServerUser(const QString &path)
{
    if (m_runAs && ::chown(QFile::encodeName(path).constData(), m_runAs->uid, m_runAs->gid) != 0)
        qWarning().noquote() << "cannot give" << path << "to" << m_runAs->userName << ':'
                             << postgresclustersetup::systemError();
}

} // namespace paydesk::platform
