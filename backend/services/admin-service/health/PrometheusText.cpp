#include "PrometheusText.h"

#include <QHash>
#include <QString>

#include <cmath>
#include <limits>

namespace paydesk::services::admin {

namespace {
// The value of label `name` in `labels` (the text between braces), or an empty string.
QByteArrayView labelValue(QByteArrayView labels, QByteArrayView name)
{
    qsizetype pos = 0;
    while (pos < labels.size()) {
        const qsizetype eq = labels.indexOf('=', pos);
        if (eq < 0 || eq + 1 >= labels.size() || labels[eq + 1] != '"')
            return {};
        const QByteArrayView key = labels.sliced(pos, eq - pos).trimmed();
        qsizetype end = eq + 2;
        while (end < labels.size() && labels[end] != '"') {
            if (labels[end] == '\\')
                ++end; // escaped quote or backslash
            ++end;
        }
        if (end >= labels.size())
            return {};
        if (key == name)
            return labels.sliced(eq + 2, end - eq - 2);
        pos = end + 1;
        if (pos < labels.size() && labels[pos] == ',')
            ++pos;
    }
    return {};
}

double parseNumber(QByteArrayView text, bool *ok)
{
    if (text == "+Inf") {
        *ok = true;
        return std::numeric_limits<double>::infinity();
    }
    return text.toByteArray().toDouble(ok);
}
} // namespace

RequestCounters parseRequestCounters(QByteArrayView exposition, const QStringList &ignoredRoutes)
{
    RequestCounters counters;
    QHash<double, double> buckets;
    qsizetype start = 0;
    while (start < exposition.size()) {
        qsizetype end = exposition.indexOf('\n', start);
        if (end < 0)
            end = exposition.size();
        const QByteArrayView line = exposition.sliced(start, end - start).trimmed();
        start = end + 1;
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const bool isRequests = line.startsWith("http_requests_total{");
        const bool isBucket = line.startsWith("http_request_duration_seconds_bucket{");
        if (!isRequests && !isBucket)
            continue;
        const qsizetype open = line.indexOf('{');
        const qsizetype close = line.lastIndexOf('}');
        if (close < open)
            continue;
        const QByteArrayView labels = line.sliced(open + 1, close - open - 1);
        QByteArrayView valueText = line.sliced(close + 1).trimmed();
        if (const qsizetype space = valueText.indexOf(' '); space >= 0)
            valueText = valueText.first(space); // an optional timestamp follows
        bool ok = false;
        const double value = parseNumber(valueText, &ok);
        if (!ok)
            continue;
        const QByteArrayView route = labelValue(labels, "route");
        if (!route.isEmpty() && ignoredRoutes.contains(QString::fromUtf8(route)))
            continue;
        counters.valid = true;
        if (isRequests) {
            counters.requests += value;
            if (labelValue(labels, "status").startsWith('5'))
                counters.serverErrors += value;
        } else {
            const double bound = parseNumber(labelValue(labels, "le"), &ok);
            if (ok)
                buckets[bound] += value;
        }
    }
    QList<double> bounds = buckets.keys();
    std::sort(bounds.begin(), bounds.end());
    for (double bound : bounds) {
        counters.bucketBounds.append(bound);
        counters.bucketCounts.append(buckets.value(bound));
    }
    return counters;
}

double histogramQuantile(const QList<double> &bounds, const QList<double> &cumulativeCounts, double q)
{
    if (bounds.isEmpty() || bounds.size() != cumulativeCounts.size())
        return -1;
    const double total = cumulativeCounts.last();
    if (total <= 0)
        return -1;
    const double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (qsizetype i = 0; i < bounds.size(); ++i) {
        if (cumulativeCounts[i] >= rank) {
            if (std::isinf(bounds[i]))
                return lowerBound; // beyond the last finite bucket: its bound is all we know
            const double inBucket = cumulativeCounts[i] - lowerCount;
            if (inBucket <= 0)
                return bounds[i];
            return lowerBound + (bounds[i] - lowerBound) * (rank - lowerCount) / inBucket;
        }
        lowerBound = bounds[i];
        lowerCount = cumulativeCounts[i];
    }
    return lowerBound;
}

RequestRates ratesBetween(const RequestCounters &previous, const RequestCounters &current, double seconds)
{
    RequestRates rates;
    if (seconds <= 0 || !current.valid)
        return rates;
    const bool restarted = current.requests < previous.requests;
    const RequestCounters base = restarted || !previous.valid ? RequestCounters{} : previous;
    const double requests = current.requests - base.requests;
    rates.requestsPerSecond = requests / seconds;
    rates.errorRate = requests > 0 ? (current.serverErrors - base.serverErrors) / requests : 0;
    QList<double> delta = current.bucketCounts;
    if (base.bucketBounds == current.bucketBounds) {
        for (qsizetype i = 0; i < delta.size(); ++i)
            delta[i] -= base.bucketCounts[i];
    }
    const double p95 = histogramQuantile(current.bucketBounds, delta, 0.95);
    rates.p95Ms = p95 < 0 ? -1 : p95 * 1000.0;
    return rates;
}

} // namespace paydesk::services::admin
