#include "services/notification-service/DeliveryWorker.h"

#include "services/notification-service/domain/SecretSealing.h"

#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"
#include "platform/observe/Metrics.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace paydesk::services::notification {

using namespace platform;

namespace {
constexpr qint64 kResponseBodyKeptBytes = 4096;
}

DeliveryMetrics DeliveryMetrics::registerIn(ServiceRuntime &runtime)
{
    auto registry = runtime.metrics().registry();
    const std::string service = runtime.name().toStdString();
    auto &results = prometheus::BuildCounter()
                        .Name("webhook_deliveries_total")
                        .Help("Webhook delivery attempts by result: delivered, retry (scheduled again), dead")
                        .Register(*registry);
    auto &durations = prometheus::BuildHistogram()
                          .Name("webhook_attempt_duration_seconds")
                          .Help("Duration of one webhook HTTP attempt, connect to last byte")
                          .Register(*registry);
    DeliveryMetrics m;
    m.delivered = &results.Add({{"service", service}, {"result", "delivered"}});
    m.retried = &results.Add({{"service", service}, {"result", "retry"}});
    m.dead = &results.Add({{"service", service}, {"result", "dead"}});
    m.attemptSeconds = &durations.Add(
        {{"service", service}},
        prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
    return m;
}

QList<QPair<QByteArray, QByteArray>> webhookHeaders(const store::Claim &claim, const QByteArray &secret,
                                                    qint64 timestampSeconds)
{
    return {{"Content-Type", "application/json"},
            {"User-Agent", "PayDesk-Webhook/1.0"},
            {"X-Webhook-Event", claim.eventType.toUtf8()},
            {"X-Webhook-Event-ID", claim.eventId.toUtf8()},
            {"X-Webhook-Attempt", QByteArray::number(claim.attempt)},
            {"X-Webhook-Timestamp", QByteArray::number(timestampSeconds)},
            {"X-Webhook-Signature", webhookSignature(secret, timestampSeconds, claim.body)}};
}

DeliveryWorker::DeliveryWorker(ServiceRuntime &runtime, DeliverySettings settings, DeliveryMetrics metrics,
                               QObject *parent)
    : QObject(parent), m_runtime(runtime), m_settings(settings), m_metrics(metrics), m_timer(this)
{
    m_timer.setInterval(m_settings.pollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &DeliveryWorker::kick);
    // The runtime is deleted from the host's thread: stop the timer while still on ours.
    connect(&runtime, &ServiceRuntime::stopped, this, [this] { m_timer.stop(); });
}

void DeliveryWorker::start()
{
    m_timer.start();
    kick();
}

void DeliveryWorker::kick()
{
    if (m_inFlight) {
        m_again = true;
        return;
    }
    m_inFlight = true;
    m_again = false;
    // `this` outlives the pass: the runtime's pool finishes its tasks before its children die.
    m_runtime.runOnWorker([this] {
        pass();
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_inFlight = false;
                if (m_again)
                    kick();
            },
            Qt::QueuedConnection);
    });
}

void DeliveryWorker::pass()
{
    QString error;
    QSqlDatabase db = m_runtime.database().connection(&error);
    if (!db.isOpen())
        return; // the next tick retries; readiness reports the database
    Database::Use use(m_runtime.database());
    QList<store::Claim> claims;
    if (!inTransaction(
            db,
            [&](QString *why) {
                return store::claimDue(db, m_settings.batchMax, m_settings.leaseMs(), &claims, why);
            },
            &error)) {
        m_runtime.log().write(LogLevel::Warn, QStringLiteral("webhook claim failed: %1").arg(error));
        return;
    }
    if (claims.isEmpty())
        return;
    QList<Sent> batch;
    for (const store::Claim &claim : std::as_const(claims)) {
        Sent sent;
        sent.claim = claim;
        if (!resolveSecret(db, sent))
            return; // database error: the leases expire and the claims become due again
        batch.append(sent);
    }
    send(batch);
    for (Sent &sent : batch)
        finish(db, sent);
    if (claims.size() == m_settings.batchMax)
        QMetaObject::invokeMethod(
            this, [this] { m_again = true; }, Qt::QueuedConnection);
}

