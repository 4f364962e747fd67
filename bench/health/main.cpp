// bench_health: requests/s of GET /health on payment-gateway against a bare QHttpServer that
// serves the byte-identical body with the same Content-Type from this process, measured in the
// same run and alternated (bare, paydesk, bare, paydesk, ...) so that noise hits both.
// Load: wrk when installed; PAYDESK_BENCH_LOAD=builtin forces the built-in keep-alive client.
// Prints figures; judges nothing.

#include "health/BareHealthServer.h"
#include "health/LoadRun.h"
#include "support/BenchServer.h"

#include <QCoreApplication>
#include <QSet>

#include <cstdio>

using namespace paydesk;

namespace {
constexpr int kRounds = 3;
constexpr int kConnections = 16;
constexpr int kRoundSeconds = 3;
constexpr int kWarmUpSeconds = 1; // one unrecorded run per server: connections, caches, allocator
constexpr int kFirstStartTimeoutMs = 120000;
constexpr double kTargetRatio = 0.8;
const QString kService = QStringLiteral("payment-gateway");

struct Side
{
    const char *label;
    QString url;
    QList<double> rates;
    QList<double> p50Ms;
    QList<double> p99Ms;
};

void printRow(int round, const Side &side, const bench::LoadResult &r)
{
    std::printf("%-6d %-18s %10.0f %9.3f %9.3f %8lld\n", round, side.label, r.requestsPerSec, r.latencyP50Ms,
                r.latencyP99Ms, static_cast<long long>(r.failures));
    std::fflush(stdout);
}

void printSummary(const Side &side)
{
    const auto rate = bench::spreadOf(side.rates);
    std::printf(
        "summary: %-18s median %8.0f req/s (min %.0f, max %.0f), median p50 %.3f ms, median p99 %.3f ms\n",
        side.label, rate.median, rate.min, rate.max, bench::spreadOf(side.p50Ms).median,
        bench::spreadOf(side.p99Ms).median);
}

// Header names one response has and the other lacks: what else differs on the wire.
QStringList extraHeaders(const testing::HttpResult &with, const testing::HttpResult &without)
{
    QStringList names;
    for (auto it = with.headers.begin(); it != with.headers.end(); ++it) {
        if (!without.headers.contains(it.key()))
            names.append(QString::fromLatin1(it.key()));
    }
    names.sort();
    return names;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    bench::BenchServer server(QStringLiteral("health"));
    bench::printHeader("bench_health", server);

    QString error;
    if (!server.start(&error) || server.waitAllReady(kFirstStartTimeoutMs, &error) < 0) {
        std::fprintf(stderr, "bench_health: %s\n", qPrintable(error));
        return 1;
    }
    Side paydesk{"paydesk gateway", server.url(kService, QStringLiteral("/health")), {}, {}, {}};
    const testing::HttpResult real = testing::httpRequest("GET", paydesk.url);
    if (real.status != 200) {
        std::fprintf(stderr, "bench_health: GET %s answered %d %s\n", qPrintable(paydesk.url), real.status,
                     qPrintable(real.error));
        return 1;
    }
    const QByteArray contentType = real.headers.value("content-type");
    bench::BareHealthServer bare(real.body, contentType);
    const quint16 barePort = bare.start(&error);
    if (barePort == 0) {
        std::fprintf(stderr, "bench_health: %s\n", qPrintable(error));
        return 1;
    }
    Side yardstick{
        "bare QHttpServer", QStringLiteral("http://127.0.0.1:%1/health").arg(barePort), {}, {}, {}};
    const testing::HttpResult copy = testing::httpRequest("GET", yardstick.url);
    const bool identical =
        copy.status == 200 && copy.body == real.body && copy.headers.value("content-type") == contentType;
    std::printf("  body: %lld bytes, Content-Type %s; bare server's copy byte-identical: %s\n",
                static_cast<long long>(real.body.size()), contentType.constData(), identical ? "yes" : "NO");
    std::printf("  response headers only paydesk sends: %s\n",
                qPrintable(extraHeaders(real, copy).join(QStringLiteral(", "))));

    const QString wrk = qEnvironmentVariable("PAYDESK_BENCH_LOAD") == QStringLiteral("builtin")
                            ? QString()
                            : bench::findWrk();
    auto load = [&](const QString &url, int seconds) {
        const bench::LoadSpec spec{url, kConnections, seconds};
        return wrk.isEmpty() ? bench::runKeepAliveLoad(spec) : bench::runWrk(wrk, spec);
    };
    std::printf("  load: %s, %d connections, %d rounds of %d s alternating, after a %d s warm-up of each\n\n",
                wrk.isEmpty() ? "built-in keep-alive client (1 thread)"
                              : qPrintable(wrk + QStringLiteral(" -t1")),
                kConnections, kRounds, kRoundSeconds, kWarmUpSeconds);
    std::printf("%-6s %-18s %10s %9s %9s %8s\n", "round", "server", "req/s", "p50 ms", "p99 ms", "errors");
    std::fflush(stdout);

    load(yardstick.url, kWarmUpSeconds);
    load(paydesk.url, kWarmUpSeconds);
    for (int round = 1; round <= kRounds; ++round) {
        for (Side *side : {&yardstick, &paydesk}) {
            const bench::LoadResult result = load(side->url, kRoundSeconds);
            if (!result.ok) {
                std::fprintf(stderr, "bench_health: load on %s: %s\n", side->label, qPrintable(result.error));
                return 1;
            }
            printRow(round, *side, result);
            side->rates.append(result.requestsPerSec);
            side->p50Ms.append(result.latencyP50Ms);
            side->p99Ms.append(result.latencyP99Ms);
        }
    }

    std::printf("\n");
    printSummary(yardstick);
    printSummary(paydesk);
    const double bareMedian = bench::spreadOf(yardstick.rates).median;
    const double ratio = bareMedian > 0 ? bench::spreadOf(paydesk.rates).median / bareMedian : 0;
    std::printf("summary: ratio paydesk/bare (medians) %.2f  (target: >= %.2f)\n", ratio, kTargetRatio);

    const int code = server.stop();
    if (!server.stopNote().isEmpty())
        std::printf("note: %s\n", qPrintable(server.stopNote()));
    std::printf("stopped paydesk-server (exit code %d)\n", code);
    return 0;
}
