#include "platform/observe/SpanStore.h"

namespace paydesk::platform {

QJsonObject Span::toJson() const
{
    QJsonObject object{
        {QStringLiteral("trace_id"), QString::fromLatin1(traceId)},
        {QStringLiteral("span_id"), QString::fromLatin1(spanId)},
        {QStringLiteral("service"), service},
        {QStringLiteral("operation"), operation},
        {QStringLiteral("kind"), kind},
        {QStringLiteral("start_unix_us"), startUnixUs},
        {QStringLiteral("duration_us"), durationUs},
        {QStringLiteral("status"), status},
        {QStringLiteral("error"), error},
        {QStringLiteral("attributes"), attributes},
    };
    if (!parentSpanId.isEmpty())
        object.insert(QStringLiteral("parent_span_id"), QString::fromLatin1(parentSpanId));
    return object;
}

// The ring grows as spans arrive (an idle service holds none) and is overwritten once full.
SpanStore::SpanStore(int capacity) : m_capacity(capacity)
{
    Q_ASSERT(capacity > 0);
}

void SpanStore::record(Span span)
{
    QMutexLocker lock(&m_mutex);
    if (static_cast<int>(m_ring.size()) < m_capacity)
        m_ring.push_back(std::move(span));
    else
        m_ring[static_cast<size_t>(m_next)] = std::move(span);
    m_next = (m_next + 1) % m_capacity;
    m_count = qMin(m_count + 1, m_capacity);
}

int SpanStore::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_count;
}

bool isPlatformPath(QStringView path)
{
    return path == u"/health" || path.startsWith(u"/health/") || path == u"/metrics" ||
           path.startsWith(u"/admin/v1/");
}

QList<Span> SpanStore::find(const SpanQuery &query) const
{
    const int limit = qBound(1, query.limit, 1000);
    QList<Span> result;
    QMutexLocker lock(&m_mutex);
    for (int i = 1; i <= m_count && result.size() < limit; ++i) {
        const Span &span = m_ring[static_cast<size_t>((m_next - i + m_capacity) % m_capacity)];
        if (!query.traceId.isEmpty() && span.traceId != query.traceId)
            continue;
        if (!query.operation.isEmpty() && !span.operation.contains(query.operation, Qt::CaseInsensitive))
            continue;
        if (!query.kind.isEmpty() && span.kind != query.kind)
            continue;
        if (!query.target.isEmpty() &&
            !span.attributes.value(QLatin1String("http.target")).toString().contains(query.target))
            continue;
        if (span.durationUs < query.minDurationUs || (query.errorsOnly && !span.error))
            continue;
        if (query.hidePlatform &&
            isPlatformPath(span.attributes.value(QLatin1String("http.target")).toString()))
            continue;
        if (span.startUnixUs < query.fromUnixUs || (query.toUnixUs > 0 && span.startUnixUs > query.toUnixUs))
            continue;
        result.append(span);
    }
    return result;
}

} // namespace paydesk::platform