// Fills sent.record.requestHeaders (with the secret's signature) or sent.secretProblem when the
// target cannot be signed for (endpoint deleted or disabled, secret missing or not opening).
bool DeliveryWorker::resolveSecret(QSqlDatabase &db, Sent &sent) const
{
    QString error;
    QByteArray secret;
    if (sent.claim.endpointId) {
        std::optional<store::Endpoint> endpoint;
        if (!store::loadEndpointById(db, *sent.claim.endpointId, &endpoint, &error))
            return false;
        if (!endpoint || endpoint->deleted)
            sent.secretProblem = "endpoint deleted";
        else if (!endpoint->enabled)
            sent.secretProblem = "endpoint disabled";
        else if (!openEndpointSecret(m_runtime.environment().secrets.masterKey, endpoint->id,
                                     endpoint->secretSealed, &secret))
            sent.secretProblem = "endpoint secret does not open";
    } else {
        std::optional<store::MerchantSecret> stored;
        if (!store::loadMerchantSecret(db, sent.claim.merchantId, &stored, &error))
            return false;
        if (!stored || !openMerchantSecret(m_runtime.environment().secrets.masterKey, sent.claim.merchantId,
                                           stored->sealed, &secret))
            sent.secretProblem = "merchant signing secret missing or does not open";
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QJsonObject headers;
    if (sent.secretProblem.isEmpty()) {
        for (const auto &[name, value] : webhookHeaders(sent.claim, secret, now))
            headers.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    }
    sent.record.requestHeaders = headers;
    sent.record.requestBody = sent.claim.body;
    return true;
}

void DeliveryWorker::send(QList<Sent> &batch) const
{
    // Owned by this worker thread for this pass only: a QNetworkAccessManager must stay on the
    // thread that created it, and the pool's threads are not ours to keep.
    QNetworkAccessManager network;
    QEventLoop loop;
    int pending = 0;
    for (Sent &sent : batch) {
        sent.record.startedAt = QDateTime::currentDateTimeUtc();
        if (!sent.secretProblem.isEmpty()) {
            sent.record.error = QString::fromUtf8(sent.secretProblem);
            continue;
        }
        QNetworkRequest request{QUrl(sent.claim.url)};
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        for (auto it = sent.record.requestHeaders.begin(); it != sent.record.requestHeaders.end(); ++it)
            request.setRawHeader(it.key().toLatin1(), it.value().toString().toUtf8());
        QNetworkReply *reply = network.post(request, sent.claim.body);
        ++pending;
        sent.clock.start();
        auto *timeout = new QTimer(reply);
        timeout->setSingleShot(true);
        QObject::connect(timeout, &QTimer::timeout, reply, [reply, &sent] {
            sent.record.error = QStringLiteral("timed out");
            reply->abort();
        });
        timeout->start(m_settings.attemptTimeoutMs);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [reply, &sent, &pending, &loop] {
            sent.record.durationMs = sent.clock.elapsed();
            const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            if (status.isValid())
                sent.record.responseStatus = status.toInt();
            sent.record.responseBody = reply->read(kResponseBodyKeptBytes);
            if (!status.isValid() && sent.record.error.isEmpty())
                sent.record.error = reply->errorString();
            reply->deleteLater();
            if (--pending == 0)
                loop.quit();
        });
    }
    if (pending > 0)
        loop.exec();
}

void DeliveryWorker::finish(QSqlDatabase &db, Sent &sent) const
{
    store::AttemptRecord &record = sent.record;
    const bool delivered =
        record.responseStatus && *record.responseStatus >= 200 && *record.responseStatus < 300;
    store::Outcome outcome = store::Outcome::Delivered;
    if (!delivered) {
        // Without a secret no later attempt can succeed: dead now, an admin redelivers once fixed.
        if (sent.claim.attempt >= sent.claim.maxAttempts || !sent.secretProblem.isEmpty()) {
            outcome = store::Outcome::Dead;
        } else {
            outcome = store::Outcome::Retry;
            record.retryDelayMs = retryDelayMs(sent.claim.attempt, m_settings);
        }
        if (record.error.isEmpty() && record.responseStatus)
            record.error = QStringLiteral("HTTP %1").arg(*record.responseStatus);
    }
    m_metrics.attemptSeconds->Observe(double(record.durationMs) / 1000.0);
    (outcome == store::Outcome::Delivered ? m_metrics.delivered
     : outcome == store::Outcome::Retry   ? m_metrics.retried
                                          : m_metrics.dead)
        ->Increment();
    QString error;
    bool applied = false;
    if (!inTransaction(
            db,
            [&](QString *why) {
                return store::finishAttempt(db, sent.claim, record, outcome, &applied, why);
            },
            &error))
        m_runtime.log().write(LogLevel::Warn, QStringLiteral("webhook attempt of %1 not recorded: %2")
                                                  .arg(sent.claim.id.toString(QUuid::WithoutBraces), error));
    else if (!applied)
        m_runtime.log().write(LogLevel::Warn,
                              QStringLiteral("webhook delivery %1: lease lost before the result")
                                  .arg(sent.claim.id.toString(QUuid::WithoutBraces)));
}

} // namespace paydesk::services::notification
