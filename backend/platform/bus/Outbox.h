#pragma once
// The transactional outbox of one service database (table outbox_events, platform migration 0001).

#include "platform/bus/EventBus.h"

#include <QSqlDatabase>

namespace paydesk::platform {

class ServiceMetrics;

namespace outbox {

// Appends an event inside the caller's open transaction. Returns the outbox id, or -1 with *error.
qint64 append(QSqlDatabase &db, const Event &event, QString *error);

// One relay pass: publishes up to `batchMax` unpublished rows in id order and marks each one as
// published once the bus acknowledged it. Stops at the first row the bus refuses (recording the
// attempt), so a later row never overtakes an earlier one. Returns the number published, -1 on a
// database error. Runs on a worker thread; blocks up to `ackTimeoutMs` per event.
int relayOnce(QSqlDatabase &db, EventBus &bus, const QString &source, int batchMax, int ackTimeoutMs,
              ServiceMetrics *metrics, QString *error);

// Consumer side: records that `consumer` handled `eventId` (table processed_events), inside the
// caller's transaction with the event's effects. *first is false when it was handled before: the
// caller then skips the effects (delivery is at-least-once, effects are once).
bool markProcessed(QSqlDatabase &db, const QString &consumer, const QUuid &eventId, bool *first,
                   QString *error);

} // namespace outbox
} // namespace paydesk::platform
