#include "platform/observe/TraceContext.h"

#include <QList>
#include <QRandomGenerator>

namespace paydesk::platform {

namespace {
bool isLowerHex(const QByteArray &text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

bool isAllZero(const QByteArray &text)
{
    return text.count('0') == text.size();
}
} // namespace

QByteArray TraceContext::toTraceparent() const
{
    if (!isValid())
        return {};
    return "00-" + traceId + '-' + spanId + '-' + QByteArray::number(flags, 16).rightJustified(2, '0');
}

TraceContext TraceContext::parse(const QByteArray &traceparent)
{
    const QByteArray value = traceparent.trimmed();
    const QList<QByteArray> parts = value.split('-');
    if (parts.size() < 4 || parts[0].size() != 2 || parts[1].size() != 32 || parts[2].size() != 16 ||
        parts[3].size() != 2)
        return {};
    // Version ff is forbidden; version 00 must have exactly four fields.
    if (parts[0] == "ff" || (parts[0] == "00" && parts.size() != 4))
        return {};
    for (const QByteArray &part : parts.mid(0, 4)) {
        if (!isLowerHex(part))
            return {};
    }
    if (isAllZero(parts[1]) || isAllZero(parts[2]))
        return {};
    TraceContext context;
    context.traceId = parts[1];
    context.spanId = parts[2];
    context.flags = static_cast<quint8>(parts[3].toUInt(nullptr, 16));
    return context;
}

TraceContext TraceContext::childOf(const TraceContext &parent)
{
    TraceContext child;
    if (parent.isValid()) {
        child.traceId = parent.traceId;
        child.parentSpanId = parent.spanId;
        child.flags = parent.flags;
    } else {
        child.traceId = randomHex(16);
    }
    child.spanId = randomHex(8);
    return child;
}

QByteArray TraceContext::randomHex(int bytes)
{
    Q_ASSERT(bytes % 4 == 0);
    // One generator per thread, seeded from the system: ids are drawn on every request, and the
    // shared global generator would serialise all service threads on its lock.
    thread_local QRandomGenerator generator(QRandomGenerator::system()->generate());
    QByteArray raw(bytes, Qt::Uninitialized);
    do {
        generator.fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    } while (raw.count('\0') == raw.size());
    return raw.toHex();
}

} // namespace paydesk::platform
