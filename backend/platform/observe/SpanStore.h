#pragma once
// Recent spans of one service, for the console's trace search and waterfall: a bounded ring
// (oldest dropped first), thread-safe. Spans are W3C trace context ids plus what happened.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <vector>

namespace paydesk::platform {

struct Span
{
    QByteArray traceId;
    QByteArray spanId;
    QByteArray parentSpanId;
    QString service;
    QString operation; // "GET /api/v1/merchants/{id}" or "call merchant-auth-service POST /internal/..."
    QString kind;      // server | client | internal
    qint64 startUnixUs = 0;
    qint64 durationUs = 0;
    int status = 0;     // HTTP status
    bool error = false; // status >= 500 or a failed call
    QJsonObject attributes;

    QJsonObject toJson() const;
};

struct SpanQuery
{
    QByteArray traceId; // exact, when set
    QString operation;  // substring
    qint64 minDurationUs = 0;
    qint64 fromUnixUs = 0;
    qint64 toUnixUs = 0; // 0 = now
    bool errorsOnly = false;
    QString kind;    // server | client | internal; empty = all
    QString target;  // substring of the request path (attribute http.target), e.g. a payment number
    int limit = 100; // newest first, at most 1000
    // Leaves out the platform's own observability traffic (health probes, /metrics scrapes, the
    // console's log and span queries): a console refreshing every second would otherwise fill
    // every search result with its own polling.
    bool hidePlatform = false;
};

// True for the paths of the platform routes every service has (/health…, /metrics, /admin/v1/…).
bool isPlatformPath(QStringView path);

class SpanStore
{
public:
    // 5,000 spans of ~0.5 KiB: at most a few MB per service, ~45 MB for all 18 when busy.
    explicit SpanStore(int capacity = 5000);
    void record(Span span);
    QList<Span> find(const SpanQuery &query) const;
    int size() const;

private:
    mutable QMutex m_mutex; // held for one push or one scan; the ring is the only shared state
    const int m_capacity;
    std::vector<Span> m_ring;
    int m_next = 0;
    int m_count = 0;
};

} // namespace paydesk::platform
