// The payment flow end to end, every service of the catalog in process on a real PostgreSQL and
// Redis: signed merchant requests to payment-gateway, which orchestrates risk-service,
// merchant-limit-service, order-service and channel-adapter (sandbox acquirer); callbacks signed
// by the sandbox; refunds, pre-authorisation, expiry, idempotency under concurrency; admin views.

#include "services/ServiceCatalog.h"
#include "services/notification-service/NotificationService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/rpc/ServiceClient.h"
#include "support/Infrastructure.h"
#include "support/MerchantFixture.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"
#include "support/WebhookReceiver.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QtConcurrent>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace notification = paydesk::services::notification;

namespace {
constexpr quint16 kGatewaySeed = 40003;
constexpr quint16 kOrderSeed = 40004;
constexpr quint16 kChannelSeed = 40005;
constexpr quint16 kRiskSeed = 40006;
constexpr quint16 kAccountingSeed = 40007;
constexpr quint16 kNotifySeed = 40008;
constexpr quint16 kLimitSeed = 40022;

const char kApproved[] = "4242424242424242";
const char kDeclined[] = "4000000000000002";
const char kInsufficientFunds[] = "4000000000009995";
const char kExpiredCard[] = "4000000000000069";
const char kProcessingError[] = "4000000000000119";
const char kAsyncSuccess[] = "4000000000003220";
const char kAsyncDecline[] = "4000000000003238";

struct Merchant
{
    QString id;
    QByteArray keyId;
    QByteArray secret;
};
} // namespace

class PaymentFlowTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-payment-flow-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<ServiceClient> m_internal;
    quint16 m_base = 0;
    Merchant m_shop;  // the merchant most cases pay as
    Merchant m_other; // another merchant, for isolation

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions = {"*"}) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)}};
    }
    HttpResult adminCall(quint16 seed, const QByteArray &method, const QString &path,
                         const QJsonObject &body = {}, const QStringList &permissions = {"*"})
    {
        return httpRequest(method, url(seed, path),
                           body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact),
                           admin(permissions), 15000);
    }
    static HttpResult signedCall(quint16 base, const Merchant &m, const QByteArray &method,
                                 const QString &path, const QJsonObject &body = {},
                                 const QByteArray &idempotencyKey = {}, quint16 seed = kGatewaySeed)
    {
        const QByteArray payload =
            body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
        QHash<QByteArray, QByteArray> headers =
            signedHeaders(m.keyId, m.secret, method, path.toUtf8(), payload);
        if (!payload.isEmpty())
            headers.insert("Content-Type", "application/json");
        if (!idempotencyKey.isEmpty())
            headers.insert("Idempotency-Key", idempotencyKey);
        return httpRequest(method, QStringLiteral("http://127.0.0.1:%1%2").arg(base + seed - 40000).arg(path),
                           payload, headers, 30000);
    }
    HttpResult call(const Merchant &m, const QByteArray &method, const QString &path,
                    const QJsonObject &body = {}, const QByteArray &idempotencyKey = {})
    {
        return signedCall(m_base, m, method, path, body, idempotencyKey);
    }
    static QJsonObject paymentBody(const QString &orderNo, qint64 amount, const QString &card,
                                   const QJsonObject &extra = {})
    {
        QJsonObject body{
            {"order_no", orderNo},
            {"amount_minor", amount},
            {"currency", "USD"},
            {"pay_method", "card"},
            {"card", QJsonObject{{"number", card}, {"exp_month", 12}, {"exp_year", 2031}, {"cvc", "123"}}}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        return body;
    }
    static QString order()
    {
        return QStringLiteral("ORD-") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    }
    HttpResult pay(const QString &card, qint64 amount = 1000, const QJsonObject &extra = {},
                   const Merchant *m = nullptr)
    {
        return call(m ? *m : m_shop, "POST", "/api/v1/payments", paymentBody(order(), amount, card, extra));
    }
    QJsonObject payment(const QString &paymentNo, const Merchant *m = nullptr)
    {
        return call(m ? *m : m_shop, "GET", "/api/v1/payments/" + paymentNo).json();
    }
    QJsonObject internalGet(const QString &service, const QString &path)
    {
        return m_internal->callSync(service, "GET", path).jsonObject();
    }
    QJsonObject orderOf(const QJsonObject &payment)
    {
        return internalGet("order-service", QStringLiteral("/internal/v1/orders/%1/%2")
                                                .arg(payment.value("merchant_id").toString(),
                                                     payment.value("order_no").toString()));
    }
    QJsonObject limitUsage(const QString &merchantId)
    {
        const HttpResult view =
            adminCall(kLimitSeed, "GET", "/api/v1/merchants/" + merchantId + "/limits?currency=USD");
        for (const QJsonValue &entry : view.json().value("limits").toArray())
            if (entry.toObject().value("currency").toString() == "USD")
                return entry.toObject().value("usage").toObject().value("day").toObject();
        return {};
    }
    QJsonObject adminPayment(const QString &paymentNo)
    {
        return adminCall(kGatewaySeed, "GET", "/api/v1/admin/payments/" + paymentNo, {}, {"payment.view"})
            .json();
    }
    QSqlDatabase gatewayDb() { return serviceDatabase(m_infra, "test-gateway", "payment_gateway"); }
    int count(const QString &statement, const QVariantList &values)
    {
        QSqlQuery q(gatewayDb());
        q.prepare(statement);
        for (const QVariant &v : values)
            q.addBindValue(v);
        if (!q.exec() || !q.next())
            return -1;
        return q.value(0).toInt();
    }
    void sweep()
    {
        const HttpResponse r =
            m_internal->callSync("payment-gateway", "POST", "/internal/v1/payments/expire-due");
        QVERIFY2(r.status == 200, r.body.constData());
    }
    void setSandbox(const QJsonObject &settings)
    {
        const HttpResult r =
            adminCall(kChannelSeed, "PUT", "/api/v1/channels/sandbox/config", {{"settings", settings}});
        QVERIFY2(r.status == 200, r.body.constData());
    }
    Merchant createMerchant(const QString &name)
    {
        MerchantSetup setup;
        setup.name = name;
        QString error;
        const std::optional<TestMerchant> onboarded =
            onboardMerchant([this](quint16 seed, const QString &path) { return url(seed, path); },
                            adminToken(m_dir.path(), {"*"}), setup, &error);
        if (!onboarded) {
            qWarning() << "onboarding failed:" << error;
            return {};
        }
        return {onboarded->id, onboarded->apiKey, onboarded->secret};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, m_dir.path(), m_base, m_bus.get(), &env, &error,
                                     {{"data_dir", m_dir.path() + "/data"}, {"workers_per_service", "8"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        for (const ServiceCatalogEntry &entry : paydesk::services::catalog()) {
            if (entry.descriptor.name != QStringLiteral("notification-service")) {
                m_host->add(entry.create(entry.descriptor.name));
                continue;
            }
            // The merchant's webhook receiver of this test listens on 127.0.0.1.
            notification::DeliverySettings settings;
            settings.allowLoopbackTargets = true;
            settings.pollIntervalMs = 100;
            m_host->add(std::make_unique<notification::NotificationService>(entry.descriptor, settings));
        }
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 120000);
        m_internal = std::make_unique<ServiceClient>(m_host->directory(), "cashier-service");
        m_shop = createMerchant("Flow Shop");
        m_other = createMerchant("Other Shop");
        QVERIFY(!m_shop.keyId.isEmpty() && !m_other.keyId.isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
    }

    void approvedCardSucceedsWithOrderPaidAndLedgerPosting()
    {
        const HttpResult created = pay(kApproved, 1000, {{"description", "two books"}});
        QVERIFY2(created.status == 201, created.body.constData());
        const QJsonObject p = created.json();
        const QString paymentNo = p.value("payment_no").toString();
        QVERIFY(paymentNo.startsWith("PY"));
        QCOMPARE(p.value("status").toString(), QStringLiteral("success"));
        QCOMPARE(p.value("merchant_id").toString(), m_shop.id);
        QCOMPARE(p.value("channel").toString(), QStringLiteral("sandbox"));
        QCOMPARE(p.value("captured_minor").toInteger(), 1000);
        QCOMPARE(p.value("channel_fee_minor").toInteger(), 59); // 2.9 % + 0.30
        QCOMPARE(p.value("card").toObject().value("last4").toString(), QStringLiteral("4242"));
        QCOMPARE(p.value("card").toObject().value("brand").toString(), QStringLiteral("visa"));
        QVERIFY(!created.body.contains(kApproved)); // the number never comes back
        QCOMPARE(payment(paymentNo).value("status").toString(), QStringLiteral("success"));

        QTRY_COMPARE_WITH_TIMEOUT(orderOf(p).value("status").toString(), QStringLiteral("paid"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!adminCall(kAccountingSeed, "GET",
                                            "/api/v1/ledger/journal?payment_no=" + paymentNo, {},
                                            {"accounting.view"})
                                      .json()
                                      .value("items")
                                      .toArray()
                                      .isEmpty(),
                                 15000);

        // The timeline records the flow's steps and the risk decision.
        const QJsonArray timeline = adminPayment(paymentNo).value("timeline").toArray();
        QStringList steps;
        for (const QJsonValue &e : timeline)
            steps.append(e.toObject().value("step").toString());
        for (const char *step :
             {"create", "risk_check", "limit_consume", "order_create", "channel_create", "channel_result"})
            QVERIFY2(steps.contains(QLatin1StringView(step)), qPrintable(steps.join(',')));
    }

    void webhookReachesTheMerchantSigned()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.start());
        const HttpResult endpoint =
            signedCall(m_base, m_shop, "POST", "/api/v1/webhooks/endpoints",
                       {{"url", receiver.url()}, {"events", QJsonArray{"payment.success"}}}, {}, kNotifySeed);
        QVERIFY2(endpoint.status == 201, endpoint.body.constData());
        const QByteArray secret = endpoint.json().value("secret").toString().toLatin1();
        QVERIFY(!secret.isEmpty());

        const HttpResult created = pay(kApproved, 1250);
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("success"));
        const QString paymentNo = created.json().value("payment_no").toString();
        auto delivered = [&]() -> std::optional<WebhookReceiver::Delivery> {
            for (const WebhookReceiver::Delivery &d : receiver.deliveries)
                if (QJsonDocument::fromJson(d.body)
                        .object()
                        .value("data")
                        .toObject()
                        .value("payment_no")
                        .toString() == paymentNo)
                    return d;
            return std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(delivered().has_value(), 20000);
        const WebhookReceiver::Delivery d = *delivered();
        QCOMPARE(d.headers.value("x-webhook-event"), QByteArray("payment.success"));
        const QByteArray expected =
            QMessageAuthenticationCode::hash(d.headers.value("x-webhook-timestamp") + "." + d.body, secret,
                                             QCryptographicHash::Sha256)
                .toHex();
        QCOMPARE(d.headers.value("x-webhook-signature"), expected);
        const QJsonObject data = QJsonDocument::fromJson(d.body).object().value("data").toObject();
        QCOMPARE(data.value("amount_minor").toInteger(), 1250);
        QCOMPARE(data.value("captured_minor").toInteger(), 1250);
        QCOMPARE(data.value("status").toString(), QStringLiteral("success"));
        const HttpResult removed = signedCall(
            m_base, m_shop, "DELETE", "/api/v1/webhooks/endpoints/" + endpoint.json().value("id").toString(),
            {}, {}, kNotifySeed);
        QCOMPARE(removed.status, 204);
    }

    void sandboxOutcomes_data()
    {
        QTest::addColumn<QString>("card");
        QTest::addColumn<int>("expYear");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("errorCode");
        QTest::newRow("approved") << kApproved << 2031 << "success"
                                  << "";
        QTest::newRow("declined") << kDeclined << 2031 << "failed"
                                  << "card_declined";
        QTest::newRow("insufficient funds") << kInsufficientFunds << 2031 << "failed"
                                            << "insufficient_funds";
        QTest::newRow("expired card") << kExpiredCard << 2031 << "failed"
                                      << "expired_card";
        QTest::newRow("expiry in the past") << kApproved << 2020 << "failed"
                                            << "expired_card";
        QTest::newRow("processing error") << kProcessingError << 2031 << "failed"
                                          << "processing_error";
    }
    void sandboxOutcomes()
    {
        QFETCH(QString, card);
        QFETCH(int, expYear);
        QFETCH(QString, status);
        QFETCH(QString, errorCode);
        QJsonObject body = paymentBody(order(), 1500, card);
        QJsonObject cardObject = body.value("card").toObject();
        cardObject.insert("exp_year", expYear);
        body.insert("card", cardObject);
        const HttpResult created = call(m_shop, "POST", "/api/v1/payments", body);
        QVERIFY2(created.status == 201, created.body.constData());
        const QJsonObject p = created.json();
        QCOMPARE(p.value("status").toString(), status);
        QCOMPARE(p.value("error").toObject().value("code").toString(), errorCode);
        if (status == "failed") {
            // Compensated: the order failed, the consumption released.
            QTRY_COMPARE_WITH_TIMEOUT(orderOf(p).value("pay_status").toString(), QStringLiteral("failed"),
                                      10000);
            QTRY_COMPARE_WITH_TIMEOUT(count("SELECT count(*) FROM payment_tasks WHERE payment_no = ? AND "
                                            "done_at IS NULL",
                                            {p.value("payment_no").toString()}),
                                      0, 10000);
        }
    }

    // A payment records the trace of the request that made it (the caller's traceparent when it
    // sent one), and a declined one leaves a WARN line naming it with that trace.
    void paymentsKeepTheirTraceAndFailuresAreLogged()
    {
        const HttpResult created = pay(kApproved, 1100);
        QVERIFY2(created.status == 201, created.body.constData());
        const QList<QByteArray> answered = created.headers.value("traceparent").split('-');
        QCOMPARE(answered.size(), 4);
        const QString paymentNo = created.json().value("payment_no").toString();
        QCOMPARE(created.json().value("trace_id").toString(), QString::fromLatin1(answered.at(1)));
        QCOMPARE(payment(paymentNo).value("trace_id").toString(), QString::fromLatin1(answered.at(1)));
        QCOMPARE(adminPayment(paymentNo).value("trace_id").toString(), QString::fromLatin1(answered.at(1)));

        const QByteArray traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const QByteArray body =
            QJsonDocument(paymentBody(order(), 1200, kDeclined)).toJson(QJsonDocument::Compact);
        QHash<QByteArray, QByteArray> headers =
            signedHeaders(m_shop.keyId, m_shop.secret, "POST", "/api/v1/payments", body);
        headers.insert("Content-Type", "application/json");
        headers.insert("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        const HttpResult declined =
            httpRequest("POST", url(kGatewaySeed, "/api/v1/payments"), body, headers, 30000);
        QVERIFY2(declined.status == 201, declined.body.constData());
        const QJsonObject p = declined.json();
        QCOMPARE(p.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(p.value("trace_id").toString(), QString::fromLatin1(traceId));
        const QJsonObject detail = adminPayment(p.value("payment_no").toString());
        QCOMPARE(detail.value("trace_id").toString(), QString::fromLatin1(traceId));
        // Every timeline row of the flow was written by that request.
        QVERIFY(!detail.value("timeline").toArray().isEmpty());
        for (const QJsonValue &entry : detail.value("timeline").toArray())
            QCOMPARE(entry.toObject().value("trace_id").toString(), QString::fromLatin1(traceId));

        QFile log(m_dir.path() + "/logs/payment-gateway.log");
        QVERIFY(log.open(QIODevice::ReadOnly));
        QJsonObject line;
        for (const QByteArray &raw : log.readAll().split('\n')) {
            const QJsonObject candidate = QJsonDocument::fromJson(raw).object();
            if (candidate.value("payment_no").toString() == p.value("payment_no").toString())
                line = candidate;
        }
        QVERIFY2(!line.isEmpty(), "no log line names the declined payment");
        QCOMPARE(line.value("level").toString(), QStringLiteral("WARN"));
        QCOMPARE(line.value("trace_id").toString(), QString::fromLatin1(traceId));
        QCOMPARE(line.value("order_no").toString(), p.value("order_no").toString());
        QCOMPARE(line.value("merchant_id").toString(), m_shop.id);
        QCOMPARE(line.value("code").toString(), QStringLiteral("card_declined"));
        QVERIFY(line.value("message").toString().contains(p.value("payment_no").toString()));
        QVERIFY(line.value("message").toString().contains(QStringLiteral("card_declined")));
    }

    void currenciesKeepTheirMinorUnits_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<qint64>("fee");
        QTest::newRow("JPY, 0 decimals") << "JPY" << qint64(1000) << qint64(59);   // 29 + 30
        QTest::newRow("BHD, 3 decimals") << "BHD" << qint64(10000) << qint64(590); // 290 + 300
        QTest::newRow("EUR, 2 decimals") << "EUR" << qint64(2000) << qint64(88);   // 58 + 30
    }
    void currenciesKeepTheirMinorUnits()
    {
        QFETCH(QString, currency);
        QFETCH(qint64, amount);
        QFETCH(qint64, fee);
        QJsonObject body = paymentBody(order(), amount, kApproved);
        body.insert("currency", currency);
        const HttpResult created = call(m_shop, "POST", "/api/v1/payments", body);
        QVERIFY2(created.status == 201, created.body.constData());
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("success"));
        QCOMPARE(created.json().value("currency").toString(), currency);
        QCOMPARE(created.json().value("channel_fee_minor").toInteger(), fee);
    }

    void unroutableCurrencyFailsWithNoChannel()
    {
        QJsonObject body = paymentBody(order(), 1000, kApproved);
        body.insert("currency", "INR"); // ISO 4217, but no channel takes it
        const HttpResult refused = call(m_shop, "POST", "/api/v1/payments", body);
        QCOMPARE(refused.status, 422);
        QCOMPARE(refused.json().value("code").toString(), QStringLiteral("NO_CHANNEL"));
        const QJsonObject p = payment(refused.json().value("payment_no").toString());
        QCOMPARE(p.value("status").toString(), QStringLiteral("failed"));
        QTRY_COMPARE_WITH_TIMEOUT(orderOf(p).value("pay_status").toString(), QStringLiteral("failed"), 10000);
    }

    void asyncResultsArriveBySignedCallback()
    {
        const HttpResult success = pay(kAsyncSuccess, 2000);
        QVERIFY2(success.status == 201, success.body.constData());
        QCOMPARE(success.json().value("status").toString(), QStringLiteral("processing"));
        QCOMPARE(success.json().value("next_action").toObject().value("type").toString(),
                 QStringLiteral("wait_for_callback"));
        const HttpResult decline = pay(kAsyncDecline, 2000);
        QCOMPARE(decline.json().value("status").toString(), QStringLiteral("processing"));
        const QString successNo = success.json().value("payment_no").toString();
        const QString declineNo = decline.json().value("payment_no").toString();
        QTRY_COMPARE_WITH_TIMEOUT(payment(successNo).value("status").toString(), QStringLiteral("success"),
                                  15000);
        QTRY_COMPARE_WITH_TIMEOUT(payment(declineNo).value("status").toString(), QStringLiteral("failed"),
                                  15000);
        QCOMPARE(payment(declineNo).value("error").toObject().value("code").toString(),
                 QStringLiteral("card_declined"));
        QCOMPARE(payment(successNo).value("captured_minor").toInteger(), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(orderOf(success.json()).value("status").toString(), QStringLiteral("paid"),
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(orderOf(decline.json()).value("pay_status").toString(),
                                  QStringLiteral("failed"), 10000);
        QCOMPARE(
            count("SELECT count(*) FROM payment_callbacks WHERE payment_no = ? AND applied", {successNo}), 1);
        // The callback's timeline row keeps the callback request's trace, not the create's.
        const QString createTrace = success.json().value("trace_id").toString();
        QString callbackTrace;
        for (const QJsonValue &entry : adminPayment(successNo).value("timeline").toArray())
            if (entry.toObject().value("step").toString() == QStringLiteral("callback"))
                callbackTrace = entry.toObject().value("trace_id").toString();
        QCOMPARE(callbackTrace.size(), 32);
        QVERIFY(callbackTrace != createTrace);
    }

    void forgedCallbackIsRefusedAndChangesNothing()
    {
        setSandbox({{"async_delay_ms", 30000}}); // keep the payment processing (the maximum)
        const HttpResult created = pay(kAsyncSuccess, 700);
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("processing"));
        const QString paymentNo = created.json().value("payment_no").toString();
        const QByteArray forged = QJsonDocument(QJsonObject{{"kind", "payment"},
                                                            {"payment_no", paymentNo},
                                                            {"status", "succeeded"},
                                                            {"fee_minor", 0}})
                                      .toJson(QJsonDocument::Compact);
        const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
        const HttpResult refused = httpRequest("POST", url(kGatewaySeed, "/api/v1/callbacks/sandbox"), forged,
                                               {{"Content-Type", "application/json"},
                                                {"X-Sandbox-Timestamp", timestamp},
                                                {"X-Sandbox-Signature", QByteArray(64, 'a')}});
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.json().value("code").toString(), QStringLiteral("CALLBACK_SIGNATURE_INVALID"));
        QCOMPARE(httpRequest("POST", url(kGatewaySeed, "/api/v1/callbacks/sandbox"), forged).status, 401);
        QCOMPARE(payment(paymentNo).value("status").toString(), QStringLiteral("processing"));

        // Cancel of a processing payment: the channel agrees, the order and the limit follow.
        const HttpResult cancelled = call(m_shop, "POST", "/api/v1/payments/" + paymentNo + "/cancel");
        QVERIFY2(cancelled.status == 200, cancelled.body.constData());
        QCOMPARE(cancelled.json().value("status").toString(), QStringLiteral("cancelled"));
        QTRY_COMPARE_WITH_TIMEOUT(orderOf(created.json()).value("status").toString(),
                                  QStringLiteral("cancelled"), 10000);
        const HttpResult again = call(m_shop, "POST", "/api/v1/payments/" + paymentNo + "/cancel");
        QCOMPARE(again.status, 409);
        QCOMPARE(again.json().value("code").toString(), QStringLiteral("PAYMENT_NOT_CANCELLABLE"));

        // Expiry of a processing payment by the sweep.
        const HttpResult stale = pay(kAsyncSuccess, 800);
        const QString staleNo = stale.json().value("payment_no").toString();
        QSqlQuery q(gatewayDb());
        QVERIFY(q.exec("UPDATE payments SET expires_at = now() - interval '1 second' WHERE payment_no = '" +
                       staleNo + "'"));
        sweep();
        QCOMPARE(payment(staleNo).value("status").toString(), QStringLiteral("expired"));
        QTRY_COMPARE_WITH_TIMEOUT(orderOf(stale.json()).value("status").toString(), QStringLiteral("expired"),
                                  10000);
        setSandbox({});
    }

    void cancelWhileTheFlowRunsIsRefused()
    {
        const Merchant m = createMerchant("Racing Shop");
        setSandbox({{"latency_ms", 1500}}); // the channel answers slowly: the payment stays pending
        const QJsonObject body = paymentBody(order(), 1000, kApproved);
        const quint16 base = m_base;
        QFuture<HttpResult> creating =
            QtConcurrent::run([=] { return signedCall(base, m, "POST", "/api/v1/payments", body); });
        QString paymentNo;
        QTRY_VERIFY_WITH_TIMEOUT(
            !(paymentNo = call(m, "GET", "/api/v1/payments?order_no=" + body.value("order_no").toString())
                              .json()
                              .value("items")
                              .toArray()
                              .first()
                              .toObject()
                              .value("payment_no")
                              .toString())
                 .isEmpty(),
            10000);
        // The channel may take the money any moment: a cancel now could only lose it.
        const HttpResult refused = call(m, "POST", "/api/v1/payments/" + paymentNo + "/cancel");
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.json().value("code").toString(), QStringLiteral("PAYMENT_IN_PROGRESS"));
        // Nor does the sweep expire it under the flow's feet.
        QSqlQuery q(gatewayDb());
        QVERIFY(q.exec("UPDATE payments SET expires_at = now() - interval '1 second' WHERE payment_no = '" +
                       paymentNo + "'"));
        sweep();
        const HttpResult created = creating.result();
        setSandbox({});
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("success"));
        QCOMPARE(limitUsage(m.id).value("used_minor").toInteger(), 1000);
    }

    void riskRejectFailsThePayment()
    {
        const HttpResult listed = adminCall(
            kRiskSeed, "POST", "/api/v1/risk/blacklist",
            {{"entity_type", "email"}, {"entity_value", "fraud@blocked.example"}, {"reason", "chargebacks"}});
        QVERIFY2(listed.status == 201, listed.body.constData());
        const HttpResult refused = pay(kApproved, 1000, {{"customer_email", "fraud@blocked.example"}});
        QCOMPARE(refused.status, 422);
        QCOMPARE(refused.json().value("code").toString(), QStringLiteral("RISK_REJECTED"));
        const QString paymentNo = refused.json().value("payment_no").toString();
        QVERIFY(!paymentNo.isEmpty());
        const QJsonObject p = payment(paymentNo);
        QCOMPARE(p.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(p.value("error").toObject().value("code").toString(), QStringLiteral("RISK_REJECTED"));
        QCOMPARE(p.value("risk").toObject().value("decision").toString(), QStringLiteral("reject"));
    }

    void limitExceededAndReleasedAfterDecline()
    {
        const Merchant m = createMerchant("Limited Shop");
        const HttpResult set = adminCall(kLimitSeed, "PUT", "/api/v1/merchants/" + m.id + "/limits",
                                         {{"currency", "USD"}, {"daily_max_minor", 5000}});
        QVERIFY2(set.status == 200, set.body.constData());
        const HttpResult declined = pay(kDeclined, 3000, {}, &m);
        QCOMPARE(declined.json().value("status").toString(), QStringLiteral("failed"));
        QTRY_COMPARE_WITH_TIMEOUT(limitUsage(m.id).value("used_minor").toInteger(), 0, 10000);
        // 4000 fits only because the declined 3000 was given back.
        const HttpResult paid = pay(kApproved, 4000, {}, &m);
        QCOMPARE(paid.json().value("status").toString(), QStringLiteral("success"));
        const HttpResult over = pay(kApproved, 2000, {}, &m);
        QCOMPARE(over.status, 422);
        QCOMPARE(over.json().value("code").toString(), QStringLiteral("LIMIT_EXCEEDED"));
        QCOMPARE(payment(over.json().value("payment_no").toString(), &m).value("status").toString(),
                 QStringLiteral("failed"));
        QCOMPARE(limitUsage(m.id).value("used_minor").toInteger(), 4000);
    }

    void idempotentReplayAndConflicts()
    {
        const QJsonObject body = paymentBody(order(), 1200, kApproved);
        const HttpResult first = call(m_shop, "POST", "/api/v1/payments", body, "key-replay-1");
        QVERIFY2(first.status == 201, first.body.constData());
        const HttpResult replay = call(m_shop, "POST", "/api/v1/payments", body, "key-replay-1");
        QCOMPARE(replay.status, 201);
        QCOMPARE(replay.body, first.body);
        QCOMPARE(replay.headers.value("idempotent-replayed"), QByteArray("true"));
        QVERIFY(!first.headers.contains("idempotent-replayed"));

        QJsonObject changed = body;
        changed.insert("amount_minor", 1300);
        const HttpResult reused = call(m_shop, "POST", "/api/v1/payments", changed, "key-replay-1");
        QCOMPARE(reused.status, 422);
        QCOMPARE(reused.json().value("code").toString(), QStringLiteral("IDEMPOTENCY_KEY_REUSED"));

        const HttpResult duplicate = call(m_shop, "POST", "/api/v1/payments", body, "key-replay-2");
        QCOMPARE(duplicate.status, 409);
        QCOMPARE(duplicate.json().value("code").toString(), QStringLiteral("DUPLICATE_ORDER_NO"));
        QCOMPARE(duplicate.json().value("payment_no").toString(),
                 first.json().value("payment_no").toString());

        // Keys are per merchant: the other merchant's same key is a new request.
        const HttpResult elsewhere = call(m_other, "POST", "/api/v1/payments", body, "key-replay-1");
        QCOMPARE(elsewhere.status, 201);
        QVERIFY(elsewhere.json().value("payment_no") != first.json().value("payment_no"));
    }

    void concurrentSameKeyMakesOnePayment()
    {
        const QJsonObject body = paymentBody(order(), 900, kApproved);
        const QByteArray key = "key-concurrent-" + QUuid::createUuid().toByteArray(QUuid::Id128);
        const quint16 base = m_base;
        const Merchant shop = m_shop;
        QList<QFuture<HttpResult>> calls;
        QThreadPool pool;
        pool.setMaxThreadCount(50);
        for (int i = 0; i < 50; ++i)
            calls.append(QtConcurrent::run(
                &pool, [=] { return signedCall(base, shop, "POST", "/api/v1/payments", body, key); }));
        QSet<QString> paymentNos;
        int created = 0;
        for (QFuture<HttpResult> &f : calls) {
            const HttpResult r = f.result();
            if (r.status == 201) {
                ++created;
                paymentNos.insert(r.json().value("payment_no").toString());
            } else {
                QVERIFY2(r.status == 409 && r.json().value("code").toString() == "IDEMPOTENCY_IN_PROGRESS",
                         r.body.constData());
            }
        }
        QVERIFY(created >= 1);
        QCOMPARE(paymentNos.size(), 1);
        const QString paymentNo = *paymentNos.begin();
        qInfo("50 concurrent requests with one Idempotency-Key: %d answered 201, %d answered 409 in progress",
              created, 50 - created);
        QSqlQuery charges(serviceDatabase(m_infra, "test-channel", "payment_channel"));
        charges.prepare("SELECT count(*) FROM channel_transactions WHERE payment_no = ? AND transaction_type "
                        "= 'payment'");
        charges.addBindValue(paymentNo);
        QVERIFY(charges.exec() && charges.next());
        QCOMPARE(charges.value(0).toInt(), 1);
        QCOMPARE(
            count("SELECT count(*) FROM payments WHERE order_no = ?", {body.value("order_no").toString()}),
            1);
        QCOMPARE(count("SELECT count(*) FROM payment_events WHERE payment_no = ? AND step = 'channel_create'",
                       {paymentNo}),
                 1);
        // One posting for the one payment.
        QTRY_VERIFY_WITH_TIMEOUT(
            !adminCall(kAccountingSeed, "GET", "/api/v1/ledger/journal?payment_no=" + paymentNo)
                 .json()
                 .value("items")
                 .toArray()
                 .isEmpty(),
            15000);
        const QJsonArray journal =
            adminCall(kAccountingSeed, "GET", "/api/v1/ledger/journal?payment_no=" + paymentNo)
                .json()
                .value("items")
                .toArray();
        QSet<QString> entries;
        for (const QJsonValue &line : journal)
            entries.insert(line.toObject().value("entry_no").toString());
        QCOMPARE(entries.size(), 1);
    }

    void refundsAreBoundedByTheCapturedAmount()
    {
        const HttpResult created = pay(kApproved, 1000);
        const QString paymentNo = created.json().value("payment_no").toString();
        auto refund = [&](qint64 amount, const QByteArray &key = {}) {
            return call(m_shop, "POST", "/api/v1/refunds",
                        {{"payment_no", paymentNo}, {"amount_minor", amount}, {"reason", "customer asked"}},
                        key);
        };
        const HttpResult tooMuch = refund(1001);
        QCOMPARE(tooMuch.status, 422);
        QCOMPARE(tooMuch.json().value("code").toString(), QStringLiteral("REFUND_EXCEEDS_REMAINING"));
        QCOMPARE(tooMuch.json().value("remaining_minor").toInteger(), 1000);
        const HttpResult first = refund(600, "refund-key-1");
        QVERIFY2(first.status == 201, first.body.constData());
        QCOMPARE(first.json().value("status").toString(), QStringLiteral("success"));
        QCOMPARE(refund(600, "refund-key-1").body, first.body); // replayed, not refunded twice
        const HttpResult second = refund(400);
        QCOMPARE(second.json().value("status").toString(), QStringLiteral("success"));
        const HttpResult third = refund(1);
        QCOMPARE(third.status, 422);
        QCOMPARE(third.json().value("code").toString(), QStringLiteral("REFUND_EXCEEDS_REMAINING"));
        QCOMPARE(payment(paymentNo).value("refunded_minor").toInteger(), 1000);
        const QString refundNo = first.json().value("refund_no").toString();
        QCOMPARE(call(m_shop, "GET", "/api/v1/refunds/" + refundNo).json().value("amount_minor").toInteger(),
                 600);
        QCOMPARE(call(m_other, "GET", "/api/v1/refunds/" + refundNo).status, 404);
        QCOMPARE(call(m_shop, "GET", "/api/v1/refunds?payment_no=" + paymentNo).json().value("total").toInt(),
                 2);
        QTRY_COMPARE_WITH_TIMEOUT(orderOf(created.json()).value("refunded_minor").toInteger(), 1000, 10000);
        // accounting-service posted the capture and both refunds.
        QTRY_COMPARE_WITH_TIMEOUT(
            adminCall(kAccountingSeed, "GET", "/api/v1/ledger/journal?payment_no=" + paymentNo)
                .json()
                .value("items")
                .toArray()
                .size(),
            3, 15000);

        const HttpResult failedPayment = pay(kDeclined, 1000);
        const HttpResult notRefundable =
            call(m_shop, "POST", "/api/v1/refunds",
                 {{"payment_no", failedPayment.json().value("payment_no")}, {"amount_minor", 1}});
        QCOMPARE(notRefundable.status, 422);
        QCOMPARE(notRefundable.json().value("code").toString(), QStringLiteral("PAYMENT_NOT_REFUNDABLE"));
    }

    void asynchronousRefundCompletesByCallback()
    {
        setSandbox({{"async_refunds", true}});
        const HttpResult created = pay(kApproved, 1000);
        const QString paymentNo = created.json().value("payment_no").toString();
        const HttpResult refund =
            call(m_shop, "POST", "/api/v1/refunds", {{"payment_no", paymentNo}, {"amount_minor", 300}});
        QVERIFY2(refund.status == 201, refund.body.constData());
        QCOMPARE(refund.json().value("status").toString(), QStringLiteral("processing"));
        const QString refundNo = refund.json().value("refund_no").toString();
        QTRY_COMPARE_WITH_TIMEOUT(
            call(m_shop, "GET", "/api/v1/refunds/" + refundNo).json().value("status").toString(),
            QStringLiteral("success"), 15000);
        QCOMPARE(payment(paymentNo).value("refunded_minor").toInteger(), 300);
        // The refunded 300 count against the captured 1000.
        const HttpResult over =
            call(m_shop, "POST", "/api/v1/refunds", {{"payment_no", paymentNo}, {"amount_minor", 701}});
        QCOMPARE(over.json().value("code").toString(), QStringLiteral("REFUND_EXCEEDS_REMAINING"));
        setSandbox({});
    }

    void preAuthorisationCaptureVoidAndExpiry()
    {
        const HttpResult authorized = pay(kApproved, 1000, {{"capture", false}});
        QVERIFY2(authorized.status == 201, authorized.body.constData());
        QCOMPARE(authorized.json().value("status").toString(), QStringLiteral("authorized"));
        const QString paymentNo = authorized.json().value("payment_no").toString();
        const HttpResult tooMuch =
            call(m_shop, "POST", "/api/v1/payments/" + paymentNo + "/capture", {{"amount_minor", 1001}});
        QCOMPARE(tooMuch.status, 422);
        const HttpResult captured =
            call(m_shop, "POST", "/api/v1/payments/" + paymentNo + "/capture", {{"amount_minor", 600}});
        QVERIFY2(captured.status == 200, captured.body.constData());
        QCOMPARE(captured.json().value("status").toString(), QStringLiteral("success"));
        QCOMPARE(captured.json().value("captured_minor").toInteger(), 600);
        QCOMPARE(call(m_shop, "POST", "/api/v1/payments/" + paymentNo + "/capture").status, 409); // once
        const HttpResult over =
            call(m_shop, "POST", "/api/v1/refunds", {{"payment_no", paymentNo}, {"amount_minor", 601}});
        QCOMPARE(over.json().value("code").toString(), QStringLiteral("REFUND_EXCEEDS_REMAINING"));
        const HttpResult refunded =
            call(m_shop, "POST", "/api/v1/refunds", {{"payment_no", paymentNo}, {"amount_minor", 600}});
        QCOMPARE(refunded.json().value("status").toString(), QStringLiteral("success"));

        const HttpResult toVoid = pay(kApproved, 500, {{"capture", false}});
        const QString voidNo = toVoid.json().value("payment_no").toString();
        const HttpResult voided = call(m_shop, "POST", "/api/v1/payments/" + voidNo + "/void");
        QVERIFY2(voided.status == 200, voided.body.constData());
        QCOMPARE(voided.json().value("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(call(m_shop, "POST", "/api/v1/payments/" + voidNo + "/capture").status, 409);

        const HttpResult toExpire = pay(kApproved, 500, {{"capture", false}});
        const QString expireNo = toExpire.json().value("payment_no").toString();
        QSqlQuery q(gatewayDb());
        QVERIFY(q.exec("UPDATE payments SET authorization_expires_at = now() - interval '1 second' WHERE "
                       "payment_no = '" +
                       expireNo + "'"));
        sweep();
        QCOMPARE(payment(expireNo).value("status").toString(), QStringLiteral("expired"));
    }

    void anotherMerchantCannotSeeThePayment()
    {
        const HttpResult created = pay(kApproved, 1000);
        const QString paymentNo = created.json().value("payment_no").toString();
        const HttpResult foreign = call(m_other, "GET", "/api/v1/payments/" + paymentNo);
        QCOMPARE(foreign.status, 404);
        QCOMPARE(foreign.json().value("code").toString(), QStringLiteral("PAYMENT_NOT_FOUND"));
        QCOMPARE(
            call(m_other, "POST", "/api/v1/refunds", {{"payment_no", paymentNo}, {"amount_minor", 1}}).status,
            404);
        QCOMPARE(call(m_other, "POST", "/api/v1/payments/" + paymentNo + "/cancel").status, 404);
        const QJsonArray mine =
            call(m_other, "GET", "/api/v1/payments?page_size=100").json().value("items").toArray();
        for (const QJsonValue &p : mine)
            QCOMPARE(p.toObject().value("merchant_id").toString(), m_other.id);
    }

    void badRequestsAreRefusedWithStableCodes()
    {
        QJsonObject body = paymentBody(order(), 1000, kApproved);
        body.insert("currency", "XYZ");
        QCOMPARE(call(m_shop, "POST", "/api/v1/payments", body).json().value("code").toString(),
                 QStringLiteral("UNSUPPORTED_CURRENCY"));
        body = paymentBody(order(), 0, kApproved);
        QCOMPARE(call(m_shop, "POST", "/api/v1/payments", body).status, 422);
        body = paymentBody(order(), 1000, "4242424242424241");
        QCOMPARE(call(m_shop, "POST", "/api/v1/payments", body).status, 422);
        body = paymentBody(order(), 1000, kApproved);
        body.insert("amount_minor", 10.5);
        QCOMPARE(call(m_shop, "POST", "/api/v1/payments", body).status, 422);
        QCOMPARE(httpRequest("POST", url(kGatewaySeed, "/api/v1/payments"),
                             QJsonDocument(paymentBody(order(), 1000, kApproved)).toJson())
                     .status,
                 401);
    }

    void adminSeesEveryMerchantAndRefundsWithAudit()
    {
        const HttpResult created = pay(kApproved, 1000);
        const QString paymentNo = created.json().value("payment_no").toString();
        const HttpResult list = adminCall(
            kGatewaySeed, "GET", "/api/v1/admin/payments?merchant_id=" + m_shop.id, {}, {"payment.view"});
        QCOMPARE(list.status, 200);
        QVERIFY(list.json().value("total").toInt() >= 5);
        QCOMPARE(list.json().value("items").toArray().first().toObject().value("payment_no").toString(),
                 paymentNo);
        QCOMPARE(adminCall(kGatewaySeed, "GET", "/api/v1/admin/payments", {}, {"merchant.view"}).status, 403);

        const QJsonObject detail = adminPayment(paymentNo);
        bool sawRisk = false;
        for (const QJsonValue &e : detail.value("timeline").toArray())
            sawRisk = sawRisk || e.toObject().value("kind").toString() == "risk";
        QVERIFY(sawRisk);

        QCOMPARE(adminCall(kGatewaySeed, "POST", "/api/v1/admin/payments/" + paymentNo + "/refunds",
                           {{"amount_minor", 100}, {"reason", "goodwill"}}, {"payment.view"})
                     .status,
                 403);
        const HttpResult refunded =
            adminCall(kGatewaySeed, "POST", "/api/v1/admin/payments/" + paymentNo + "/refunds",
                      {{"amount_minor", 100}, {"reason", "goodwill"}}, {"payment.refund"});
        QVERIFY2(refunded.status == 201, refunded.body.constData());
        QCOMPARE(refunded.json().value("operator_type").toString(), QStringLiteral("admin"));
        QCOMPARE(
            count("SELECT count(*) FROM outbox_events WHERE topic = 'audit.events' AND payload::text LIKE ?",
                  {"%" + refunded.json().value("refund_no").toString() + "%"}),
            1);
        QCOMPARE(adminPayment(paymentNo).value("refunds").toArray().size(), 1);
    }

    void cashierCreatesThroughTheInternalRoute()
    {
        const QByteArray body =
            QJsonDocument(paymentBody(order(), 1100, kApproved, {{"merchant_id", m_shop.id}}))
                .toJson(QJsonDocument::Compact);
        CallOptions options;
        options.timeoutMs = 30000;
        options.headers.insert("idempotency-key", "cs_session_token_1");
        const HttpResponse first =
            m_internal->callSync("payment-gateway", "POST", "/internal/v1/payments", body, options);
        QVERIFY2(first.status == 201, first.body.constData());
        QCOMPARE(first.jsonObject().value("merchant_id").toString(), m_shop.id);
        QCOMPARE(first.jsonObject().value("status").toString(), QStringLiteral("success"));
        const HttpResponse again =
            m_internal->callSync("payment-gateway", "POST", "/internal/v1/payments", body, options);
        QCOMPARE(again.status, 201);
        QCOMPARE(again.header("Idempotent-Replayed"), QByteArray("true"));
        QCOMPARE(again.jsonObject().value("payment_no"), first.jsonObject().value("payment_no"));
        // The merchant sees it through its signed API.
        QCOMPARE(payment(first.jsonObject().value("payment_no").toString()).value("amount_minor").toInteger(),
                 1100);
    }

    void payctlListsShowsAndRefunds()
    {
        const QString payctl = qEnvironmentVariable("PAYCTL_BIN");
        if (payctl.isEmpty() || !QFileInfo(payctl).isExecutable())
            QSKIP("payctl is not built (ctest sets PAYCTL_BIN)");
        auto run = [&](const QStringList &args, const QByteArray &password = {}) {
            QProcess process;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("XDG_CONFIG_HOME", m_dir.path() + "/payctl");
            if (!password.isEmpty())
                env.insert("PAYCTL_PASSWORD", QString::fromUtf8(password));
            process.setProcessEnvironment(env);
            process.start(payctl,
                          QStringList{"--url", QStringLiteral("http://127.0.0.1:%1").arg(m_base)} + args);
            process.closeWriteChannel();
            if (!process.waitForFinished(30000))
                process.kill();
            return std::pair{process.exitCode(),
                             process.readAllStandardOutput() + process.readAllStandardError()};
        };
        QFile file(m_dir.path() + "/data/secrets/initial-admin-password");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto login = run({"login", "--username", "admin"}, file.readAll().trimmed());
        QVERIFY2(login.first == 0, login.second.constData());

        const HttpResult created = pay(kApproved, 1000);
        const QString paymentNo = created.json().value("payment_no").toString();
        const auto list = run({"payments", "list", "--merchant-id", m_shop.id});
        QVERIFY2(list.first == 0, list.second.constData());
        QVERIFY(list.second.contains(paymentNo.toLatin1()));
        const auto show = run({"payments", "show", paymentNo});
        QVERIFY2(show.first == 0, show.second.constData());
        QVERIFY(show.second.contains("channel_create"));
        const auto refund =
            run({"--json", "payments", "refund", paymentNo, "--amount", "250", "--reason", "damaged"});
        QVERIFY2(refund.first == 0, refund.second.constData());
        QCOMPARE(QJsonDocument::fromJson(refund.second).object().value("status").toString(),
                 QStringLiteral("success"));
        const auto tooMuch = run({"payments", "refund", paymentNo, "--amount", "751", "--reason", "again"});
        QCOMPARE(tooMuch.first, 1);
        QVERIFY2(tooMuch.second.contains("REFUND_EXCEEDS_REMAINING"), tooMuch.second.constData());
        QCOMPARE(run({"payments", "refund", paymentNo, "--reason", "no amount"}).first, 2);
    }

    void noFollowUpIsLeftBehind()
    {
        sweep();
        QCOMPARE(
            count("SELECT count(*) FROM payment_tasks WHERE done_at IS NULL AND next_attempt_at <= now()",
                  {}),
            0);
        QSqlQuery q(gatewayDb());
        QVERIFY(q.exec("SELECT kind, last_error, count(*) FROM payment_tasks WHERE last_error IS NOT NULL "
                       "GROUP BY 1, 2 ORDER BY 1"));
        while (q.next())
            qInfo("task %s ended without effect %d times: %s", qPrintable(q.value(0).toString()),
                  q.value(2).toInt(), qPrintable(q.value(1).toString().left(200)));
        // Every payment that consumed limit and did not succeed gave it back.
        QTRY_COMPARE_WITH_TIMEOUT(
            count("SELECT count(*) FROM payments p WHERE status IN ('failed', 'cancelled', 'expired') AND "
                  "error_code IS DISTINCT FROM 'RISK_REJECTED' AND error_code IS DISTINCT FROM "
                  "'LIMIT_EXCEEDED' "
                  "AND NOT EXISTS (SELECT 1 FROM payment_tasks t WHERE t.payment_no = p.payment_no AND "
                  "t.kind = 'limit_release' AND t.done_at IS NOT NULL AND t.last_error IS NULL)",
                  {}),
            0, 10000);
    }

    void ledgerStaysBalanced()
    {
        // Every payment.success / refund.success of the whole run posted, and the books balance.
        QTRY_COMPARE_WITH_TIMEOUT(
            count(
                "SELECT count(*) FROM outbox_events WHERE topic = 'payment.events' AND published_at IS NULL",
                {}),
            0, 15000);
        const HttpResponse verified =
            m_internal->callSync("accounting-service", "POST", "/internal/v1/ledger/verify");
        QVERIFY2(verified.status == 200, verified.body.constData());
        QVERIFY2(verified.jsonObject().value("ok").toBool(), verified.body.constData());
        QVERIFY(verified.jsonObject().value("checked_entries").toInt() > 10);
    }

    void metricsCountPaymentsAndRefunds()
    {
        const HttpResult metrics = httpRequest("GET", url(kGatewaySeed, "/metrics"));
        QVERIFY(metrics.body.contains("payment_gateway_payment_total{"));
        QVERIFY(metrics.body.contains("payment_gateway_payment_duration_seconds_bucket{"));
        QVERIFY(metrics.body.contains("payment_gateway_refund_total{"));
        QVERIFY(metrics.body.contains("status=\"success\""));
    }
};

QTEST_GUILESS_MAIN(PaymentFlowTest)
#include "tst_payment_flow.moc"
