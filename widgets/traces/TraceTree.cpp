#include "traces/TraceTree.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <functional>

namespace paydesk::console {

TraceSpan TraceSpan::fromJson(const QJsonObject &object)
{
    TraceSpan span;
    span.traceId = object.value(QLatin1String("trace_id")).toString();
    span.spanId = object.value(QLatin1String("span_id")).toString();
    span.parentSpanId = object.value(QLatin1String("parent_span_id")).toString();
    span.service = object.value(QLatin1String("service")).toString();
    span.operation = object.value(QLatin1String("operation")).toString();
    span.kind = object.value(QLatin1String("kind")).toString();
    span.startUs = object.value(QLatin1String("start_unix_us")).toInteger();
    span.durationUs = object.value(QLatin1String("duration_us")).toInteger();
    span.status = object.value(QLatin1String("status")).toInt();
    span.error = object.value(QLatin1String("error")).toBool();
    span.attributes = object.value(QLatin1String("attributes")).toObject();
    return span;
}

QStringList Trace::services() const
{
    QStringList names;
    for (const TraceRow &row : rows)
        if (!names.contains(spans.at(row.span).service))
            names.append(spans.at(row.span).service);
    return names;
}

int Trace::errorCount() const
{
    return int(std::count_if(spans.begin(), spans.end(), [](const TraceSpan &span) { return span.error; }));
}

Trace buildTrace(const QList<QJsonObject> &objects)
{
    Trace trace;
    QHash<QString, int> byId;
    for (const QJsonObject &object : objects) {
        TraceSpan span = TraceSpan::fromJson(object);
        if (span.spanId.isEmpty() || byId.contains(span.spanId))
            continue; // asked twice (an in-process service answering for another) counts once
        byId.insert(span.spanId, int(trace.spans.size()));
        if (trace.traceId.isEmpty())
            trace.traceId = span.traceId;
        trace.spans.append(std::move(span));
    }
    if (trace.spans.isEmpty())
        return trace;

    QHash<int, QList<int>> children; // parent index → child indexes
    QList<int> roots;
    for (int i = 0; i < trace.spans.size(); ++i) {
        const TraceSpan &span = trace.spans.at(i);
        const int parent = span.parentSpanId.isEmpty() ? -1 : byId.value(span.parentSpanId, -1);
        if (parent >= 0 && parent != i)
            children[parent].append(i);
        else
            roots.append(i);
    }
    const auto byStart = [&](int a, int b) {
        const TraceSpan &x = trace.spans.at(a);
        const TraceSpan &y = trace.spans.at(b);
        return x.startUs != y.startUs ? x.startUs < y.startUs : x.spanId < y.spanId;
    };
    std::sort(roots.begin(), roots.end(), byStart);
    for (auto it = children.begin(); it != children.end(); ++it)
        std::sort(it->begin(), it->end(), byStart);

    QSet<int> placed;
    // Depth-first; `placed` guards against a parent cycle in corrupt data.
    std::function<void(int, int, bool, int)> visit = [&](int index, int depth, bool orphan, int parentRow) {
        if (placed.contains(index))
            return;
        placed.insert(index);
        const int row = int(trace.rows.size());
        trace.rows.append({index, depth, orphan, parentRow});
        for (int child : children.value(index))
            visit(child, depth + 1, false, row);
    };
    for (int root : roots)
        visit(root, 0, !trace.spans.at(root).parentSpanId.isEmpty(), -1);
    // Spans only reachable through a cycle: shown as orphans rather than lost.
    for (int i = 0; i < trace.spans.size(); ++i)
        visit(i, 0, true, -1);

    trace.startUs = trace.spans.first().startUs;
    trace.endUs = trace.spans.first().endUs();
    for (const TraceSpan &span : trace.spans) {
        trace.startUs = qMin(trace.startUs, span.startUs);
        trace.endUs = qMax(trace.endUs, span.endUs());
    }
    return trace;
}

} // namespace paydesk::console
