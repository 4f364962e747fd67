// bench_startup: how long paydesk-server takes from spawn until all 18 services answer 200 on
// /health/ready. The first start also creates the data dir (initdb, migrations) and is reported
// apart; then kWarmRuns starts on the initialized data dir. Prints figures; judges nothing.

#include "support/BenchServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace paydesk;

namespace {
constexpr int kWarmRuns = 5;
constexpr int kFirstStartTimeoutMs = 120000; // initdb and 18 migrations on a slow disk
constexpr int kWarmStartTimeoutMs = 30000;
constexpr int kReportedLineTimeoutMs = 1000; // the server checks its own readiness every 20 ms
constexpr double kTargetMs = 2000;

struct StartResult
{
    qint64 readyMs = -1;    // spawn until all ready, polled by this benchmark
    qint64 reportedMs = -1; // the server's own "PayDesk ready ... in X ms"
    qint64 stopMs = -1;     // SIGTERM until the process exited
    int exitCode = 0;
    QString stopNote; // processes that outlived the stop, if any
};

bool startAndStop(bench::BenchServer &server, int timeoutMs, StartResult *result)
{
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "bench_startup: %s\n", qPrintable(error));
        return false;
    }
    result->readyMs = server.waitAllReady(timeoutMs, &error);
    if (result->readyMs >= 0)
        result->reportedMs = server.waitReportedReadyMs(kReportedLineTimeoutMs);
    QElapsedTimer stopClock;
    stopClock.start();
    result->exitCode = server.stop();
    result->stopMs = stopClock.elapsed();
    result->stopNote = server.stopNote();
    if (result->readyMs < 0) {
        std::fprintf(stderr, "bench_startup: %s\n", qPrintable(error));
        return false;
    }
    return true;
}

void printRun(const char *label, const StartResult &r)
{
    std::printf("%-26s %8lld ms   (server's own figure %lld ms; stop took %lld ms, exit code %d)\n", label,
                static_cast<long long>(r.readyMs), static_cast<long long>(r.reportedMs),
                static_cast<long long>(r.stopMs), r.exitCode);
    if (!r.stopNote.isEmpty())
        std::printf("  note: %s\n", qPrintable(r.stopNote));
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    bench::BenchServer server(QStringLiteral("startup"));
    bench::printHeader("bench_startup", server);
    std::printf(
        "  time from spawn until all 18 services answer 200 on /health/ready (each polled every 10 ms)\n\n");
    std::fflush(stdout);

    StartResult first;
    if (!startAndStop(server, kFirstStartTimeoutMs, &first))
        return 1;
    printRun("first start incl. initdb", first);

    QList<double> warmMs;
    for (int run = 1; run <= kWarmRuns; ++run) {
        StartResult warm;
        if (!startAndStop(server, kWarmStartTimeoutMs, &warm))
            return 1;
        printRun(qPrintable(QStringLiteral("start %1 (initialized)").arg(run)), warm);
        std::fflush(stdout);
        warmMs.append(static_cast<double>(warm.readyMs));
    }

    const bench::Spread spread = bench::spreadOf(warmMs);
    std::printf("\nsummary: first start incl. initdb %lld ms\n", static_cast<long long>(first.readyMs));
    std::printf("summary: start on initialized data dir, %d runs: min %.0f ms, median %.0f ms, max %.0f ms"
                "  (target: under %.0f ms)\n",
                kWarmRuns, spread.min, spread.median, spread.max, kTargetMs);
    return 0;
}
