#include "platform/cluster/ChildProcess.h"

#include <QDebug>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace paydesk::platform {

// Helpers sit in a per-file named namespace and are used qualified: the platform library is a
// unity build, where anonymous namespaces or using-directives would mix names across .cpp files.
namespace childprocess {

constexpr int kStartWaitMs = 5000;  // fork+exec; longer means the machine is in trouble
constexpr int kKillWaitMs = 5000;   // after SIGKILL only the kernel can delay the exit
constexpr int kPasswordLength = 32; // 64-symbol alphabet: 192 bits
constexpr char kPasswordAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr int kPasswordAlphabetSize = sizeof(kPasswordAlphabet) - 1;
static_assert(kPasswordAlphabetSize == 64, "6 bits per character, and no URL or shell quoting needed");
constexpr qint64 kTailBytesMax = 4096;
constexpr int kTailLinesMax = 12;

[[noreturn]] void failInChild(const char *message)
{
    // stderr is already the log file (or the pipe of runToCompletion) at this point.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message, std::strlen(message));
    ::_exit(127);
}

void installChildSetup(QProcess *process, const std::optional<ChildIdentity> &runAs, int deathSignal)
{
    const pid_t parentPid = ::getpid();
    process->setChildProcessModifier([runAs, parentPid, deathSignal]() {
        // Runs between fork and exec: async-signal-safe calls only.
        if (::setpgid(0, 0) != 0)
            failInChild("paydesk: setpgid failed in the server child\n");
        if (runAs && (::setgroups(runAs->groups.size(), runAs->groups.data()) != 0 ||
                      ::setgid(runAs->gid) != 0 || ::setuid(runAs->uid) != 0))
            failInChild("paydesk: could not switch the server child to its user\n");
        // After setuid, because a credential change clears the parent-death signal.
        if (::prctl(PR_SET_PDEATHSIG, deathSignal) != 0 || ::getppid() != parentPid)
            ::_exit(127);
    });
}

void configureProcess(QProcess *process, const ChildLaunch &launch, int deathSignal)
{
    process->setProgram(launch.program);
    process->setArguments(launch.arguments);
    process->setWorkingDirectory(launch.workingDirectory);
    process->setStandardInputFile(QProcess::nullDevice());
    installChildSetup(process, launch.runAs, deathSignal);
}

} // namespace childprocess

ChildProcess::ChildProcess(QString serverName, int stopSignal, QObject *parent)
    : QObject(parent), m_serverName(std::move(serverName)), m_stopSignal(stopSignal),
      m_process(new QProcess(this))
{
    m_clock.start();
    m_restartTimer.setSingleShot(true);
    m_probeTimer.setInterval(kPollMs);
    connect(m_process, &QProcess::finished, this, &ChildProcess::onChildFinished);
    connect(&m_restartTimer, &QTimer::timeout, this, &ChildProcess::onRestartTimer);
    connect(&m_probeTimer, &QTimer::timeout, this, &ChildProcess::onProbeTimer);
}

ChildProcess::~ChildProcess()
{
    stop();
}

bool ChildProcess::isRunning() const
{
    return m_state == State::Running;
}

qint64 ChildProcess::pid() const
{
    return m_process->state() == QProcess::NotRunning ? 0 : m_process->processId();
}

