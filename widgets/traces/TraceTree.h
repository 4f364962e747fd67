#pragma once
// A trace put together from the spans every service recorded (/admin/v1/spans?trace_id=): the
// rows of the waterfall in depth-first order, children by start time. Spans whose parent was not
// recorded (a caller outside the cluster, a span dropped from a full ring) become extra roots
// marked as orphans, so nothing recorded is hidden.

#include <QJsonObject>
#include <QList>
#include <QString>

namespace paydesk::console {

struct TraceSpan
{
    QString traceId;
    QString spanId;
    QString parentSpanId;
    QString service;
    QString operation;
    QString kind; // server | client | internal
    qint64 startUs = 0;
    qint64 durationUs = 0;
    int status = 0;
    bool error = false;
    QJsonObject attributes;

    qint64 endUs() const { return startUs + durationUs; }
    static TraceSpan fromJson(const QJsonObject &object);
};

struct TraceRow
{
    int span = 0;  // index into Trace::spans
    int depth = 0; // 0 for roots and orphans
    bool orphan = false;
    int parentRow = -1;
};

struct Trace
{
    QString traceId;
    QList<TraceSpan> spans; // deduplicated by span id
    QList<TraceRow> rows;   // display order
    qint64 startUs = 0;
    qint64 endUs = 0;
    QStringList services() const; // in order of first appearance in rows
    int errorCount() const;
};

Trace buildTrace(const QList<QJsonObject> &spans);

} // namespace paydesk::console
