#pragma once
// The fixed latency buckets of analytics-service: counts per bucket merge by summing, so p50/p95
// of any set of minutes and merchants come from the merged counts.

#include <QList>
#include <QtGlobal>

#include <optional>

namespace paydesk::services::analytics {

// Upper bounds (inclusive, milliseconds) of the finite buckets; one more bucket holds the rest.
const QList<qint64> &latencyBucketBounds();
int latencyBucketCount();
// The bucket of a latency; negative latencies (clock skew between producers) count as 0.
int latencyBucket(qint64 latencyMs);
// The upper bound of the bucket holding the q-quantile (0 < q ≤ 1) of `counts` (indexed by
// bucket); the overflow bucket answers the last finite bound. nullopt when there is no sample.
std::optional<qint64> latencyQuantile(const QList<qint64> &counts, double q);

} // namespace paydesk::services::analytics
