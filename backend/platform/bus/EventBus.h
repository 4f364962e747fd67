#pragma once
// Events between services. A service never publishes directly: it appends to its outbox in the
// same transaction as the state change (Outbox::append) and its OutboxRelay hands rows to the bus
// in id order. Delivery is at-least-once and ordered per producing service (hence per aggregate);
// consumers make effects idempotent with processed_events. The in-process bus serves single-site
// installs; a Kafka implementation sits behind the same interface for clusters.

#include <QDateTime>
#include <QFuture>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUuid>

#include <functional>

namespace paydesk::platform {

struct Event
{
    QUuid eventId;
    QString topic;         // "payment.events"
    QString type;          // "payment.succeeded"
    QString aggregateType; // "payment"
    QString aggregateId;
    QJsonObject payload;
    QString source; // producing service
    QDateTime occurredAt;
    QByteArray traceparent;
    qint64 sequence = 0; // outbox id at the producer

    QJsonObject toJson() const;
    static Event fromJson(const QJsonObject &object);
};

// Returns true when the event is handled (or was already); false asks for redelivery.
using EventHandler = std::function<bool(const Event &)>;

class EventBus
{
public:
    virtual ~EventBus() = default;
    // Completes with true once every subscribed consumer group acknowledged the event (or the
    // broker did), false on a negative acknowledgement or timeout.
    virtual QFuture<bool> publish(const Event &event) = 0;
    // `context` decides the thread the handler runs on (a service's thread); the subscription
    // ends with the context object. One handler per (topic, group).
    virtual void subscribe(const QString &topic, const QString &group, QObject *context,
                           EventHandler handler) = 0;
    // Announces, before any service starts, that `group` consumes `topic`. Until that group has
    // subscribed, events of the topic are not acknowledged, so the outbox keeps them: a consumer
    // that starts after its producer still sees every event. (Kafka keeps them in the log.)
    virtual void declareConsumer(const QString &topic, const QString &group) = 0;
};

} // namespace paydesk::platform
