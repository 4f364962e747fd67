#include "platform/bus/Outbox.h"
#include "platform/observe/Metrics.h"

#include <QJsonDocument>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>

#include <memory>

namespace paydesk::platform::outbox {

qint64 append(QSqlDatabase &db, const Event &event, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO outbox_events (event_id, topic, event_type, aggregate_type, "
                                 "aggregate_id, payload, traceparent)"
                                 " VALUES (?::uuid, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id"));
    const QUuid id = event.eventId.isNull() ? QUuid::createUuid() : event.eventId;
    query.addBindValue(id.toString(QUuid::WithoutBraces));
    query.addBindValue(event.topic);
    query.addBindValue(event.type);
    query.addBindValue(event.aggregateType);
    query.addBindValue(event.aggregateId);
    query.addBindValue(QString::fromUtf8(QJsonDocument(event.payload).toJson(QJsonDocument::Compact)));
    query.addBindValue(event.traceparent.isEmpty() ? QVariant()
                                                   : QVariant(QString::fromLatin1(event.traceparent)));
    if (!query.exec() || !query.next()) {
        *error = QStringLiteral("cannot append outbox event: %1").arg(query.lastError().text());
        return -1;
    }
    return query.value(0).toLongLong();
}

bool markProcessed(QSqlDatabase &db, const QString &consumer, const QUuid &eventId, bool *first,
                   QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO processed_events (consumer, event_id) VALUES (?, ?::uuid)"
                                 " ON CONFLICT DO NOTHING"));
    query.addBindValue(consumer);
    query.addBindValue(eventId.toString(QUuid::WithoutBraces));
    if (!query.exec()) {
        *error = QStringLiteral("cannot record processed event: %1").arg(query.lastError().text());
        return false;
    }
    *first = query.numRowsAffected() == 1;
    return true;
}

namespace {
QList<Event> fetchBatch(QSqlDatabase &db, const QString &source, int batchMax, QString *error)
{
    QList<Event> batch;
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT id, event_id, topic, event_type, aggregate_type, aggregate_id, "
                                 "payload::text, traceparent, created_at"
                                 " FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT ?"));
    query.addBindValue(batchMax);
    if (!query.exec()) {
        *error = query.lastError().text();
        return {};
    }
    while (query.next()) {
        Event event;
        event.sequence = query.value(0).toLongLong();
        event.eventId = QUuid::fromString(query.value(1).toString());
        event.topic = query.value(2).toString();
        event.type = query.value(3).toString();
        event.aggregateType = query.value(4).toString();
        event.aggregateId = query.value(5).toString();
        event.payload = QJsonDocument::fromJson(query.value(6).toByteArray()).object();
        event.traceparent = query.value(7).toByteArray();
        event.occurredAt = query.value(8).toDateTime().toUTC();
        event.source = source;
        batch.append(event);
    }
    return batch;
}

// Marks the published prefix of a batch in one statement (one commit, not one per event); a crash
// before it only means those events are delivered again, which consumers already tolerate.
bool markPublished(QSqlDatabase &db, const QList<qint64> &ids, QString *error)
{
    if (ids.isEmpty())
        return true;
    QStringList list;
    list.reserve(ids.size());
    for (qint64 id : ids)
        list.append(QString::number(id));
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE outbox_events SET published_at = now(), attempts = attempts + 1,"
                                 " last_error = NULL WHERE id = ANY(?::bigint[])"));
    query.addBindValue(QStringLiteral("{%1}").arg(list.join(u',')));
    if (!query.exec()) {
        *error = query.lastError().text();
        return false;
    }
    return true;
}

bool markFailed(QSqlDatabase &db, qint64 id, const QString &why, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE outbox_events SET attempts = attempts + 1, last_error = ? WHERE id = ?"));
    query.addBindValue(why);
    query.addBindValue(id);
    if (!query.exec()) {
        *error = query.lastError().text();
        return false;
    }
    return true;
}
} // namespace

int relayOnce(QSqlDatabase &db, EventBus &bus, const QString &source, int batchMax, int ackTimeoutMs,
              ServiceMetrics *metrics, QString *error)
{
    const QList<Event> batch = fetchBatch(db, source, batchMax, error);
    if (!error->isEmpty())
        return -1;
    QList<qint64> published;
    published.reserve(batch.size());
    for (const Event &event : batch) {
        QFuture<bool> ack = bus.publish(event);
        // Block this worker (never an event loop) until the ack, bounded by ackTimeoutMs.
        auto done = std::make_shared<QSemaphore>(0);
        auto watch = ack.then(QtFuture::Launch::Sync, [done](bool) { done->release(); }).onCanceled([done] {
            done->release();
        });
        const bool answered = done->tryAcquire(1, ackTimeoutMs);
        const bool ok = answered && ack.isFinished() && ack.resultCount() > 0 && ack.result();
        if (!ok) {
            // Stop at the first refusal: later events wait so that order per producer holds.
            if (!markPublished(db, published, error) ||
                !markFailed(db, event.sequence,
                            QStringLiteral("not acknowledged within %1 ms").arg(ackTimeoutMs), error))
                return -1;
            break;
        }
        published.append(event.sequence);
        if (metrics)
            metrics->outboxPublished().Increment();
    }
    if (published.size() == batch.size() && !markPublished(db, published, error))
        return -1;
    if (metrics)
        metrics->outboxPending().Set(static_cast<double>(batch.size() - published.size()));
    return static_cast<int>(published.size());
}

} // namespace paydesk::platform::outbox
