#include "support/BenchServer.h"

#include "services/ServiceCatalog.h"
#include "support/TestSupport.h"

#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace paydesk::bench {

namespace {
constexpr int kPollIntervalMs = 10;
constexpr int kPollRequestTimeoutMs = 1000;
constexpr int kStopTimeoutMs = 40000; // the server drains requests, then stops PostgreSQL and Redis
// PostgreSQL children notice a dead postmaster on their own; a checkpointer may first finish its sync.
constexpr int kLeftoverGraceMs = 30000;

// The server a signal handler must stop; 0 when none runs.
volatile std::sig_atomic_t g_serverPid = 0;

extern "C" void forwardStopAndExit(int signal)
{
    const pid_t pid = g_serverPid;
    if (pid > 0)
        ::kill(pid, SIGTERM); // the server stops its PostgreSQL and Redis itself
    ::_exit(128 + signal);
}

void installStopForwarding()
{
    struct sigaction action = {};
    action.sa_handler = forwardStopAndExit;
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        ::sigaction(signal, &action, nullptr);
}

// Whether the user named the binary; decided once, before serverBinary() exports the default.
bool serverBinaryFromEnvironment()
{
    static const bool named = [] {
        const bool set = !qEnvironmentVariableIsEmpty("PAYDESK_SERVER_BIN");
        if (!set)
            qputenv("PAYDESK_SERVER_BIN", PAYDESK_BENCH_SERVER_BIN);
        return set;
    }();
    return named;
}
} // namespace

QString serverBinary()
{
    serverBinaryFromEnvironment();
    return qEnvironmentVariable("PAYDESK_SERVER_BIN");
}

void printHeader(const char *benchName, const BenchServer &server)
{
    const QString buildType = QStringLiteral(PAYDESK_BENCH_BUILD_TYPE);
    const QString origin = serverBinaryFromEnvironment() ? QStringLiteral("from PAYDESK_SERVER_BIN")
                           : buildType.isEmpty()         ? QStringLiteral("this tree, no CMAKE_BUILD_TYPE")
                                                 : QStringLiteral("this tree's %1 build").arg(buildType);
    QFile file(QStringLiteral("/proc/loadavg"));
    const QList<QByteArray> load =
        file.open(QIODevice::ReadOnly) ? file.readLine().split(' ') : QList<QByteArray>();
    std::printf("%s: paydesk-server %s (%s)\n", benchName, qPrintable(serverBinary()), qPrintable(origin));
    std::printf("  data dir %s, base port %u, load average %s %s %s on %d cores\n",
                qPrintable(server.dataDir()), server.basePort(), load.value(0).constData(),
                load.value(1).constData(), load.value(2).constData(), QThread::idealThreadCount());
    std::fflush(stdout);
}

BenchServer::BenchServer(const QString &benchName)
    : m_root(QStringLiteral("/tmp/paydesk-bench-%1-XXXXXX").arg(benchName)),
      m_basePort(testing::freeBasePort())
{
    installStopForwarding();
}

BenchServer::~BenchServer()
{
    stop();
}

bool BenchServer::start(QString *error)
{
    if (!m_root.isValid() || m_basePort == 0) {
        *error = m_root.isValid() ? QStringLiteral("no free base port found") : m_root.errorString();
        return false;
    }
    serverBinary();
    if (!m_process)
        m_process = std::make_unique<testing::ServerProcess>(dataDir(), m_basePort);
    m_reportedBeforeStart = reportedReadyFigures().size();
    m_spawnClock.start();
    if (!m_process->start(error))
        return false;
    g_serverPid = static_cast<std::sig_atomic_t>(m_process->pid());
    return true;
}

