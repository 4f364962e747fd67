// bench_console: figures of the desktop console (no assertions).
//  1. CPU of the health dashboard: the dashboard (all 20 tiles, visible, offscreen) refreshing once
//     a second for 30 s against a paydesk-server, as process CPU time of this program
//     (getrusage), next to the server's own CPU over the same window (its health monitor included).
//  2. Start to an interactive main window: `paydesk --data-dir D --startup-report` as a child,
//     from spawn until the main window shows its first live health answer, with an initialized
//     embedded backend (first run: initdb + migrations + first admin; second run: existing data).

#include "api/PlatformClient.h"
#include "common/Theme.h"
#include "health/HealthDashboard.h"
#include "health/HealthTile.h"
#include "support/BenchServer.h"
#include "support/TestSupport.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

using namespace paydesk;

namespace {
double selfCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a process and its reaped children from /proc/<pid>/stat, in seconds.
double processCpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 0; utime 11, stime 12.
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

void dashboardCpu(bench::BenchServer &server)
{
    api::ServiceMap map;
    map.basePort = server.basePort();
    api::PlatformClient client(map);
    client.setAccessToken(testing::adminToken(server.dataDir(), {QStringLiteral("system.view")}, 3600));
    console::applyTheme(console::Theme::Light);
    console::HealthDashboard dashboard(&client);
    dashboard.resize(1070, 760); // the dashboard's share of a 1280×800 main window
    dashboard.show();
    wait(3000); // first answers, tiles built, history seeded
    int paintsBefore = 0;
    for (console::HealthTile *tile : dashboard.tiles())
        paintsBefore += tile->paintCount();
    const int refreshesBefore = dashboard.refreshCount();
    const double selfBefore = selfCpuSeconds();
    const double serverBefore = processCpuSeconds(server.pid());
    QElapsedTimer clock;
    clock.start();
    wait(30000);
    const double seconds = clock.elapsed() / 1000.0;
    const double self = selfCpuSeconds() - selfBefore;
    const double serverCpu = processCpuSeconds(server.pid()) - serverBefore;
    int paints = -paintsBefore;
    for (console::HealthTile *tile : dashboard.tiles())
        paints += tile->paintCount();
    std::printf("dashboard: %d tiles, %d refreshes in %.1f s (1 request each)\n",
                int(dashboard.tiles().size()), dashboard.refreshCount() - refreshesBefore, seconds);
    std::printf("dashboard: console CPU %.3f s over %.1f s = %.2f %% of one core; %d tile paints\n", self,
                seconds, 100.0 * self / seconds, paints);
    std::printf(
        "server:    CPU %.3f s over the same window = %.2f %% of one core (18 services + health monitor)\n",
        serverCpu, 100.0 * serverCpu / seconds);
}

qint64 consoleStartup(const QString &dataDir, quint16 basePort, QString *line)
{
    QProcess console;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dataDir + QStringLiteral("-config"));
    console.setProcessEnvironment(env);
    console.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer clock;
    clock.start();
    console.start(QStringLiteral(PAYDESK_CONSOLE_BIN),
                  {QStringLiteral("--memory-secrets"), QStringLiteral("--startup-report"),
                   QStringLiteral("--data-dir"), dataDir, QStringLiteral("--base-port"),
                   QString::number(basePort)});
    qint64 interactiveMs = -1;
    while (console.state() != QProcess::NotRunning && clock.elapsed() < 180000) {
        console.waitForReadyRead(100);
        const QByteArray output = console.readAll();
        for (const QByteArray &text : output.split('\n')) {
            if (text.startsWith("interactive main window")) {
                interactiveMs = clock.elapsed();
                *line = QString::fromUtf8(text);
            }
        }
    }
    if (interactiveMs < 0)
        console.terminate();
    if (!console.waitForFinished(180000)) // it stops its embedded PostgreSQL and Redis before exiting
        console.kill();
    return interactiveMs;
}
} // namespace

int main(int argc, char **argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    bench::BenchServer server(QStringLiteral("bench_console"));
    QString error;
    if (!server.start(&error) || server.waitAllReady(120000, &error) < 0) {
        std::fprintf(stderr, "bench_console: %s\n", qPrintable(error));
        return 1;
    }
    bench::printHeader("bench_console", server);
    dashboardCpu(server);
    server.stop();

    QTemporaryDir root(QStringLiteral("/tmp/paydesk-bench-console-XXXXXX"));
    const quint16 base = testing::freeBasePort();
    for (const char *run : {"first run (initdb, migrations, first admin)", "second run (existing data)"}) {
        QString line;
        const qint64 ms = consoleStartup(root.path() + QStringLiteral("/site"), base, &line);
        std::printf(
            "startup, %s: spawn → interactive main window with live health: %lld ms\n  console says: %s\n",
            run, static_cast<long long>(ms), qPrintable(line));
    }
    return 0;
}
