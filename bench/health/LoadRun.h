#pragma once
// HTTP load for bench_health: wrk when installed, else a small keep-alive client. Both keep
// `connections` connections busy for `seconds` and report throughput and latency percentiles.
// Main thread only; the keep-alive client runs an event loop for the duration.

#include <QString>

namespace paydesk::bench {

struct LoadSpec
{
    QString url;
    int connections = 16;
    int seconds = 3;
};

struct LoadResult
{
    bool ok = false;
    QString error;
    double requestsPerSec = 0;
    double latencyP50Ms = -1; // -1: not measured
    double latencyP99Ms = -1;
    qint64 failures = 0; // non-2xx/3xx answers and socket errors
};

// wrk's path, or empty when it is not installed.
QString findWrk();
// `wrk -t1 -c<connections> -d<seconds>s --latency <url>`, parsed.
LoadResult runWrk(const QString &wrk, const LoadSpec &spec);
// The same load without wrk: HTTP/1.1 keep-alive, one request in flight per connection.
LoadResult runKeepAliveLoad(const LoadSpec &spec);

} // namespace paydesk::bench
