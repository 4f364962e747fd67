#pragma once
// Reading a service's own request figures out of its Prometheus text exposition (/metrics):
// http_requests_total and the http_request_duration_seconds histogram, summed over routes.
// Rates come from two consecutive samples (counters only grow; a restart resets them).
// Generic (no admin-service types): a candidate for platform/observe if another service needs it.

#include <QByteArrayView>
#include <QList>
#include <QStringList>

namespace paydesk::services::admin {

struct RequestCounters
{
    double requests = 0;        // http_requests_total, all statuses
    double serverErrors = 0;    // status 5xx
    QList<double> bucketBounds; // histogram upper bounds in seconds, ascending, +Inf last
    QList<double> bucketCounts; // cumulative counts per bound (summed over routes)
    bool valid = false;         // the exposition had http_requests_total or the histogram
};

// Routes whose requests are left out (health probes and scrapes would otherwise dominate an idle
// service's rate): matched exactly against the `route` label.
RequestCounters parseRequestCounters(QByteArrayView exposition, const QStringList &ignoredRoutes = {});

struct RequestRates
{
    double requestsPerSecond = 0;
    double errorRate = 0; // 5xx share of the requests in the interval, 0..1
    double p95Ms = -1;    // -1: no request in the interval
};

// Figures over the interval between two samples `seconds` apart; a counter that went down (the
// service restarted) counts from zero.
RequestRates ratesBetween(const RequestCounters &previous, const RequestCounters &current, double seconds);

// The q-quantile (0..1) of a cumulative histogram, linear inside the bucket like Prometheus'
// histogram_quantile; -1 when the histogram is empty.
double histogramQuantile(const QList<double> &bounds, const QList<double> &cumulativeCounts, double q);

} // namespace paydesk::services::admin
