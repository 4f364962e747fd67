#pragma once
// Sends due webhook deliveries. A timer on the service thread starts at most one pass at a time on
// the service's worker pool; a pass claims a batch (store::claimDue, FOR UPDATE SKIP LOCKED), posts
// every claimed delivery concurrently through a QNetworkAccessManager owned by that worker thread,
// and records each attempt. The service thread never waits on the network or the database.
//
// Threads: construct, start() and kick() on the service thread; the pass runs on a worker.

#include "services/notification-service/domain/WebhookRules.h"
#include "services/notification-service/store/WebhookStore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

namespace paydesk::platform {
class ServiceRuntime;
}

namespace paydesk::services::notification {

// webhook_deliveries_total{result=delivered|retry|dead} and webhook_attempt_duration_seconds.
struct DeliveryMetrics
{
    prometheus::Counter *delivered = nullptr;
    prometheus::Counter *retried = nullptr;
    prometheus::Counter *dead = nullptr;
    prometheus::Histogram *attemptSeconds = nullptr;
    static DeliveryMetrics registerIn(platform::ServiceRuntime &runtime);
};

class DeliveryWorker : public QObject
{
    Q_OBJECT
public:
    DeliveryWorker(platform::ServiceRuntime &runtime, DeliverySettings settings, DeliveryMetrics metrics,
                   QObject *parent);
    void start();
    // Looks for due deliveries now (after an event created some, or a redelivery).
    void kick();

private:
    struct Sent
    {
        store::Claim claim;
        store::AttemptRecord record;
        QByteArray secretProblem; // the attempt was not sent: why
        QElapsedTimer clock;
    };
    void pass();                         // worker thread
    void send(QList<Sent> &batch) const; // worker thread: concurrent POSTs, bounded by the timeout
    bool resolveSecret(QSqlDatabase &db, Sent &sent) const;
    void finish(QSqlDatabase &db, Sent &sent) const;

    platform::ServiceRuntime &m_runtime;
    const DeliverySettings m_settings;
    const DeliveryMetrics m_metrics;
    QTimer m_timer;
    bool m_inFlight = false; // service thread
    bool m_again = false;    // service thread
};

// The headers of one attempt, signature included (also what webhook_attempts records).
QList<QPair<QByteArray, QByteArray>> webhookHeaders(const store::Claim &claim, const QByteArray &secret,
                                                    qint64 timestampSeconds);

} // namespace paydesk::services::notification
