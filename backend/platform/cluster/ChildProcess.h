#pragma once

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <optional>
#include <sys/types.h>
#include <vector>

class QProcess;

namespace paydesk::platform {

// Unix identity a child switches to before exec. Resolved in the parent because getpwnam and
// getgrouplist are not async-signal-safe and so cannot run between fork and exec.
struct ChildIdentity
{
    QString userName;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups; // supplementary groups
};

// What to run for one (re)start of a supervised server.
struct ChildLaunch
{
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QString logFile; // stdout and stderr are appended here
    std::optional<ChildIdentity> runAs;
};

// Supervises one server process (PostgreSQL, Redis) started from this process.
//
// The child gets its own process group, so a Ctrl-C on the host's terminal reaches the host only
// (which then stops its servers in order) and the workers a crashed server forked can be killed as
// a group (or by killOrphanedWorkers() for servers whose workers leave it). It also gets a
// parent-death signal (its stop signal), so a host killed with SIGKILL does not leave a server
// holding the port.
//
// Unplanned exits are restarted with a back-off of kBackoffInitialMs doubling up to kBackoffMaxMs;
// more than kRestartCountMax restarts within kRestartWindowMs means something is wrong that a
// restart will not fix, and the supervisor gives up.
//
// Thread: lives on, and is called from, the thread that created it (the main thread). The
// parent-death signal is tied to the thread that forked the child, so that thread must outlive it.
class ChildProcess : public QObject
{
    Q_OBJECT
public:
    static constexpr int kPollMs = 50;
    static constexpr int kBackoffInitialMs = 200;
    static constexpr int kBackoffMaxMs = 5000;
    static constexpr int kRestartCountMax = 5;
    static constexpr qint64 kRestartWindowMs = 60000;

    ~ChildProcess() override; // stops the child

    // Sends the stop signal, waits up to timeoutMs, then SIGKILLs the process group and orphaned
    // workers. No restart after.
    void stop(int timeoutMs = 15000);
    bool isRunning() const; // started and passed its readiness probe
    qint64 pid() const;     // 0 when no child process exists

Q_SIGNALS:
    void crashed(int exitCode); // child died without stop(); exitCode is the signal number if killed
    void restarted();           // a restarted child passed its readiness probe
    void gaveUp(QString reason);

protected:
    ChildProcess(QString serverName, int stopSignal, QObject *parent);

    // Fills in the command for the next (re)start; may rewrite config files.
    virtual bool prepareLaunch(ChildLaunch *launch, QString *error) = 0;
    // One readiness check, bounded to a few hundred ms. Must prove it reached this child's server,
    // not another one on the same port.
    virtual bool probeReady() = 0;
    // "PostgreSQL server /usr/lib/postgresql/15/bin/postgres (data /x, 127.0.0.1:40432)": used in errors.
    virtual QString describe() const = 0;
    // Kills workers of a dead or killed server that left its process group (setsid), so that they
    // cannot block the next start. Called after the child's own process group was killed.
    virtual void killOrphanedWorkers() {}

    // Launches the child and blocks until probeReady() or timeoutMs; supervision starts on success.
    bool startSupervised(int timeoutMs, QString *error);

    // Runs a one-shot helper (initdb) with the same identity switch; stdout+stderr into *output.
    static bool runToCompletion(const ChildLaunch &launch, int timeoutMs, QByteArray *output, QString *error);
    // Fails with an operator-readable message when something already listens on host:port.
    static bool ensurePortFree(const QString &serverName, const QString &host, quint16 port, QString *error);
    // Reads the password kept at path, or generates kPasswordLength url-safe characters and stores
    // them there (mode 0600, parent directory created 0700).
    static bool loadOrCreatePassword(const QString &path, QString *password, QString *error);
    // Writes a file readable only by its owner, atomically (temporary file, fsync, rename).
    static bool writePrivateFile(const QString &path, const QByteArray &content, QString *error);
    // Last lines of a log file written after byte offset fromOffset, indented for an error message.
    static QString logTail(const QString &path, qint64 fromOffset = 0);
    static QString textTail(const QString &source, const QByteArray &text); // same, for captured output
    static QString urlHost(const QString &host);                            // brackets an IPv6 literal

    QString logTailSinceLaunch() const { return logTail(m_logFile, m_logOffsetAtLaunch); }

private:
    enum class State { Stopped, Starting, Running, BackingOff, Restarting, Stopping, GaveUp };

    bool launch(QString *error);
    bool waitUntilReady(QDeadlineTimer deadline, QString *error);
    void killGroup();
    void killLeftovers(); // killGroup() + killOrphanedWorkers()
    QString describeExit() const;
    void onChildFinished();
    void onRestartTimer();
    void onProbeTimer();
    void handleUnplannedExit(int exitCode, const QString &what);

    const QString m_serverName;
    const int m_stopSignal;
    QProcess *m_process;
    State m_state = State::Stopped;
    pid_t m_processGroup = 0;
    QString m_logFile;
    qint64 m_logOffsetAtLaunch = 0;
    int m_readyTimeoutMs = 0;
    QTimer m_restartTimer;
    QTimer m_probeTimer;
    QDeadlineTimer m_restartDeadline;
    QElapsedTimer m_clock;
    QList<qint64> m_restartTimesMs; // monotonic, only those within kRestartWindowMs are kept
};

} // namespace paydesk::platform
