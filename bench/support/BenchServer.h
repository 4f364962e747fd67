#pragma once
// A paydesk-server for a benchmark: its own data dir under /tmp, a free base port, a readiness
// wait that polls all 18 services in parallel, and a stop that always runs (destructor, and
// SIGINT/SIGTERM/SIGHUP of the benchmark forward SIGTERM to the server). Main thread only.

#include "support/ProcessTree.h"
#include "support/ServerProcess.h"

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace paydesk::bench {

// PAYDESK_SERVER_BIN if set, else the paydesk-server of this build tree (exported to the
// environment, where testing::ServerProcess looks for it).
QString serverBinary();

class BenchServer
{
public:
    explicit BenchServer(const QString &benchName);
    ~BenchServer();

    // Spawns `paydesk-server run`; the spawn clock restarts just before the spawn.
    bool start(QString *error);
    // Milliseconds from the spawn until every service answered 200 on /health/ready (each polled
    // every 10 ms), or -1 when timeoutMs passes or the server exits first.
    qint64 waitAllReady(int timeoutMs, QString *error);
    // SIGTERM and wait (bounded); returns the exit code, -1 when it had to be killed. Processes the
    // server started and that outlive it (PostgreSQL children) get a bounded grace to exit, then
    // SIGKILL, so that the next start finds the data dir free.
    int stop();
    // Empty after a clean stop, else what outlived the last stop and what became of it.
    QString stopNote() const { return m_stopNote; }

    qint64 pid() const { return m_process ? m_process->pid() : 0; }
    quint16 basePort() const { return m_basePort; }
    QString dataDir() const { return m_root.path() + QStringLiteral("/data"); }
    QString url(const QString &service, const QString &path) const;
    QList<quint16> servicePorts() const;
    QString output() const { return m_process ? m_process->output() : QString(); }
    // The server's own figure from the "PayDesk ready: 18/18 services in X ms" line of the current
    // run (it checks every 20 ms, from its own clock), waiting up to timeoutMs for it; -1 without.
    qint64 waitReportedReadyMs(int timeoutMs);

private:
    QList<qint64> reportedReadyFigures() const;

    QTemporaryDir m_root;
    quint16 m_basePort = 0;
    std::unique_ptr<testing::ServerProcess> m_process;
    QElapsedTimer m_spawnClock;
    QString m_stopNote;
    qsizetype m_reportedBeforeStart = 0;
};

// The first lines of every benchmark's output: which server binary (and how it was built, which
// the figures depend on), where its data lives, and the machine's load (other work skews figures).
void printHeader(const char *benchName, const BenchServer &server);

struct Spread
{
    double min = 0;
    double median = 0;
    double max = 0;
};
Spread spreadOf(QList<double> values);

} // namespace paydesk::bench