qint64 BenchServer::waitAllReady(int timeoutMs, QString *error)
{
    const QList<quint16> seeds = testing::ServerProcess::seedPorts();
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QSet<quint16> ready;
    QSet<quint16> inFlight;
    qint64 allReadyMs = -1;
    QEventLoop loop;
    QTimer tick;
    // Declared last, destroyed first: replies aborted by ~QNetworkAccessManager reach no lambda.
    QObject context;

    auto poll = [&] {
        if (!m_process->isRunning() || m_spawnClock.elapsed() > timeoutMs) {
            loop.quit();
            return;
        }
        for (quint16 seed : seeds) {
            if (ready.contains(seed) || inFlight.contains(seed))
                continue;
            QNetworkRequest request{QUrl(m_process->url(seed, QStringLiteral("/health/ready")))};
            request.setTransferTimeout(kPollRequestTimeoutMs);
            QNetworkReply *reply = network.get(request);
            inFlight.insert(seed);
            QObject::connect(reply, &QNetworkReply::finished, &context, [&, reply, seed] {
                inFlight.remove(seed);
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                    ready.insert(seed);
                reply->deleteLater();
                if (ready.size() == seeds.size() && allReadyMs < 0) {
                    allReadyMs = m_spawnClock.elapsed();
                    loop.quit();
                }
            });
        }
    };
    QObject::connect(&tick, &QTimer::timeout, &context, poll);
    tick.start(kPollIntervalMs);
    poll();
    loop.exec();
    if (allReadyMs < 0) {
        *error = QStringLiteral("%1/%2 services ready after %3 ms%4; server output:\n%5")
                     .arg(ready.size())
                     .arg(seeds.size())
                     .arg(m_spawnClock.elapsed())
                     .arg(m_process->isRunning() ? QString() : QStringLiteral(" (server exited)"))
                     .arg(output().right(3000));
    }
    return allReadyMs;
}

int BenchServer::stop()
{
    m_stopNote.clear();
    if (!m_process || !m_process->isRunning())
        return 0;
    const QList<ProcessInfo> tree = descendantsOf(pid());
    const int code = m_process->stop(kStopTimeoutMs);
    g_serverPid = 0;

    QList<ProcessInfo> leftovers;
    for (const ProcessInfo &process : tree) {
        if (isSameProcessAlive(process))
            leftovers.append(process);
    }
    if (leftovers.isEmpty())
        return code;
    auto alive = [&] { return std::count_if(leftovers.begin(), leftovers.end(), isSameProcessAlive); };
    QElapsedTimer grace;
    grace.start();
    while (alive() > 0 && grace.elapsed() < kLeftoverGraceMs)
        QThread::msleep(kPollIntervalMs);
    const auto killed = alive();
    for (const ProcessInfo &process : leftovers) {
        if (isSameProcessAlive(process))
            ::kill(static_cast<pid_t>(process.pid), SIGKILL);
    }
    QStringList names;
    for (const ProcessInfo &process : leftovers)
        names.append(QStringLiteral("%1 %2").arg(process.name).arg(process.pid));
    m_stopNote = QStringLiteral("%1 process(es) outlived paydesk-server's stop (%2); %3 exited within %4 ms, "
                                "%5 killed")
                     .arg(leftovers.size())
                     .arg(names.join(QStringLiteral(", ")))
                     .arg(leftovers.size() - killed)
                     .arg(grace.elapsed())
                     .arg(killed);
    return code;
}

QString BenchServer::url(const QString &service, const QString &path) const
{
    for (const auto &entry : services::catalog()) {
        if (entry.descriptor.name == service)
            return QStringLiteral("http://127.0.0.1:%1%2")
                .arg(m_basePort + entry.descriptor.seedPort - 40000)
                .arg(path);
    }
    return {};
}

QList<quint16> BenchServer::servicePorts() const
{
    QList<quint16> ports;
    for (quint16 seed : testing::ServerProcess::seedPorts())
        ports.append(static_cast<quint16>(m_basePort + seed - 40000));
    return ports;
}

QList<qint64> BenchServer::reportedReadyFigures() const
{
    static const QRegularExpression kReady(QStringLiteral("PayDesk ready: \\d+/\\d+ services in (\\d+) ms"));
    QList<qint64> figures; // the output file accumulates every run of this data dir
    for (auto it = kReady.globalMatch(output()); it.hasNext();)
        figures.append(it.next().captured(1).toLongLong());
    return figures;
}

qint64 BenchServer::waitReportedReadyMs(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        const QList<qint64> figures = reportedReadyFigures();
        if (figures.size() > m_reportedBeforeStart)
            return figures.last();
        if (clock.elapsed() > timeoutMs || !m_process || !m_process->isRunning())
            return -1;
        QThread::msleep(kPollIntervalMs);
    }
}

Spread spreadOf(QList<double> values)
{
    if (values.isEmpty())
        return {};
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    const double median = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    return {values.front(), median, values.back()};
}

} // namespace paydesk::bench
