// bench_memory: resident memory of paydesk-server (that process alone) once idle after start, and
// after 2,000 GET /health spread over the 18 services; PostgreSQL and Redis, which the server
// starts as child processes, are summed apart. Prints figures; judges nothing.

#include "support/BenchServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTimer>

#include <cstdio>

using namespace paydesk;

namespace {
constexpr int kFirstStartTimeoutMs = 120000; // initdb and 18 migrations
constexpr int kStartTimeoutMs = 30000;
constexpr int kIdleMs = 5000;
constexpr int kRequestCount = 2000;
constexpr int kInFlightMax = 36; // two per service: keeps every listener busy, bounds the client
constexpr int kRequestTimeoutMs = 5000;
constexpr int kLoadTimeoutMs = 60000;
constexpr double kTargetIdleRssMiB = 200;

double mib(qint64 kb)
{
    return static_cast<double>(kb) / 1024.0;
}

struct Group
{
    int count = 0;
    qint64 rssKb = 0;
    qint64 pssKb = 0;
};

struct Snapshot
{
    bench::ProcessInfo server;
    Group postgres; // the postmaster and every backend and auxiliary process
    Group redis;
    Group other; // anything else the server started
};

Snapshot takeSnapshot(qint64 serverPid)
{
    Snapshot snapshot;
    snapshot.server = bench::readProcess(serverPid);
    for (const bench::ProcessInfo &child : bench::descendantsOf(serverPid)) {
        Group &group = child.name == QStringLiteral("postgres")       ? snapshot.postgres
                       : child.name == QStringLiteral("redis-server") ? snapshot.redis
                                                                      : snapshot.other;
        ++group.count;
        group.rssKb += child.rssKb;
        group.pssKb += child.pssKb;
    }
    return snapshot;
}

void printSnapshot(const char *label, const Snapshot &s)
{
    std::printf("%s\n", label);
    std::printf("  paydesk-server (pid %lld)   VmRSS %7.1f MiB   VmHWM %7.1f MiB   Pss %7.1f MiB\n",
                static_cast<long long>(s.server.pid), mib(s.server.rssKb), mib(s.server.hwmKb),
                mib(s.server.pssKb));
    auto line = [](const char *name, const Group &g) {
        std::printf("  %-14s %3d process(es)   RSS summed %7.1f MiB   Pss summed %7.1f MiB\n", name, g.count,
                    mib(g.rssKb), mib(g.pssKb));
    };
    line("PostgreSQL", s.postgres);
    line("Redis", s.redis);
    if (s.other.count > 0)
        line("other children", s.other);
}

// Lets the server run for ms without this process polling it (the 5 s idle the figure asks for).
void idleFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct LoadOutcome
{
    int ok = 0;     // answered 200
    int failed = 0; // anything else, including no answer
    qint64 elapsedMs = 0;
};

// kRequestCount GET /health, round-robin over the services, at most kInFlightMax at a time.
LoadOutcome healthLoad(const QList<QString> &urls)
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    LoadOutcome outcome;
    int sent = 0;
    int inFlight = 0;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    QObject context; // declared last, destroyed first: aborted replies reach no lambda

    std::function<void()> sendMore = [&] {
        while (inFlight < kInFlightMax && sent < kRequestCount) {
            QNetworkRequest request{QUrl(urls[sent % urls.size()])};
            request.setTransferTimeout(kRequestTimeoutMs);
            QNetworkReply *reply = network.get(request);
            ++sent;
            ++inFlight;
            QObject::connect(reply, &QNetworkReply::finished, &context, [&, reply] {
                --inFlight;
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                ++(status == 200 ? outcome.ok : outcome.failed);
                reply->deleteLater();
                if (outcome.ok + outcome.failed == kRequestCount)
                    loop.quit();
                else
                    sendMore();
            });
        }
    };
    QTimer::singleShot(kLoadTimeoutMs, &context, [&] { loop.quit(); });
    sendMore();
    loop.exec();
    outcome.failed += kRequestCount - outcome.ok - outcome.failed; // unanswered at the time limit
    outcome.elapsedMs = clock.elapsed();
    return outcome;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    bench::BenchServer server(QStringLiteral("memory"));
    bench::printHeader("bench_memory", server);
    std::printf("\n");

    QString error;
    const qint64 firstReadyMs = server.start(&error) ? server.waitAllReady(kFirstStartTimeoutMs, &error) : -1;
    if (firstReadyMs < 0) {
        std::fprintf(stderr, "bench_memory: first start (initializes the data dir): %s\n", qPrintable(error));
        return 1;
    }
    std::printf("first start (initializes the data dir): all 18 ready in %lld ms; stopping\n",
                static_cast<long long>(firstReadyMs));
    server.stop();
    if (!server.stopNote().isEmpty())
        std::printf("note: %s\n", qPrintable(server.stopNote()));

    const qint64 readyMs = server.start(&error) ? server.waitAllReady(kStartTimeoutMs, &error) : -1;
    if (readyMs < 0) {
        std::fprintf(stderr, "bench_memory: start on the initialized data dir: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("started on the initialized data dir: all 18 ready in %lld ms; idling %d ms\n\n",
                static_cast<long long>(readyMs), kIdleMs);
    std::fflush(stdout);
    idleFor(kIdleMs);
    const Snapshot idle = takeSnapshot(server.pid());
    printSnapshot("idle 5 s after all ready:", idle);

    QList<QString> urls;
    for (quint16 port : server.servicePorts())
        urls.append(QStringLiteral("http://127.0.0.1:%1/health").arg(port));
    const LoadOutcome load = healthLoad(urls);
    const Snapshot loaded = takeSnapshot(server.pid());
    std::printf("\n%d GET /health over %lld services in %lld ms: %d answered 200, %d did not\n",
                kRequestCount, static_cast<long long>(urls.size()), static_cast<long long>(load.elapsedMs),
                load.ok, load.failed);
    printSnapshot("after the requests:", loaded);

    std::printf("\nsummary: paydesk-server idle VmRSS %.1f MiB (VmHWM %.1f MiB)  (target: under %.0f MiB)\n",
                mib(idle.server.rssKb), mib(idle.server.hwmKb), kTargetIdleRssMiB);
    std::printf(
        "summary: paydesk-server after %d /health VmRSS %.1f MiB (VmHWM %.1f MiB), %+.1f MiB vs idle\n",
        kRequestCount, mib(loaded.server.rssKb), mib(loaded.server.hwmKb),
        mib(loaded.server.rssKb - idle.server.rssKb));
    std::printf("summary: PostgreSQL idle %d processes, RSS summed %.1f MiB (Pss %.1f MiB; RSS counts shared "
                "memory again in every process)\n",
                idle.postgres.count, mib(idle.postgres.rssKb), mib(idle.postgres.pssKb));
    std::printf("summary: Redis idle RSS %.1f MiB (Pss %.1f MiB)\n", mib(idle.redis.rssKb),
                mib(idle.redis.pssKb));

    const int code = server.stop();
    if (!server.stopNote().isEmpty())
        std::printf("note: %s\n", qPrintable(server.stopNote()));
    std::printf("stopped paydesk-server (exit code %d)\n", code);
    return 0;
}
