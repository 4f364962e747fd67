#pragma once
// Pure rules of merchant webhooks: which events are delivered, endpoint validation, the signature a
// merchant verifies, and the retry schedule. No I/O; unit-tested in tst_notify_cashier_domain.

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace paydesk::services::notification {

// Event types of payment.events that merchants receive (payment.created and payment.voided are
// internal steps a merchant does not act on).
const QStringList &deliverableEvents();
bool isDeliverable(const QString &eventType);
// An endpoint subscribed to `events` (types or "*") receives `eventType`.
bool subscribes(const QStringList &events, const QString &eventType);

// platform::httpUrlProblem plus the targets a webhook must not reach from inside the platform: loopback
// ("localhost", 127.0.0.0/8, ::1, where PayDesk's own services listen), link-local (169.254.0.0/16,
// cloud metadata) and unspecified addresses, unless `allowLoopback` (tests, a merchant server on the
// same machine). Checks literal hosts only: a DNS name that resolves there is not caught.
QString targetProblem(const QString &url, bool allowLoopback);
// The subscribed event list: each a deliverable type or "*", 1..32 entries; empty when valid.
QString eventsProblem(const QStringList &events);

// A fresh signing secret: "whsec_" + base64url(32 random bytes). The HMAC key is the whole string.
QByteArray newSigningSecret();

// X-Webhook-Signature: lowercase hex HMAC-SHA256(secret, timestamp + "." + body), timestamp in unix
// seconds as sent in X-Webhook-Timestamp.
QByteArray webhookSignature(const QByteArray &secret, qint64 timestampSeconds, const QByteArray &body);

// The delivered body: {id, event, created_at, data}. `data` is the event payload without the
// internal notify_url. Compact JSON, so the signed bytes are exactly the sent bytes.
QByteArray deliveryBody(const QString &eventId, const QString &eventType, const QString &createdAt,
                        const QJsonObject &payload);

// Retry timing. Defaults per the brief; tests shrink them to milliseconds.
struct DeliverySettings
{
    qint64 baseDelayMs = 1000;         // first retry waits up to this
    qint64 maxDelayMs = 3'600'000;     // cap of one back-off (1 h)
    int maxAttempts = 8;               // attempts per round, then `dead`
    int attemptTimeoutMs = 10'000;     // whole request, connect to last byte
    int pollIntervalMs = 1000;         // how often the worker looks for due deliveries
    int batchMax = 16;                 // deliveries claimed (and sent concurrently) per pass
    bool allowLoopbackTargets = false; // see targetProblem
    qint64 leaseMs() const { return attemptTimeoutMs + 30'000; } // a crashed sender's claim expires
};

// Upper bound of the back-off after attempt `attempt` (1-based): base * 2^(attempt-1), capped.
qint64 backoffCeilingMs(int attempt, const DeliverySettings &settings);
// Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in
// [0, backoffCeilingMs]. `uniform(n)` returns a value in [0, n]; injectable for tests.
qint64 retryDelayMs(int attempt, const DeliverySettings &settings,
                    const std::function<qint64(qint64)> &uniform = {});

} // namespace paydesk::services::notification
