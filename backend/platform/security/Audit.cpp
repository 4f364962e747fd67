#include "platform/security/Audit.h"

#include "platform/bus/Outbox.h"

namespace paydesk::platform::audit {

bool append(QSqlDatabase &db, const HttpRequest &request, const QString &service, const Change &change,
            QString *error)
{
    const Principal &actor = request.principal;
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kTopic;
    event.type = QStringLiteral("audit.recorded");
    event.aggregateType = change.resource;
    event.aggregateId = change.resourceId;
    event.traceparent = request.trace.toTraceparent();
    event.payload = {
        {QStringLiteral("actor_id"), actor.id},
        {QStringLiteral("actor_name"), actor.name},
        {QStringLiteral("action"), change.action},
        {QStringLiteral("resource"), change.resource},
        {QStringLiteral("resource_id"), change.resourceId},
        {QStringLiteral("before"), change.before},
        {QStringLiteral("after"), change.after},
        {QStringLiteral("service"), service},
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("path"), request.path},
        {QStringLiteral("ip"),
         request.inProcess ? QStringLiteral("in-process") : request.remoteAddress.toString()},
        {QStringLiteral("trace_id"), QString::fromLatin1(request.trace.traceId)},
        {QStringLiteral("occurred_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
    };
    return outbox::append(db, event, error) > 0;
}

} // namespace paydesk::platform::audit
