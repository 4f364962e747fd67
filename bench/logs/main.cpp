// bench_logs: how long the log explorer's filter takes over 1,000,000 lines (target < 200 ms),
// next to two baselines measured in the same run over the same data:
//   reference  the one-line-at-a-time evaluator (matchesLine), i.e. a plain linear scan that
//              judges each line on its own;
//   floor      one pass over the raw bytes (memchr for the needle's first byte): memory
//              bandwidth, what no full-text scan can beat.
// Prints figures only (median of several runs); no assertions.
//   bench_logs [lines=1000000] [runs=7]

#include "logs/LogGenerator.h"
#include "logs/LogQuery.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstring>
#include <vector>

using namespace paydesk::console;

namespace {
volatile size_t g_sink = 0;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

template <typename Work> std::pair<double, size_t> measure(int runs, Work work)
{
    std::vector<double> times;
    size_t result = 0;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        result = work();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    return {median(times), result};
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qsizetype lines = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1000000;
    const int runs = argc > 2 ? QByteArray(argv[2]).toInt() : 7;

    QElapsedTimer timer;
    timer.start();
    LogStore store;
    store.reserve(lines, lines * 260);
    generateLogLines(store, lines, 42);
    const double generateMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("bench_logs: %lld lines, %.1f MB raw JSON, generated in %.0f ms; median of %d runs\n",
                qlonglong(store.size()), double(store.rawArena().size()) / 1e6, generateMs, runs);
    std::printf("%-64s %10s %12s %12s %10s\n", "query", "matches", "filter ms", "reference ms", "floor ms");

    const char *queries[] = {
        "service:payment-gateway AND level:ERROR AND duration_ms>1000",
        "timeout",
        "\"connection reset\"",
        "(timeout OR declined) AND NOT service:risk-service",
        "tag:slow AND level>=WARN",
        "message:*refund*",
    };
    for (const char *text : queries) {
        const QueryParseResult parsed = parseLogQuery(QString::fromLatin1(text));
        if (!parsed.ok()) {
            std::printf("%s: %s\n", text, qPrintable(parsed.error));
            return 1;
        }
        const auto [filterMs, matches] =
            measure(runs, [&] { return filterLog(store, *parsed.root, 0, store.size()).size(); });
        const auto [referenceMs, referenceMatches] = measure(qMax(1, runs / 2), [&] {
            size_t count = 0;
            for (qsizetype row = 0; row < store.size(); ++row)
                count += matchesLine(store, row, *parsed.root);
            return count;
        });
        // The floor: visit every raw byte once, looking for the first byte of a word.
        const auto [floorMs, floorHits] = measure(runs, [&] {
            const char *begin = store.rawArena().data();
            const char *end = begin + store.rawArena().size();
            size_t hits = 0;
            for (const char *at = begin;
                 (at = static_cast<const char *>(std::memchr(at, 'q', size_t(end - at)))); ++at)
                ++hits;
            return hits;
        });
        g_sink = g_sink + floorHits; // used, so the pass is not optimised away
        std::printf("%-64s %10zu %12.1f %12.1f %10.1f%s\n", text, matches, filterMs, referenceMs, floorMs,
                    matches == referenceMatches ? "" : "  MISMATCH");
    }
    return 0;
}
