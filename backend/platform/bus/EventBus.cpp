#include "platform/bus/EventBus.h"

namespace paydesk::platform {

QJsonObject Event::toJson() const
{
    return {
        {QStringLiteral("event_id"), eventId.toString(QUuid::WithoutBraces)},
        {QStringLiteral("topic"), topic},
        {QStringLiteral("event_type"), type},
        {QStringLiteral("aggregate_type"), aggregateType},
        {QStringLiteral("aggregate_id"), aggregateId},
        {QStringLiteral("payload"), payload},
        {QStringLiteral("source"), source},
        {QStringLiteral("timestamp"), occurredAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("traceparent"), QString::fromLatin1(traceparent)},
        {QStringLiteral("sequence"), sequence},
    };
}

Event Event::fromJson(const QJsonObject &object)
{
    Event event;
    event.eventId = QUuid::fromString(object.value(QStringLiteral("event_id")).toString());
    event.topic = object.value(QStringLiteral("topic")).toString();
    event.type = object.value(QStringLiteral("event_type")).toString();
    event.aggregateType = object.value(QStringLiteral("aggregate_type")).toString();
    event.aggregateId = object.value(QStringLiteral("aggregate_id")).toString();
    event.payload = object.value(QStringLiteral("payload")).toObject();
    event.source = object.value(QStringLiteral("source")).toString();
    event.occurredAt =
        QDateTime::fromString(object.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs);
    event.traceparent = object.value(QStringLiteral("traceparent")).toString().toLatin1();
    event.sequence = object.value(QStringLiteral("sequence")).toInteger();
    return event;
}

} // namespace paydesk::platform
