// admin-service's reading of /metrics (health/PrometheusText.h): counters summed over routes with
// probes left out, 5xx share, p95 from histogram deltas, and counter resets.

#include "services/admin-service/health/PrometheusText.h"

#include <QTest>

using namespace paydesk::services::admin;

namespace {
QByteArray exposition(int ok, int errors, int probes, const QList<int> &cumulative)
{
    QByteArray text =
        "# HELP http_requests_total HTTP requests handled\n# TYPE http_requests_total counter\n";
    text += "http_requests_total{method=\"GET\",route=\"/api/v1/x\",service=\"s\",status=\"200\"} " +
            QByteArray::number(ok) + "\n";
    text += "http_requests_total{method=\"POST\",route=\"/api/v1/x\",service=\"s\",status=\"503\"} " +
            QByteArray::number(errors) + "\n";
    text += "http_requests_total{method=\"GET\",route=\"/health\",service=\"s\",status=\"200\"} " +
            QByteArray::number(probes) + "\n";
    const QList<QByteArray> bounds{"0.001", "0.01", "0.1", "1", "+Inf"};
    text += "# TYPE http_request_duration_seconds histogram\n";
    for (qsizetype i = 0; i < bounds.size(); ++i)
        text +=
            "http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/x\",service=\"s\",le=\"" +
            bounds[i] + "\"} " + QByteArray::number(cumulative[i]) + "\n";
    // A probe histogram that must not count.
    for (const QByteArray &bound : bounds)
        text += "http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",service=\"s\",le=\"" +
                bound + "\"} 1000\n";
    text += "http_request_duration_seconds_sum{route=\"/api/v1/x\"} 12.5\n";
    text += "process_cpu_seconds_total 3.2\n";
    return text;
}
} // namespace

class TestPrometheusText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sumsCountersAndLeavesProbesOut()
    {
        const RequestCounters c =
            parseRequestCounters(exposition(90, 10, 500, {0, 50, 90, 100, 100}), {QStringLiteral("/health")});
        QVERIFY(c.valid);
        QCOMPARE(c.requests, 100.0);
        QCOMPARE(c.serverErrors, 10.0);
        QCOMPARE(c.bucketBounds.size(), 5);
        QVERIFY(std::isinf(c.bucketBounds.last()));
        QCOMPARE(c.bucketCounts, (QList<double>{0, 50, 90, 100, 100}));

        const RequestCounters withProbes =
            parseRequestCounters(exposition(90, 10, 500, {0, 50, 90, 100, 100}));
        QCOMPARE(withProbes.requests, 600.0);
        QCOMPARE(withProbes.bucketCounts.first(), 1000.0);
    }

    void ignoresOtherFamiliesAndGarbage()
    {
        const RequestCounters c =
            parseRequestCounters("process_cpu_seconds_total 1\nnot a metric\n"
                                 "http_requests_total{route=\"/x\",status=\"200\"} abc\n");
        QVERIFY(!c.valid);
        QCOMPARE(c.requests, 0.0);
    }

    void quantileInterpolatesInsideTheBucket()
    {
        // 100 requests: 50 ≤ 10 ms, 40 in (10 ms, 100 ms], 10 in (100 ms, 1 s].
        const QList<double> bounds{0.001, 0.01, 0.1, 1, std::numeric_limits<double>::infinity()};
        const QList<double> counts{0, 50, 90, 100, 100};
        // rank 95 lies half-way through the (0.1, 1] bucket.
        QCOMPARE(histogramQuantile(bounds, counts, 0.95), 0.55);
        QCOMPARE(histogramQuantile(bounds, counts, 0.5), 0.01);
        QCOMPARE(histogramQuantile(bounds, {0, 0, 0, 0, 0}, 0.95), -1.0);
        // Everything beyond the last finite bound: that bound is the answer.
        QCOMPARE(histogramQuantile(bounds, {0, 0, 0, 0, 10}, 0.95), 1.0);
    }

    void ratesComeFromConsecutiveSamples()
    {
        const RequestCounters first =
            parseRequestCounters(exposition(90, 10, 5, {0, 50, 90, 100, 100}), {QStringLiteral("/health")});
        // Two seconds later: 40 more requests, 4 of them 5xx, all slower than 100 ms.
        const RequestCounters second =
            parseRequestCounters(exposition(126, 14, 9, {0, 50, 90, 140, 140}), {QStringLiteral("/health")});
        const RequestRates rates = ratesBetween(first, second, 2.0);
        QCOMPARE(rates.requestsPerSecond, 20.0);
        QCOMPARE(rates.errorRate, 0.1);
        // All 40 in (0.1, 1]: rank 38 of 40 → 0.1 + 0.9 * 38/40 s.
        QVERIFY(qAbs(rates.p95Ms - (100 + 900 * 0.95)) < 1e-6);

        const RequestRates idle = ratesBetween(second, second, 1.0);
        QCOMPARE(idle.requestsPerSecond, 0.0);
        QCOMPARE(idle.p95Ms, -1.0);
    }

    void aRestartCountsFromZero()
    {
        const RequestCounters before =
            parseRequestCounters(exposition(900, 100, 0, {0, 500, 900, 1000, 1000}));
        const RequestCounters after = parseRequestCounters(exposition(9, 1, 0, {0, 5, 9, 10, 10}));
        const RequestRates rates = ratesBetween(before, after, 1.0);
        QCOMPARE(rates.requestsPerSecond, 10.0);
        QCOMPARE(rates.errorRate, 0.1);
        QVERIFY(rates.p95Ms > 0);
    }
};

QTEST_GUILESS_MAIN(TestPrometheusText)
#include "tst_prometheus_text.moc"