bool ChildProcess::startSupervised(int timeoutMs, QString *error)
{
    Q_ASSERT(timeoutMs > 0);
    if (m_state == State::Running)
        return true;
    if (m_state != State::Stopped && m_state != State::GaveUp) {
        *error =
            describe() + QStringLiteral(": start() called while a restart is pending; call stop() first");
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    m_state = State::Starting;
    m_readyTimeoutMs = timeoutMs;
    m_restartTimesMs.clear();
    if (!launch(error) || !waitUntilReady(deadline, error)) {
        killGroup();
        m_process->waitForFinished(childprocess::kKillWaitMs);
        killOrphanedWorkers();
        m_processGroup = 0;
        m_state = State::Stopped;
        return false;
    }
    m_state = State::Running;
    qInfo().noquote() << describe() << "is ready, pid" << pid();
    return true;
}

// Also runs from ~ChildProcess, where the subclass is gone: subclasses call it from their own destructor.
void ChildProcess::stop(int timeoutMs)
{
    m_restartTimer.stop();
    m_probeTimer.stop();
    if (m_process->state() != QProcess::NotRunning) {
        m_state = State::Stopping; // onChildFinished() must not treat this exit as a crash
        ::kill(static_cast<pid_t>(m_process->processId()), m_stopSignal);
        if (!m_process->waitForFinished(timeoutMs)) {
            qWarning().noquote() << m_serverName << "did not stop within" << timeoutMs
                                 << "ms; killing its process group";
            killGroup();
            m_process->waitForFinished(childprocess::kKillWaitMs);
            killOrphanedWorkers(); // the subclass's override, unless called from ~ChildProcess
        }
        qInfo().noquote() << m_serverName << "stopped";
    }
    m_processGroup = 0;
    m_state = State::Stopped;
}

bool ChildProcess::launch(QString *error)
{
    m_processGroup = 0;
    ChildLaunch spec;
    if (!prepareLaunch(&spec, error))
        return false;
    childprocess::configureProcess(m_process, spec, m_stopSignal);
    m_process->setStandardOutputFile(spec.logFile, QIODevice::Append);
    m_process->setStandardErrorFile(spec.logFile, QIODevice::Append);
    m_logFile = spec.logFile;
    m_logOffsetAtLaunch = QFileInfo(spec.logFile).size();
    m_process->start();
    if (!m_process->waitForStarted(childprocess::kStartWaitMs)) {
        *error =
            QStringLiteral("%1: cannot run %2: %3").arg(describe(), spec.program, m_process->errorString());
        return false;
    }
    m_processGroup = static_cast<pid_t>(m_process->processId()); // setpgid(0, 0) in the child
    return true;
}

bool ChildProcess::waitUntilReady(QDeadlineTimer deadline, QString *error)
{
    for (;;) {
        if (m_process->state() == QProcess::NotRunning) {
            *error = QStringLiteral("%1 %2 during startup.%3")
                         .arg(describe(), describeExit(), logTailSinceLaunch());
            return false;
        }
        if (probeReady())
            return true;
        if (deadline.hasExpired()) {
            *error = QStringLiteral("%1 did not become ready within %2 ms; killed it.%3")
                         .arg(describe())
                         .arg(m_readyTimeoutMs)
                         .arg(logTailSinceLaunch());
            return false;
        }
        // Doubles as the poll interval and notices an early exit at once.
        m_process->waitForFinished(
            static_cast<int>(std::clamp<qint64>(deadline.remainingTime(), 1, kPollMs)));
    }
}

void ChildProcess::killGroup()
{
    // The group id stays reserved while any member lives, so this cannot hit an unrelated process
    // unless the whole group is gone and its id was reused as a new group within milliseconds.
    if (m_processGroup > 0)
        ::kill(-m_processGroup, SIGKILL);
}

void ChildProcess::killLeftovers()
{
    killGroup();
    killOrphanedWorkers();
}

QString ChildProcess::describeExit() const
{
    return m_process->exitStatus() == QProcess::CrashExit
               ? QStringLiteral("was killed by signal %1").arg(m_process->exitCode())
               : QStringLiteral("exited with code %1").arg(m_process->exitCode());
}

void ChildProcess::onChildFinished()
{
    // start() and stop() handle the exits they cause; only unplanned ones are crashes.
    if (m_state != State::Running && m_state != State::Restarting)
        return;
    handleUnplannedExit(m_process->exitCode(), describe() + u' ' + describeExit());
}

void ChildProcess::handleUnplannedExit(int exitCode, const QString &what)
{
    m_probeTimer.stop();
    // Orphaned workers (PostgreSQL backends) would keep the old shared memory and make the restart fail.
    killLeftovers();
    m_processGroup = 0;
    qWarning().noquote() << what << logTailSinceLaunch();

    const qint64 nowMs = m_clock.elapsed();
    while (!m_restartTimesMs.isEmpty() && nowMs - m_restartTimesMs.first() >= kRestartWindowMs)
        m_restartTimesMs.removeFirst();
    QString reason;
    if (m_restartTimesMs.size() >= kRestartCountMax) {
        m_state = State::GaveUp;
        reason = QStringLiteral("%1; gave up after %2 restarts within %3 s.%4")
                     .arg(what)
                     .arg(kRestartCountMax)
                     .arg(kRestartWindowMs / 1000)
                     .arg(logTailSinceLaunch());
    } else {
        const int delayMs = std::min<int>(kBackoffMaxMs, kBackoffInitialMs << m_restartTimesMs.size());
        m_restartTimesMs.append(nowMs);
        m_state = State::BackingOff;
        m_restartTimer.start(delayMs);
        qWarning().noquote() << m_serverName << "restarts in" << delayMs << "ms";
    }
    emit crashed(exitCode);
    // A slot on crashed() may have called stop(); then there is nothing to give up on.
    if (m_state == State::GaveUp) {
        qCritical().noquote() << reason;
        emit gaveUp(reason);
    }
}

void ChildProcess::onRestartTimer()
{
    if (m_state != State::BackingOff)
        return;
    m_state = State::Restarting;
    QString error;
    if (!launch(&error)) {
        handleUnplannedExit(-1, error);
        return;
    }
    m_restartDeadline = QDeadlineTimer(m_readyTimeoutMs);
    m_probeTimer.start();
}

void ChildProcess::onProbeTimer()
{
    // An exit is handled by onChildFinished(), which stops this timer.
    if (m_state != State::Restarting || m_process->state() != QProcess::Running)
        return;
    if (probeReady()) {
        m_probeTimer.stop();
        m_state = State::Running;
        qInfo().noquote() << describe() << "restarted, pid" << pid();
        emit restarted();
    } else if (m_restartDeadline.hasExpired()) {
        m_probeTimer.stop();
        qWarning().noquote() << describe() << "not ready within" << m_readyTimeoutMs
                             << "ms after a restart; killing it";
        killGroup(); // its exit counts against the restart budget
    }
}

bool ChildProcess::runToCompletion(const ChildLaunch &launch, int timeoutMs, QByteArray *output,
                                   QString *error)
{
    QProcess process;
    childprocess::configureProcess(&process, launch, SIGKILL);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start();
    if (!process.waitForStarted(childprocess::kStartWaitMs)) {
        *error = QStringLiteral("cannot run %1: %2").arg(launch.program, process.errorString());
        return false;
    }
    if (!process.waitForFinished(timeoutMs)) {
        ::kill(-static_cast<pid_t>(process.processId()), SIGKILL);
        process.waitForFinished(childprocess::kKillWaitMs);
        *output = process.readAll();
        *error = QStringLiteral("%1 did not finish within %2 ms").arg(launch.program).arg(timeoutMs);
        return false;
    }
    *output = process.readAll();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("%1 failed (%2 %3)")
                     .arg(launch.program, process.exitStatus() == QProcess::CrashExit
                                              ? QStringLiteral("signal")
                                              : QStringLiteral("exit code"))
                     .arg(process.exitCode());
        return false;
    }
    return true;
}

