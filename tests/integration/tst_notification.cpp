// notification-service in process on a real PostgreSQL and Redis, with merchant-auth-service (signed
// merchant calls) and a "receiver" service standing in for merchants' webhook servers. Events are
// published on the in-process bus as payment-gateway's outbox relay would. Signatures are checked
// here with QMessageAuthenticationCode, independently of the service's own code. Back-off is shrunk
// to milliseconds through DeliverySettings.

#include "services/merchant-auth-service/MerchantAuthService.h"
#include "services/notification-service/NotificationService.h"
#include "services/notification-service/store/WebhookStore.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "support/Infrastructure.h"
#include "support/MerchantFixture.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QMutex>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace notification = paydesk::services::notification;

namespace {
constexpr quint16 kAuthSeed = 40011;
constexpr quint16 kNotifySeed = 40008;
constexpr quint16 kReceiverSeed = 40120;
constexpr int kAttemptTimeoutMs = 1500;
constexpr unsigned long kSlowAnswerMs = 2500;

struct Received
{
    QString hook;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
};

// Answers POST /hook/{name} with the next status scripted for that name (200 once the script is
// used up) and records every request.
struct Inbox
{
    QMutex mutex;
    QHash<QString, QList<int>> scripts;
    QHash<QString, int> always; // a status answered every time
    QList<Received> received;

    QList<Received> of(const QString &hook)
    {
        QMutexLocker lock(&mutex);
        QList<Received> result;
        for (const Received &r : std::as_const(received)) {
            if (r.hook == hook)
                result.append(r);
        }
        return result;
    }
};

class ReceiverService : public Service
{
public:
    ReceiverService(quint16 seedPort, std::shared_ptr<Inbox> inbox)
        : Service({"receiver", seedPort, "paydesk_test_receiver", "webhook receiver"}),
          m_inbox(std::move(inbox))
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &) override
    {
        router.add({.method = "POST",
                    .pattern = "/hook/{name}",
                    .handler =
                        [inbox = m_inbox](const HttpRequest &request) {
                            QMutexLocker lock(&inbox->mutex);
                            const QString name = request.pathParam("name");
                            inbox->received.append({name, request.headers, request.body});
                            int status = 200;
                            if (inbox->always.contains(name))
                                status = inbox->always.value(name);
                            else if (!inbox->scripts.value(name).isEmpty())
                                status = inbox->scripts[name].takeFirst();
                            return HttpResponse::json(QJsonObject{{"status", status}}, status);
                        },
                    .execution = Execution::ServiceThread});
        // Answers its first request after kSlowAnswerMs (beyond the attempt timeout), later ones at once.
        router.add({.method = "POST",
                    .pattern = "/slow/{name}",
                    .handler =
                        [inbox = m_inbox](const HttpRequest &request) {
                            bool first = false;
                            {
                                QMutexLocker lock(&inbox->mutex);
                                first = std::none_of(inbox->received.begin(), inbox->received.end(),
                                                     [&](const Received &r) { return r.hook == "slow"; });
                                inbox->received.append({"slow", request.headers, request.body});
                            }
                            if (first)
                                QThread::msleep(kSlowAnswerMs);
                            return HttpResponse::json(QJsonObject{{"slow", first}});
                        },
                    .execution = Execution::Worker});
    }

private:
    std::shared_ptr<Inbox> m_inbox;
};

using Key = TestMerchant;

// Back-off in milliseconds so retries and dead deliveries happen within a test.
notification::DeliverySettings testSettings()
{
    return {.baseDelayMs = 20,
            .maxDelayMs = 200,
            .maxAttempts = 4,
            .attemptTimeoutMs = kAttemptTimeoutMs,
            .pollIntervalMs = 50,
            .batchMax = 16,
            .allowLoopbackTargets = true}; // the receiver listens on 127.0.0.1
}

QByteArray hmacHex(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toHex();
}
} // namespace

class NotificationTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-notify-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::shared_ptr<Inbox> m_inbox = std::make_shared<Inbox>();
    quint16 m_base = 0;
    HostEnvironment m_env;
    const notification::DeliverySettings m_settings = testSettings();

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QString hook(const QString &name) const { return url(kReceiverSeed, "/hook/" + name); }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)}};
    }
    HttpResult adminCall(const QByteArray &method, const QString &path,
                         const QStringList &permissions = {"webhook.view", "webhook.redeliver"})
    {
        return httpRequest(method, url(kNotifySeed, path), {}, admin(permissions));
    }
    Key createKey()
    {
        QString error;
        const std::optional<Key> key =
            createTestKey(url(kAuthSeed, {}), adminToken(m_dir.path(), {"apikey.manage"}), "notify", &error);
        if (!key)
            qWarning() << error;
        return key.value_or(Key{});
    }
    HttpResult merchant(const Key &key, const QByteArray &method, const QString &path,
                        const QByteArray &body = {})
    {
        return signedJsonRequest(key, method, url(kNotifySeed, {}), path, body);
    }
    QJsonObject createEndpoint(const Key &key, const QString &target, const QJsonArray &events)
    {
        const HttpResult created = merchant(
            key, "POST", "/api/v1/webhooks/endpoints",
            QJsonDocument(QJsonObject{{"url", target}, {"events", events}}).toJson(QJsonDocument::Compact));
        if (created.status != 201)
            qWarning() << "create endpoint:" << created.status << created.body;
        return created.json();
    }
    bool publish(const QString &type, const QJsonObject &payload, const QUuid &eventId = QUuid::createUuid())
    {
        const Event event{.eventId = eventId,
                          .topic = "payment.events",
                          .type = type,
                          .aggregateType = "payment",
                          .aggregateId = payload.value("payment_no").toString(),
                          .payload = payload,
                          .source = "payment-gateway",
                          .occurredAt = QDateTime::currentDateTimeUtc()};
        QFuture<bool> ack = m_bus->publish(event);
        if (!QTest::qWaitFor([&] { return ack.isFinished(); }, 10000))
            return false;
        return ack.result();
    }
    static QJsonObject payment(const Key &key, const QString &paymentNo, const QString &notifyUrl = {})
    {
        QJsonObject payload{
            {"payment_no", paymentNo}, {"merchant_id", key.id}, {"order_no", "O-" + paymentNo},
            {"amount_minor", 1250},    {"currency", "EUR"},     {"status", "success"},
            {"environment", "test"}};
        if (!notifyUrl.isEmpty())
            payload.insert("notify_url", notifyUrl);
        return payload;
    }
    QJsonArray deliveriesOf(const QString &paymentNo)
    {
        return adminCall("GET", "/api/v1/admin/webhooks/deliveries?payment_no=" + paymentNo)
            .json()
            .value("items")
            .toArray();
    }
    QString statusOf(const QString &deliveryId)
    {
        return adminCall("GET", "/api/v1/admin/webhooks/deliveries/" + deliveryId)
            .json()
            .value("status")
            .toString();
    }
    QSqlDatabase notifyDb() { return serviceDatabase(m_infra, "notify-test", "payment_notify"); }
    void startHost()
    {
        m_host = std::make_unique<ServiceHost>(m_env);
        m_host->add(paydesk::services::merchantauth::createMerchantAuthService(
            {"merchant-auth-service", kAuthSeed, "payment_merchant_auth", "auth"}));
        m_host->add(std::make_unique<notification::NotificationService>(
            ServiceDescriptor{"notification-service", kNotifySeed, "payment_notify", "webhooks"},
            m_settings));
        m_host->add(std::make_unique<ReceiverService>(kReceiverSeed, m_inbox));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("PAYDESK_KEEP_TEST_DIR")); // logs for a post-mortem
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, m_dir.path(), m_base, m_bus.get(), &env, &error,
                                     {{"data_dir", m_dir.path() + "/data"}, {"workers_per_service", "6"}}),
                 qPrintable(error));
        m_env = env;
        startHost();
    }

    void endpointCrudShowsTheSecretOnce()
    {
        const Key key = createKey();
        const QJsonObject created = createEndpoint(key, hook("crud"), {"payment.success", "refund.success"});
        const QString id = created.value("id").toString();
        const QString secret = created.value("secret").toString();
        QVERIFY(!id.isEmpty());
        QVERIFY2(secret.startsWith("whsec_") && secret.size() > 40, qPrintable(secret));
        QCOMPARE(created.value("merchant_id").toString(), key.id);

        const HttpResult listed = merchant(key, "GET", "/api/v1/webhooks/endpoints");
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.json().value("items").toArray().size(), 1);
        QVERIFY(!listed.body.contains("secret\"") && !listed.body.contains(secret.toUtf8()));
        // Sealed at rest: the stored value is not the secret.
        QSqlQuery q(notifyDb());
        QVERIFY(q.exec("SELECT secret_sealed FROM webhook_endpoints WHERE id = '" + id + "'") && q.next());
        QVERIFY(!q.value(0).toByteArray().contains(secret.toUtf8()));

        const HttpResult patched = merchant(key, "PATCH", "/api/v1/webhooks/endpoints/" + id,
                                            R"({"events":["*"],"enabled":false,"description":"all of it"})");
        QCOMPARE(patched.status, 200);
        QCOMPARE(patched.json().value("events").toArray(), QJsonArray{"*"});
        QCOMPARE(patched.json().value("enabled").toBool(), false);

        const HttpResult rotated =
            merchant(key, "POST", "/api/v1/webhooks/endpoints/" + id + "/rotate-secret");
        QCOMPARE(rotated.status, 200);
        QVERIFY(rotated.json().value("secret").toString().startsWith("whsec_"));
        QVERIFY(rotated.json().value("secret").toString() != secret);

        // Another merchant sees nothing of it and cannot delete it.
        const Key other = createKey();
        QCOMPARE(merchant(other, "GET", "/api/v1/webhooks/endpoints").json().value("items").toArray().size(),
                 0);
        QCOMPARE(merchant(other, "DELETE", "/api/v1/webhooks/endpoints/" + id).status, 404);

        QCOMPARE(merchant(key, "DELETE", "/api/v1/webhooks/endpoints/" + id).status, 204);
        QCOMPARE(merchant(key, "GET", "/api/v1/webhooks/endpoints").json().value("items").toArray().size(),
                 0);
        QCOMPARE(merchant(key, "DELETE", "/api/v1/webhooks/endpoints/" + id).status, 404);

        // Validation: scheme, unknown event types; unsigned calls are refused.
        const HttpResult ftp =
            merchant(key, "POST", "/api/v1/webhooks/endpoints", "{\"url\":\"ftp://x.test/h\"}");
        QCOMPARE(ftp.status, 422);
        QCOMPARE(ftp.json().value("code").toString(), QStringLiteral("VALIDATION_FAILED"));
        const QByteArray unknownEvent = "{\"url\":\"https://x.test/h\",\"events\":[\"payment.exploded\"]}";
        QCOMPARE(merchant(key, "POST", "/api/v1/webhooks/endpoints", unknownEvent).status, 422);
        QCOMPARE(httpRequest("GET", url(kNotifySeed, "/api/v1/webhooks/endpoints")).status, 401);
    }

    void eventIsDeliveredSignedToEndpointAndNotifyUrl()
    {
        const Key key = createKey();
        const QJsonObject endpoint = createEndpoint(key, hook("signed"), {"payment.success"});
        createEndpoint(key, hook("refunds-only"), {"refund.success"});
        QCOMPARE(merchant(key, "GET", "/api/v1/webhooks/secret").json().value("exists").toBool(), false);
        const HttpResult merchantSecret = merchant(key, "POST", "/api/v1/webhooks/secret/rotate");
        QCOMPARE(merchantSecret.status, 200);
        QCOMPARE(merchant(key, "GET", "/api/v1/webhooks/secret").json().value("exists").toBool(), true);

        const QUuid eventId = QUuid::createUuid();
        QVERIFY(publish("payment.success", payment(key, "PY-SIGNED-1", hook("notify")), eventId));
        QTRY_COMPARE_WITH_TIMEOUT(m_inbox->of("signed").size(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_inbox->of("notify").size(), 1, 10000);

        const QList<std::pair<Received, QByteArray>> checks{
            {m_inbox->of("signed").first(), endpoint.value("secret").toString().toLatin1()},
            {m_inbox->of("notify").first(), merchantSecret.json().value("secret").toString().toLatin1()}};
        for (const auto &[received, secret] : checks) {
            const QByteArray timestamp = received.headers.value("x-webhook-timestamp");
            QCOMPARE(received.headers.value("x-webhook-signature"),
                     hmacHex(secret, timestamp + "." + received.body));
            QVERIFY(qAbs(timestamp.toLongLong() - QDateTime::currentSecsSinceEpoch()) < 300);
            QCOMPARE(received.headers.value("x-webhook-event"), QByteArray("payment.success"));
            QCOMPARE(received.headers.value("x-webhook-event-id"), eventId.toByteArray(QUuid::WithoutBraces));
            QCOMPARE(received.headers.value("x-webhook-attempt"), QByteArray("1"));
            QCOMPARE(received.headers.value("user-agent"), QByteArray("PayDesk-Webhook/1.0"));
            QCOMPARE(received.headers.value("content-type"), QByteArray("application/json"));
            const QJsonObject body = QJsonDocument::fromJson(received.body).object();
            QCOMPARE(body.value("id").toString(), eventId.toString(QUuid::WithoutBraces));
            QCOMPARE(body.value("event").toString(), QStringLiteral("payment.success"));
            const QJsonObject data = body.value("data").toObject();
            QCOMPARE(data.value("payment_no").toString(), QStringLiteral("PY-SIGNED-1"));
            QCOMPARE(data.value("amount_minor").toInteger(), 1250);
            QCOMPARE(data.value("merchant_id").toString(), key.id);
            QVERIFY(!data.contains("notify_url"));
        }
        QCOMPARE(m_inbox->of("refunds-only").size(), 0);

        // The same event again (at-least-once bus) creates nothing new.
        QVERIFY(publish("payment.success", payment(key, "PY-SIGNED-1", hook("notify")), eventId));
        QTRY_COMPARE_WITH_TIMEOUT(merchant(key, "GET", "/api/v1/webhooks/deliveries?status=delivered")
                                      .json()
                                      .value("total")
                                      .toInt(),
                                  2, 10000);
        QCOMPARE(merchant(key, "GET", "/api/v1/webhooks/deliveries").json().value("total").toInt(), 2);
        // payment.created is not for merchants.
        QVERIFY(publish("payment.created", payment(key, "PY-SIGNED-2", hook("notify"))));
        QCOMPARE(deliveriesOf("PY-SIGNED-2").size(), 0);
    }

    void failingReceiverIsRetriedWithBackoffThenDelivered()
    {
        const Key key = createKey();
        createEndpoint(key, hook("flaky"), {"*"});
        {
            QMutexLocker lock(&m_inbox->mutex);
            m_inbox->scripts.insert("flaky", {500, 503, 200});
        }
        QVERIFY(publish("refund.success", payment(key, "PY-FLAKY-1")));
        QTRY_COMPARE_WITH_TIMEOUT(m_inbox->of("flaky").size(), 3, 15000);
        const QList<Received> seen = m_inbox->of("flaky");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(seen[i].headers.value("x-webhook-attempt"), QByteArray::number(i + 1));
        QTRY_COMPARE_WITH_TIMEOUT(deliveriesOf("PY-FLAKY-1").first().toObject().value("status").toString(),
                                  QStringLiteral("delivered"), 10000);
        const QString id = deliveriesOf("PY-FLAKY-1").first().toObject().value("id").toString();
        const QJsonObject detail = adminCall("GET", "/api/v1/admin/webhooks/deliveries/" + id).json();
        const QJsonArray attempts = detail.value("attempt_log").toArray();
        QCOMPARE(attempts.size(), 3);
        QCOMPARE(attempts[0].toObject().value("response_status").toInt(), 500);
        QCOMPARE(attempts[1].toObject().value("response_status").toInt(), 503);
        QCOMPARE(attempts[2].toObject().value("response_status").toInt(), 200);
        // Full jitter: each back-off lies in [0, base * 2^(n-1)]; the ceiling doubles.
        QVERIFY(attempts[0].toObject().value("retry_delay_ms").toInteger() <= 20);
        QVERIFY(attempts[1].toObject().value("retry_delay_ms").toInteger() <= 40);
        QVERIFY(attempts[2].toObject().value("retry_delay_ms").isNull());
        QVERIFY(attempts[0].toObject().value("request_headers").toObject().contains("X-Webhook-Signature"));
        QCOMPARE(attempts[0].toObject().value("response_body").toString(),
                 QStringLiteral("{\"status\":500}"));
        QCOMPARE(detail.value("attempts").toInt(), 3);
        QCOMPARE(detail.value("payload").toObject().value("event").toString(),
                 QStringLiteral("refund.success"));
    }

    void alwaysFailingEndsDeadAndRedeliveryRevivesIt()
    {
        const Key key = createKey();
        createEndpoint(key, hook("down"), {"payment.failed"});
        {
            QMutexLocker lock(&m_inbox->mutex);
            m_inbox->always.insert("down", 500);
        }
        QVERIFY(publish("payment.failed", payment(key, "PY-DEAD-1")));
        QTRY_COMPARE_WITH_TIMEOUT(deliveriesOf("PY-DEAD-1").size(), 1, 10000);
        const QString id = deliveriesOf("PY-DEAD-1").first().toObject().value("id").toString();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("dead"), 15000);
        QCOMPARE(m_inbox->of("down").size(), m_settings.maxAttempts);
        const QJsonObject dead = adminCall("GET", "/api/v1/admin/webhooks/deliveries/" + id).json();
        QCOMPARE(dead.value("attempts").toInt(), m_settings.maxAttempts);
        QCOMPARE(dead.value("last_status_code").toInt(), 500);

        const HttpResult metrics = httpRequest("GET", url(kNotifySeed, "/metrics"));
        QVERIFY(metrics.body.contains(
                    "webhook_deliveries_total{result=\"dead\",service=\"notification-service\"}") ||
                metrics.body.contains(
                    "webhook_deliveries_total{service=\"notification-service\",result=\"dead\"}"));
        QVERIFY(metrics.body.contains("webhook_attempt_duration_seconds_bucket"));
        // The worker's backlog is one of the service's health checks.
        QTRY_VERIFY_WITH_TIMEOUT(
            httpRequest("GET", url(kNotifySeed, "/health")).body.contains("webhook_backlog"), 5000);

        {
            QMutexLocker lock(&m_inbox->mutex);
            m_inbox->always.remove("down");
        }
        const HttpResult again = adminCall("POST", "/api/v1/admin/webhooks/deliveries/" + id + "/redeliver");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json().value("round").toInt(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("delivered"), 10000);
        const QList<Received> seen = m_inbox->of("down");
        QCOMPARE(seen.size(), m_settings.maxAttempts + 1);
        QCOMPARE(seen.last().headers.value("x-webhook-attempt"), QByteArray("1")); // a new round
        // Audited in the same transaction.
        QSqlQuery q(notifyDb());
        QVERIFY(
            q.exec(
                "SELECT count(*) FROM outbox_events WHERE topic = 'audit.events' AND payload::text LIKE '%" +
                id + "%'") &&
            q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        // A delivered delivery may be sent again; an unknown one is 404.
        QCOMPARE(adminCall("POST", "/api/v1/admin/webhooks/deliveries/" + id + "/redeliver").status, 200);
        QCOMPARE(adminCall("POST", "/api/v1/admin/webhooks/deliveries/" +
                                       QUuid::createUuid().toString(QUuid::WithoutBraces) + "/redeliver")
                     .status,
                 404);
    }

    void attemptThatOutlivesTheTimeoutIsRetried()
    {
        const Key key = createKey();
        createEndpoint(key, url(kReceiverSeed, "/slow/once"), {"payment.authorized"});
        QVERIFY(publish("payment.authorized", payment(key, "PY-SLOW-1")));
        QTRY_COMPARE_WITH_TIMEOUT(deliveriesOf("PY-SLOW-1").size(), 1, 10000);
        const QString id = deliveriesOf("PY-SLOW-1").first().toObject().value("id").toString();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("delivered"), 15000);
        const QJsonArray attempts =
            adminCall("GET", "/api/v1/admin/webhooks/deliveries/" + id).json().value("attempt_log").toArray();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].toObject().value("error").toString(), QStringLiteral("timed out"));
        QVERIFY(attempts[0].toObject().value("response_status").isNull());
        QCOMPARE(attempts[1].toObject().value("response_status").toInt(), 200);
    }

    void deletedEndpointDeliveryEndsDead()
    {
        const Key key = createKey();
        const QString id = createEndpoint(key, hook("gone"), {"payment.expired"}).value("id").toString();
        {
            QMutexLocker lock(&m_inbox->mutex);
            m_inbox->always.insert("gone", 500);
        }
        QVERIFY(publish("payment.expired", payment(key, "PY-GONE-1")));
        QTRY_VERIFY_WITH_TIMEOUT(m_inbox->of("gone").size() >= 1, 10000);
        QCOMPARE(merchant(key, "DELETE", "/api/v1/webhooks/endpoints/" + id).status, 204);
        const QString delivery = deliveriesOf("PY-GONE-1").first().toObject().value("id").toString();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(delivery), QStringLiteral("dead"), 10000);
        QVERIFY(adminCall("GET", "/api/v1/admin/webhooks/deliveries/" + delivery)
                    .json()
                    .value("last_error")
                    .toString()
                    .contains("deleted") ||
                m_inbox->of("gone").size() == m_settings.maxAttempts);
    }

    void concurrentClaimersTakeDisjointSets()
    {
        // A database of its own, so the running service's worker does not claim these rows.
        QSqlDatabase maintenance = serviceDatabase(m_infra, "notify-maint", "postgres");
        QSqlQuery create(maintenance);
        QVERIFY2(create.exec("CREATE DATABASE notify_claims"), qPrintable(create.lastError().text()));
        QFile migration(QStringLiteral(PAYDESK_SOURCE_DIR) +
                        "/backend/services/notification-service/migrations/0001_webhooks.sql");
        QVERIFY(migration.open(QIODevice::ReadOnly));
        QSqlDatabase a = serviceDatabase(m_infra, "claims-a", "notify_claims");
        QSqlDatabase b = serviceDatabase(m_infra, "claims-b", "notify_claims");
        QSqlQuery schema(a);
        QVERIFY2(schema.exec(QString::fromUtf8(migration.readAll())), qPrintable(schema.lastError().text()));
        for (int i = 0; i < 10; ++i) {
            QUuid id;
            QString error;
            notification::store::NewDelivery d{.merchantId = "m-claims",
                                               .url = "http://127.0.0.1:9/x",
                                               .eventId = QUuid::createUuid(),
                                               .eventType = "payment.success",
                                               .body = "{}"};
            QVERIFY2(notification::store::insertDelivery(a, d, &id, &error), qPrintable(error));
        }
        // b must not wait for a's locks: a lock wait fails the test instead of hanging it.
        QVERIFY(QSqlQuery(b).exec("SET lock_timeout = '2s'"));
        QVERIFY(a.transaction() && b.transaction());
        QList<notification::store::Claim> first;
        QList<notification::store::Claim> second;
        QString error;
        QVERIFY2(notification::store::claimDue(a, 6, 60000, &first, &error), qPrintable(error));
        QVERIFY2(notification::store::claimDue(b, 10, 60000, &second, &error), qPrintable(error));
        QCOMPARE(first.size(), 6);
        QCOMPARE(second.size(), 4);
        QSet<QUuid> ids;
        for (const auto &claim : first + second)
            ids.insert(claim.id);
        QCOMPARE(ids.size(), 10);
        QVERIFY(a.commit() && b.commit());
        // Leased: nothing is due until the lease ends.
        QList<notification::store::Claim> third;
        QVERIFY(notification::store::claimDue(a, 10, 60000, &third, &error));
        QCOMPARE(third.size(), 0);
        for (const auto &claim : first)
            QCOMPARE(claim.attempt, 1);
    }

    void adminRoutesNeedTheirPermissions()
    {
        const QString path = "/api/v1/admin/webhooks/deliveries";
        const QString redeliver =
            path + "/" + QUuid::createUuid().toString(QUuid::WithoutBraces) + "/redeliver";
        QCOMPARE(httpRequest("GET", url(kNotifySeed, path)).status, 401);
        QCOMPARE(adminCall("GET", path, {"payment.view"}).status, 403);
        QCOMPARE(adminCall("GET", path, {"webhook.view"}).status, 200);
        QCOMPARE(adminCall("GET", path + "?status=lost", {"webhook.view"}).status, 422);
        QCOMPARE(adminCall("POST", redeliver, {"webhook.view"}).status, 403);
        QCOMPARE(adminCall("POST", redeliver, {"webhook.redeliver"}).status, 404);
        // A merchant key is not an admin token.
        const Key key = createKey();
        QCOMPARE(merchant(key, "GET", path).status, 401);
    }

    void payctlListsAndRedeliversDeliveries()
    {
        if (qEnvironmentVariableIsEmpty("PAYCTL_BIN"))
            QSKIP("PAYCTL_BIN is set by ctest");
        // payctl keeps its session under XDG_CONFIG_HOME: give it an admin token directly.
        const QString config = m_dir.path() + "/payctl-config";
        QVERIFY(QDir().mkpath(config + "/paydesk"));
        QFile session(config + "/paydesk/payctl.json");
        QVERIFY(session.open(QIODevice::WriteOnly));
        session.write(QJsonDocument(QJsonObject{{"url", url(40000, {})},
                                                {"access_token",
                                                 QString::fromLatin1(adminToken(
                                                     m_dir.path(), {"webhook.view", "webhook.redeliver"}))}})
                          .toJson());
        session.close();
        const auto payctl = [&](const QStringList &args) {
            QProcess process;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("XDG_CONFIG_HOME", config);
            process.setProcessEnvironment(env);
            process.start(qEnvironmentVariable("PAYCTL_BIN"), QStringList{"--url", url(40000, {})} + args);
            process.waitForFinished(30000);
            return std::make_pair(process.exitCode(), process.readAllStandardOutput());
        };
        const auto [listed, output] = payctl({"--json", "webhooks", "list", "--payment-no", "PY-DEAD-1"});
        QCOMPARE(listed, 0);
        const QJsonArray items = QJsonDocument::fromJson(output).object().value("items").toArray();
        QCOMPARE(items.size(), 1);
        const QString id = items.first().toObject().value("id").toString();
        const auto [table, text] = payctl({"webhooks", "list", "--status", "delivered"});
        QCOMPARE(table, 0);
        QVERIFY(text.contains("deliveries"));
        const auto [redelivered, answer] = payctl({"webhooks", "redeliver", id});
        QCOMPARE(redelivered, 0);
        QVERIFY(answer.contains("round"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("delivered"), 10000);
        QCOMPARE(payctl({"webhooks", "redeliver"}).first, 2); // usage
    }

    // State is in PostgreSQL: a delivery left pending by a previous run, and one whose sender died
    // mid-attempt (claimed, lease over), are both sent by the next run.
    void deliveriesLeftByAPreviousRunAreSentAfterARestart()
    {
        const Key key = createKey();
        const QJsonObject endpoint = createEndpoint(key, hook("restart"), {"*"});
        m_host->stop();
        m_host.reset();
        QSqlQuery q(notifyDb());
        for (const auto &[payment, claimed] :
             {std::pair{"PY-RESTART-1", false}, std::pair{"PY-RESTART-2", true}}) {
            q.prepare("INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, target, url, event_id, "
                      "event_type, "
                      "payment_no, body, max_attempts, attempts, claim_token, next_attempt_at) VALUES "
                      "(gen_random_uuid(), ?, ?::uuid, 'endpoint', ?, gen_random_uuid(), 'payment.success', "
                      "?, ?, 4, ?, "
                      "CASE WHEN ? THEN gen_random_uuid() END, now() - interval '1 second')");
            for (const QVariant &value :
                 QVariantList{key.id, endpoint.value("id").toString(), hook("restart"), QString(payment),
                              QString("{\"payment\":\"%1\"}").arg(payment), claimed ? 1 : 0, claimed})
                q.addBindValue(value);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        startHost();
        QTRY_COMPARE_WITH_TIMEOUT(m_inbox->of("restart").size(), 2, 15000);
        QHash<QByteArray, QByteArray> attemptOf;
        for (const Received &received : m_inbox->of("restart")) {
            const QByteArray timestamp = received.headers.value("x-webhook-timestamp");
            QCOMPARE(
                received.headers.value("x-webhook-signature"),
                hmacHex(endpoint.value("secret").toString().toLatin1(), timestamp + "." + received.body));
            attemptOf.insert(received.body, received.headers.value("x-webhook-attempt"));
        }
        QCOMPARE(attemptOf.value(R"({"payment":"PY-RESTART-1"})"), QByteArray("1"));
        QCOMPARE(attemptOf.value(R"({"payment":"PY-RESTART-2"})"),
                 QByteArray("2")); // the cut-off one counted
        QTRY_COMPARE_WITH_TIMEOUT(deliveriesOf("PY-RESTART-2").first().toObject().value("status").toString(),
                                  QStringLiteral("delivered"), 10000);
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(NotificationTest)
#include "tst_notification.moc"
