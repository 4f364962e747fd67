#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): `traceparent` is
// "00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>". All-zero ids are invalid.

#include <QByteArray>
#include <QString>

namespace paydesk::platform {

struct TraceContext
{
    QByteArray traceId;      // 32 lower-case hex chars
    QByteArray spanId;       // 16 lower-case hex chars: this span
    QByteArray parentSpanId; // empty for a root span
    quint8 flags = 0x01;     // sampled

    bool isValid() const { return traceId.size() == 32 && spanId.size() == 16; }
    QByteArray toTraceparent() const;

    // Parses a traceparent header; returns an invalid context for anything malformed, so the
    // caller starts a new trace rather than propagate garbage.
    static TraceContext parse(const QByteArray &traceparent);
    // A new span: child of `parent` when it is valid, else the root of a new trace.
    static TraceContext childOf(const TraceContext &parent);
    static QByteArray randomHex(int bytes);
};

} // namespace paydesk::platform