bool ChildProcess::ensurePortFree(const QString &serverName, const QString &host, quint16 port,
                                  QString *error)
{
    const QHostAddress address(host);
    if (address.isNull()) {
        *error = QStringLiteral("%1: host \"%2\" is not an IP address").arg(serverName, host);
        return false;
    }
    QTcpServer probe;
    if (probe.listen(address, port))
        return true;
    *error = QStringLiteral("%1 cannot listen on %2:%3 (%4): another process already holds that port. "
                            "Stop it or configure another port.")
                 .arg(serverName, host)
                 .arg(port)
                 .arg(probe.errorString());
    return false;
}

bool ChildProcess::loadOrCreatePassword(const QString &path, QString *password, QString *error)
{
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read password file %1: %2").arg(path, file.errorString());
            return false;
        }
        *password = QString::fromLatin1(file.readAll()).trimmed();
        if (password->isEmpty()) {
            *error = QStringLiteral("password file %1 is empty").arg(path);
            return false;
        }
        const auto groupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                                  QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
        if ((file.permissions() & groupOrOther) != 0) {
            qWarning().noquote() << "password file" << path << "was open to other users; set it to 0600";
            file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        return true;
    }
    const QString dir = QFileInfo(path).absolutePath();
    if (!QFileInfo::exists(dir)) {
        if (!QDir().mkpath(dir)) {
            *error = QStringLiteral("cannot create directory %1 for the password file").arg(dir);
            return false;
        }
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    QString generated;
    generated.reserve(childprocess::kPasswordLength);
    for (int i = 0; i < childprocess::kPasswordLength; ++i)
        generated += QLatin1Char(childprocess::kPasswordAlphabet[QRandomGenerator::system()->bounded(
            childprocess::kPasswordAlphabetSize)]);
    if (!writePrivateFile(path, generated.toLatin1() + '\n', error))
        return false;
    *password = generated;
    return true;
}

bool ChildProcess::writePrivateFile(const QString &path, const QByteArray &content, QString *error)
{
    const QString tmpPath = path + QStringLiteral(".tmp");
    QFile::remove(tmpPath);
    QFile file(tmpPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        *error = QStringLiteral("cannot create %1: %2").arg(tmpPath, file.errorString());
        return false;
    }
    if (file.write(content) != content.size() || !file.flush() || ::fsync(file.handle()) != 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(tmpPath, file.errorString());
        file.remove();
        return false;
    }
    file.close();
    if (::rename(QFile::encodeName(tmpPath).constData(), QFile::encodeName(path).constData()) != 0) {
        *error = QStringLiteral("cannot rename %1 to %2: %3")
                     .arg(tmpPath, path, QString::fromLocal8Bit(std::strerror(errno)));
        QFile::remove(tmpPath);
        return false;
    }
    // The rename is durable only once the directory entry is on disk.
    const int dirFd =
        ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return true;
}

QString ChildProcess::logTail(const QString &path, qint64 fromOffset)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("\n(no log at %1: %2)").arg(path, file.errorString());
    if (fromOffset > file.size()) // truncated or replaced since
        fromOffset = 0;
    file.seek(std::max(fromOffset, file.size() - childprocess::kTailBytesMax));
    return textTail(path, file.readAll());
}

QString ChildProcess::textTail(const QString &source, const QByteArray &text)
{
    QStringList lines =
        QString::fromUtf8(text.right(childprocess::kTailBytesMax)).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return QStringLiteral("\n(%1 has nothing new)").arg(source);
    if (lines.size() > childprocess::kTailLinesMax)
        lines = lines.mid(lines.size() - childprocess::kTailLinesMax);
    return QStringLiteral("\nLast lines of %1:\n    %2").arg(source, lines.join(QStringLiteral("\n    ")));
}

QString ChildProcess::urlHost(const QString &host)
{
    return host.contains(u':') ? u'[' + host + u']' : host;
}

} // namespace paydesk::platform
