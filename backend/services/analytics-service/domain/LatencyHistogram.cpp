#include "services/analytics-service/domain/LatencyHistogram.h"

#include <cmath>

namespace paydesk::services::analytics {

const QList<qint64> &latencyBucketBounds()
{
    static const QList<qint64> bounds{50,    100,   200,    300,    500,    750,    1000,
                                      1500,  2000,  3000,   5000,   7500,   10000,  15000,
                                      30000, 60000, 120000, 300000, 900000, 3600000};
    return bounds;
}

int latencyBucketCount()
{
    return int(latencyBucketBounds().size()) + 1;
}

int latencyBucket(qint64 latencyMs)
{
    const QList<qint64> &bounds = latencyBucketBounds();
    for (int i = 0; i < bounds.size(); ++i)
        if (latencyMs <= bounds[i])
            return i;
    return int(bounds.size());
}

std::optional<qint64> latencyQuantile(const QList<qint64> &counts, double q)
{
    qint64 total = 0;
    for (qint64 c : counts)
        total += c;
    if (total <= 0)
        return std::nullopt;
    // The rank of the quantile sample (nearest-rank definition): ceil(q * total), at least 1.
    const qint64 rank = qMax<qint64>(1, qint64(std::ceil(q * double(total))));
    const QList<qint64> &bounds = latencyBucketBounds();
    qint64 seen = 0;
    for (int i = 0; i < counts.size(); ++i) {
        seen += counts[i];
        if (seen >= rank)
            return bounds[qMin(i, int(bounds.size()) - 1)];
    }
    return bounds.last();
}

} // namespace paydesk::services::analytics
