// cashier-service in process on a real PostgreSQL and Redis, with merchant-auth-service (signed
// merchant calls) and a fake "payment-gateway" answering the contract's POST /internal/v1/payments
// (docs/contracts/payment-flow.md) — a test double until the real gateway is merged. The hosted
// page is driven over real HTTP like a browser without JavaScript would: GET the page, read the
// form, POST it url-encoded.

#include "services/cashier-service/CashierService.h"
#include "services/merchant-auth-service/MerchantAuthService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/security/Crypto.h"
#include "support/Infrastructure.h"
#include "support/MerchantFixture.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QMutex>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace cashier = paydesk::services::cashier;

namespace {
constexpr quint16 kAuthSeed = 40011;
constexpr quint16 kCashierSeed = 40016;
constexpr quint16 kGatewaySeed = 40003;
const QString kGoodCard = QStringLiteral("4242424242424242");
const QString kDeclinedCard = QStringLiteral("4000000000000002");

// Stands in for payment-gateway: idempotent per Idempotency-Key, declines kDeclinedCard, answers
// 503 while `down`.
struct GatewayLog
{
    QMutex mutex;
    bool down = false;
    QList<QPair<QByteArray, QJsonObject>> calls; // (idempotency key, body)
    QHash<QByteArray, QJsonObject> answers;
    int count()
    {
        QMutexLocker lock(&mutex);
        return calls.size();
    }
};

class FakeGateway : public Service
{
public:
    FakeGateway(quint16 seedPort, std::shared_ptr<GatewayLog> log)
        : Service({"payment-gateway", seedPort, "paydesk_test_fakegw", "fake gateway"}), m_log(std::move(log))
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &) override
    {
        router.add(
            {.method = "POST",
             .pattern = "/internal/v1/payments",
             .handler =
                 [log = m_log](const HttpRequest &request) {
                     QMutexLocker lock(&log->mutex);
                     const QByteArray key = request.header("idempotency-key");
                     const QJsonObject body = request.json.object();
                     log->calls.append({key, body});
                     if (log->down)
                         return respond(request, Problem::unavailable("GATEWAY_DOWN", "down for the test"));
                     if (!log->answers.contains(key)) {
                         const bool declined =
                             body.value("card").toObject().value("number").toString() == kDeclinedCard;
                         log->answers.insert(
                             key, QJsonObject{{"payment_no", QString("PY%1").arg(log->answers.size() + 1, 6,
                                                                                 10, QChar('0'))},
                                              {"status", declined ? "failed" : "success"}});
                         // As payment-gateway reports a channel's decline.
                         if (declined)
                             log->answers[key].insert("error",
                                                      QJsonObject{{"code", "card_declined"},
                                                                  {"message", "Your card was declined."}});
                     }
                     return HttpResponse::json(log->answers.value(key), 201);
                 },
             .access = Access::Internal,
             .jsonBody = true});
    }

private:
    std::shared_ptr<GatewayLog> m_log;
};

using Key = TestMerchant;

QByteArray formBody(const QList<QPair<QString, QString>> &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

QString formToken(const QByteArray &html)
{
    static const QRegularExpression kToken(QStringLiteral("name=\"form_token\" value=\"([^\"]+)\""));
    return kToken.match(QString::fromUtf8(html)).captured(1);
}

cashier::CashierSettings testSettings()
{
    return {.sweepIntervalMs = 200, .gatewayTimeoutMs = 10000, .merchantLookupTimeoutMs = 500};
}
} // namespace

class CashierTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-cashier-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::shared_ptr<GatewayLog> m_gateway = std::make_shared<GatewayLog>();
    quint16 m_base = 0;
    Key m_key;

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)}};
    }
    Key createKey()
    {
        QString error;
        const std::optional<Key> key =
            createTestKey(url(kAuthSeed, {}), adminToken(m_dir.path(), {"apikey.manage"}), "cashier", &error);
        if (!key)
            qWarning() << error;
        return key.value_or(Key{});
    }
    HttpResult merchant(const Key &key, const QByteArray &method, const QString &path,
                        const QByteArray &body = {})
    {
        return signedJsonRequest(key, method, url(kCashierSeed, {}), path, body);
    }
    // A new open session; extra fields override the defaults.
    QJsonObject openSession(const Key &key, const QJsonObject &extra = {})
    {
        QJsonObject body{{"order_no", "ORD-" + QUuid::createUuid().toString(QUuid::Id128).left(12)},
                         {"amount_minor", 1250},
                         {"currency", "EUR"},
                         {"description", "Two coffees"},
                         {"return_url", "https://shop.test/return?cart=7"}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResult created = merchant(key, "POST", "/api/v1/cashier/sessions",
                                            QJsonDocument(body).toJson(QJsonDocument::Compact));
        if (created.status != 201)
            qWarning() << "open session:" << created.status << created.body;
        return created.json();
    }
    HttpResult page(const QString &token)
    {
        return httpRequest("GET", url(kCashierSeed, "/checkout/" + token));
    }
    HttpResult submit(const QString &token, const QString &formToken, const QString &card = kGoodCard,
                      const QString &expiry = {})
    {
        const QString validExpiry =
            expiry.isEmpty() ? QStringLiteral("12/%1").arg(QDate::currentDate().year() % 100 + 3) : expiry;
        return httpRequest("POST", url(kCashierSeed, "/checkout/" + token + "/pay"),
                           formBody({{"form_token", formToken},
                                     {"card_number", card.left(4) + " " + card.mid(4)},
                                     {"expiry", validExpiry},
                                     {"cvc", "123"},
                                     {"holder", "Ada Lovelace"}}),
                           {{"Content-Type", "application/x-www-form-urlencoded"}}, 15000);
    }
    // Views the page and pays it with `card`.
    HttpResult viewAndPay(const QString &token, const QString &card = kGoodCard)
    {
        const HttpResult shown = page(token);
        if (shown.status != 200)
            qWarning() << "page:" << shown.status;
        return submit(token, formToken(shown.body), card);
    }
    QString sessionStatus(const Key &key, const QString &token)
    {
        return merchant(key, "GET", "/api/v1/cashier/sessions/" + token).json().value("status").toString();
    }
    QSqlDatabase cashierDb() { return serviceDatabase(m_infra, "cashier-test", "payment_cashier"); }
    void lapse(const QString &token)
    {
        QSqlQuery q(cashierDb());
        q.prepare(
            "UPDATE cashier_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ?");
        q.addBindValue(QString::fromLatin1(crypto::sha256(token.toLatin1()).toHex()));
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("PAYDESK_KEEP_TEST_DIR"));
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, m_dir.path(), m_base, m_bus.get(), &env, &error,
                                     {{"data_dir", m_dir.path() + "/data"}, {"workers_per_service", "6"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(paydesk::services::merchantauth::createMerchantAuthService(
            {"merchant-auth-service", kAuthSeed, "payment_merchant_auth", "auth"}));
        m_host->add(std::make_unique<cashier::CashierService>(
            ServiceDescriptor{"cashier-service", kCashierSeed, "payment_cashier", "cashier"},
            testSettings()));
        m_host->add(std::make_unique<FakeGateway>(kGatewaySeed, m_gateway));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        m_key = createKey();
    }

    void sessionIsCreatedReadAndCancelled()
    {
        const QJsonObject session = openSession(m_key, {{"expires_in_minutes", 45}});
        const QString token = session.value("session_token").toString();
        QCOMPARE(token.size(), 43); // 32 random bytes, base64url
        QVERIFY(session.value("checkout_url").toString().endsWith("/checkout/" + token));
        QCOMPARE(session.value("status").toString(), QStringLiteral("open"));
        const QDateTime expires =
            QDateTime::fromString(session.value("expires_at").toString(), Qt::ISODateWithMs);
        QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(expires) - 45 * 60) < 120);

        const HttpResult got = merchant(m_key, "GET", "/api/v1/cashier/sessions/" + token);
        QCOMPARE(got.status, 200);
        QCOMPARE(got.json().value("amount_minor").toInteger(), 1250);
        QCOMPARE(got.json().value("merchant_id").toString(), m_key.id);
        QVERIFY(!got.body.contains("form_token"));
        // Only the hash is stored.
        QSqlQuery q(cashierDb());
        QVERIFY(q.exec("SELECT count(*) FROM cashier_sessions WHERE token_hash = '" + token + "'") &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 0);

        const Key other = createKey();
        QCOMPARE(merchant(other, "GET", "/api/v1/cashier/sessions/" + token).status, 404);
        QCOMPARE(merchant(other, "DELETE", "/api/v1/cashier/sessions/" + token).status, 404);
        // One open session per order.
        const HttpResult again = merchant(m_key, "POST", "/api/v1/cashier/sessions",
                                          QJsonDocument(QJsonObject{{"order_no", session.value("order_no")},
                                                                    {"amount_minor", 1},
                                                                    {"currency", "EUR"},
                                                                    {"return_url", "https://shop.test/r"}})
                                              .toJson());
        QCOMPARE(again.status, 409);
        QCOMPARE(again.json().value("code").toString(), QStringLiteral("SESSION_EXISTS"));

        const HttpResult cancelled = merchant(m_key, "DELETE", "/api/v1/cashier/sessions/" + token);
        QCOMPARE(cancelled.status, 200);
        QCOMPARE(cancelled.json().value("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(merchant(m_key, "DELETE", "/api/v1/cashier/sessions/" + token).status, 409);
        QCOMPARE(page(token).status, 410);
    }

    void sessionInputIsValidated()
    {
        const auto create = [&](const QJsonObject &extra) {
            QJsonObject body{{"order_no", "V-1"},
                             {"amount_minor", 100},
                             {"currency", "EUR"},
                             {"return_url", "https://shop.test/r"}};
            for (auto it = extra.begin(); it != extra.end(); ++it)
                body.insert(it.key(), it.value());
            return merchant(m_key, "POST", "/api/v1/cashier/sessions", QJsonDocument(body).toJson());
        };
        QCOMPARE(create({{"expires_in_minutes", 0}}).status, 422);
        QCOMPARE(create({{"expires_in_minutes", 1441}}).status, 422);
        QCOMPARE(create({{"amount_minor", 0}}).status, 422);
        QCOMPARE(create({{"amount_minor", 12.5}}).status, 422);
        QCOMPARE(create({{"return_url", "javascript:alert(1)"}}).status, 422);
        QCOMPARE(create({{"order_no", "a b"}}).status, 422);
        QCOMPARE(create({{"allowed_channels", QJsonArray{"Sandbox!"}}}).status, 422);
        const HttpResult currency = create({{"currency", "XXX"}});
        QCOMPARE(currency.status, 400);
        QCOMPARE(currency.json().value("code").toString(), QStringLiteral("UNSUPPORTED_CURRENCY"));
        QCOMPARE(httpRequest("POST", url(kCashierSeed, "/api/v1/cashier/sessions"), "{}").status, 401);
    }

    void hostedPageShowsEscapedValuesAndFormattedAmount()
    {
        const QString hostile = "<script>alert(\"x\")</script> & 'quoted'";
        const QJsonObject session =
            openSession(m_key, {{"description", hostile}, {"amount_minor", 1250}, {"currency", "JPY"}});
        const HttpResult shown = page(session.value("session_token").toString());
        QCOMPARE(shown.status, 200);
        QVERIFY(shown.headers.value("content-type").startsWith("text/html"));
        QVERIFY(shown.headers.value("content-security-policy").contains("default-src 'none'"));
        QCOMPARE(shown.headers.value("cache-control"), QByteArray("no-store"));
        QVERIFY(!shown.body.contains("<script"));
        QVERIFY(
            shown.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"));
        QVERIFY(shown.body.contains("1,250 JPY"));
        QVERIFY(shown.body.contains(session.value("order_no").toString().toUtf8()));
        QVERIFY(shown.body.contains("<label for=\"card_number\">"));
        QVERIFY(!formToken(shown.body).isEmpty());

        const QJsonObject dinar = openSession(m_key, {{"amount_minor", 1234567}, {"currency", "BHD"}});
        QVERIFY(page(dinar.value("session_token").toString()).body.contains("1,234.567 BHD"));

        const HttpResult unknown = page(QString(43, u'A'));
        QCOMPARE(unknown.status, 404);
        QVERIFY(unknown.headers.value("content-type").startsWith("text/html"));
        QCOMPARE(page("not-a-token").status, 404);
    }

    void formPostPaysThroughTheGateway()
    {
        const QJsonObject session = openSession(
            m_key, {{"allowed_channels", QJsonArray{"sandbox"}}, {"customer_email", "ada@example.test"}});
        const QString token = session.value("session_token").toString();
        const int before = m_gateway->count();
        const HttpResult paid = viewAndPay(token);
        QCOMPARE(paid.status, 200);
        QVERIFY(paid.body.contains("Payment successful"));
        QCOMPARE(m_gateway->count(), before + 1);
        QJsonObject call;
        QByteArray key;
        {
            QMutexLocker lock(&m_gateway->mutex);
            key = m_gateway->calls.last().first;
            call = m_gateway->calls.last().second;
        }
        QCOMPARE(key, token.toLatin1());
        QCOMPARE(call.value("merchant_id").toString(), m_key.id);
        QCOMPARE(call.value("order_no").toString(), session.value("order_no").toString());
        QCOMPARE(call.value("amount_minor").toInteger(), 1250);
        QCOMPARE(call.value("currency").toString(), QStringLiteral("EUR"));
        QCOMPARE(call.value("pay_method").toString(), QStringLiteral("card"));
        QCOMPARE(call.value("environment").toString(), QStringLiteral("test"));
        QCOMPARE(call.value("customer_ip").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(call.value("customer_email").toString(), QStringLiteral("ada@example.test"));
        QCOMPARE(call.value("channel").toString(), QStringLiteral("sandbox"));
        QCOMPARE(call.value("return_url").toString(), QStringLiteral("https://shop.test/return?cart=7"));
        QCOMPARE(call.value("card").toObject().value("number").toString(), kGoodCard);
        QCOMPARE(call.value("card").toObject().value("exp_month").toInt(), 12);
        const QString paymentNo = m_gateway->answers.value(key).value("payment_no").toString();
        // The link back carries payment_no and status (attribute-escaped).
        QVERIFY(paid.body.contains(
            QString("href=\"https://shop.test/return?cart=7&amp;payment_no=%1&amp;status=success\"")
                .arg(paymentNo)
                .toUtf8()));

        const QJsonObject after = merchant(m_key, "GET", "/api/v1/cashier/sessions/" + token).json();
        QCOMPARE(after.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(after.value("payment_no").toString(), paymentNo);
        QCOMPARE(page(token).status, 410);
        QCOMPARE(submit(token, "whatever").status, 410);

        // The card number is stored nowhere and logged nowhere.
        QSqlQuery q(cashierDb());
        QVERIFY(
            q.exec(
                "SELECT (SELECT count(*) FROM cashier_sessions s WHERE row_to_json(s)::text LIKE '%4242%') + "
                "(SELECT count(*) FROM cashier_events e WHERE row_to_json(e)::text LIKE '%4242%')") &&
            q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QDirIterator logs(m_dir.path() + "/logs", QDir::Files, QDirIterator::Subdirectories);
        while (logs.hasNext()) {
            QFile file(logs.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(kGoodCard.toLatin1()), qPrintable(file.fileName()));
        }
    }

    void declinedCardShowsTheReasonAndEndsTheSession()
    {
        const QString token = openSession(m_key).value("session_token").toString();
        const HttpResult declined = viewAndPay(token, kDeclinedCard);
        QCOMPARE(declined.status, 402);
        QVERIFY(declined.body.contains("Payment declined"));
        QVERIFY(declined.body.contains("Your card was declined."));
        QVERIFY(declined.body.contains("status=failed"));
        const QJsonObject after = merchant(m_key, "GET", "/api/v1/cashier/sessions/" + token).json();
        QCOMPARE(after.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(after.value("decline_reason").toString(), QStringLiteral("Your card was declined."));
        QCOMPARE(page(token).status, 410);
    }

    void formTokenIsRequired()
    {
        const QString token = openSession(m_key).value("session_token").toString();
        const HttpResult shown = page(token);
        const int before = m_gateway->count();
        QCOMPARE(submit(token, {}).status, 403);
        QCOMPARE(submit(token, formToken(shown.body).left(42) + "x").status, 403);
        // A form token of another session does not pay this one.
        const QString otherToken = openSession(m_key).value("session_token").toString();
        QCOMPARE(submit(token, formToken(page(otherToken).body)).status, 403);
        QCOMPARE(m_gateway->count(), before);
        QCOMPARE(sessionStatus(m_key, token), QStringLiteral("open"));
    }

    void invalidCardRendersTheFormAgainWithoutTheNumber()
    {
        const QString token = openSession(m_key).value("session_token").toString();
        const QString form = formToken(page(token).body);
        const int before = m_gateway->count();
        const HttpResult refused = submit(token, form, "4242424242424241"); // Luhn fails
        QCOMPARE(refused.status, 422);
        QVERIFY(refused.body.contains("Enter a valid card number."));
        QVERIFY(refused.body.contains("aria-invalid=\"true\""));
        QVERIFY(!refused.body.contains("4242424242424241") && !refused.body.contains("4242 424242424241"));
        QVERIFY(refused.body.contains("value=\"Ada Lovelace\""));
        QCOMPARE(submit(token, form, kGoodCard, "13/40").status, 422);
        QCOMPARE(submit(token, form, kGoodCard, "01/20").status, 422); // expired
        QCOMPARE(m_gateway->count(), before);
        QCOMPARE(submit(token, form).status, 200); // the same form still works
    }

    void unavailableGatewayLeavesTheSessionOpenForARetry()
    {
        const QString token = openSession(m_key).value("session_token").toString();
        const QString form = formToken(page(token).body);
        {
            QMutexLocker lock(&m_gateway->mutex);
            m_gateway->down = true;
        }
        const HttpResult failed = submit(token, form);
        {
            QMutexLocker lock(&m_gateway->mutex);
            m_gateway->down = false;
        }
        QCOMPARE(failed.status, 502);
        QCOMPARE(sessionStatus(m_key, token), QStringLiteral("open"));
        QCOMPARE(submit(token, form).status, 200);
        QCOMPARE(sessionStatus(m_key, token), QStringLiteral("completed"));
        QMutexLocker lock(&m_gateway->mutex);
        QCOMPARE(m_gateway->calls.at(m_gateway->calls.size() - 2).first, token.toLatin1()); // same key twice
        QCOMPARE(m_gateway->calls.last().first, token.toLatin1());
    }

    void lapsedSessionsExpire()
    {
        const QString viewed = openSession(m_key).value("session_token").toString();
        lapse(viewed);
        QCOMPARE(sessionStatus(m_key, viewed), QStringLiteral("expired"));
        const HttpResult gone = page(viewed);
        QCOMPARE(gone.status, 410);
        QVERIFY(gone.body.contains("expired"));
        // The sweep expires sessions nobody looks at.
        const QString ignored = openSession(m_key).value("session_token").toString();
        lapse(ignored);
        QSqlQuery q(cashierDb());
        QTRY_VERIFY_WITH_TIMEOUT(q.exec("SELECT status FROM cashier_sessions WHERE token_hash = '" +
                                        QString::fromLatin1(crypto::sha256(ignored.toLatin1()).toHex()) +
                                        "'") &&
                                     q.next() && q.value(0).toString() == "expired",
                                 10000);
        QVERIFY(q.exec("SELECT count(*) FROM cashier_events WHERE step = 'expired' AND token_hash IN ('" +
                       QString::fromLatin1(crypto::sha256(viewed.toLatin1()).toHex()) + "', '" +
                       QString::fromLatin1(crypto::sha256(ignored.toLatin1()).toHex()) + "')") &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 2);
    }

    void funnelCountsEachStep()
    {
        const Key shop = createKey();
        QCOMPARE(viewAndPay(openSession(shop).value("session_token").toString()).status, 200);
        QCOMPARE(viewAndPay(openSession(shop).value("session_token").toString(), kDeclinedCard).status, 402);
        const QString browsed = openSession(shop).value("session_token").toString();
        QCOMPARE(page(browsed).status, 200);
        QCOMPARE(page(browsed).status, 200); // a reload is one more view of the same session
        openSession(shop);

        const HttpResult funnel =
            httpRequest("GET", url(kCashierSeed, "/api/v1/admin/cashier/funnel?merchant_id=" + shop.id), {},
                        admin({"cashier.view"}));
        QCOMPARE(funnel.status, 200);
        const QJsonObject body = funnel.json();
        QCOMPARE(body.value("sessions_created").toInteger(), 4);
        QHash<QString, QJsonObject> steps;
        for (const QJsonValue &step : body.value("steps").toArray())
            steps.insert(step.toObject().value("step").toString(), step.toObject());
        QCOMPARE(steps.value("page_view").value("sessions").toInteger(), 3);
        QCOMPARE(steps.value("page_view").value("events").toInteger(), 4);
        QCOMPARE(steps.value("form_submit").value("sessions").toInteger(), 2);
        QCOMPARE(steps.value("payment_succeeded").value("sessions").toInteger(), 1);
        QCOMPARE(steps.value("payment_declined").value("sessions").toInteger(), 1);
        QCOMPARE(steps.value("expired").value("sessions").toInteger(), 0);
        QVERIFY(steps.value("form_submit").value("avg_ms_since_created").toInteger() >= 0);
        const QJsonObject conversion = body.value("conversion").toObject();
        QCOMPARE(conversion.value("created_to_view").toDouble(), 0.75);
        QCOMPARE(conversion.value("view_to_submit").toDouble(), 0.6667);
        QCOMPARE(conversion.value("submit_to_success").toDouble(), 0.5);
    }

    void funnelNeedsCashierView()
    {
        const QString path = url(kCashierSeed, "/api/v1/admin/cashier/funnel");
        QCOMPARE(httpRequest("GET", path).status, 401);
        QCOMPARE(httpRequest("GET", path, {}, admin({"payment.view"})).status, 403);
        QCOMPARE(httpRequest("GET", path, {}, admin({"cashier.view"})).status, 200);
        QCOMPARE(httpRequest("GET", path + "?from=yesterday", {}, admin({"cashier.view"})).status, 422);
        QCOMPARE(
            httpRequest("GET", path + "?from=2026-02-01&to=2026-01-01", {}, admin({"cashier.view"})).status,
            422);
    }

    // The real thing: the whole server as a process (the real payment-gateway with risk, limits,
    // orders and channel-adapter's sandbox plugin), a merchant onboarded through the admin APIs, a
    // session opened with the signed API, the page fetched and the form posted over HTTP with
    // QNetworkAccessManager as a browser would; the payment is then read back from the gateway.
    void hostedPagePaysThroughTheRealGateway()
    {
        QString error;
        ServerProcess server(m_dir.path() + "/server", freeBasePort());
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY2(server.waitAllReady(180000, &error), qPrintable(error + "\n" + server.output()));
        const QJsonObject gatewayApi = httpRequest("GET", server.url(kGatewaySeed, "/openapi.json")).json();
        QVERIFY2(gatewayApi.value("paths").toObject().contains("/internal/v1/payments"),
                 "payment-gateway serves the contract's create route");
        const QByteArray token = adminToken(server.dataDir(), {"*"});
        MerchantSetup setup;
        setup.name = "Corner Café";
        setup.currencies = {"EUR"};
        const auto shop = onboardMerchant(
            [&](quint16 seed, const QString &path) { return server.url(seed, path); }, token, setup, &error);
        QVERIFY2(shop, qPrintable(error));
        const auto signedCall = [&](quint16 seed, const QByteArray &method, const QString &path,
                                    const QByteArray &body = {}) {
            return signedJsonRequest(*shop, method, server.url(seed, {}), path, body, 15000);
        };
        const auto checkout = [&](const QString &orderNo, const QString &card) {
            const HttpResult created =
                signedCall(kCashierSeed, "POST", "/api/v1/cashier/sessions",
                           QJsonDocument(QJsonObject{{"order_no", orderNo},
                                                     {"amount_minor", 4200},
                                                     {"currency", "EUR"},
                                                     {"description", "Real gateway"},
                                                     {"return_url", "https://shop.test/back"}})
                               .toJson(QJsonDocument::Compact));
            if (created.status != 201)
                qWarning() << "session:" << created.status << created.body;
            const QString checkoutUrl = created.json().value("checkout_url").toString();
            const HttpResult shown = httpRequest("GET", checkoutUrl);
            if (!shown.body.contains("Corner Caf\xc3\xa9") || !shown.body.contains("42.00 EUR"))
                qWarning() << "page:" << shown.status << shown.body.left(400);
            const HttpResult result = httpRequest(
                "POST", checkoutUrl + "/pay",
                formBody({{"form_token", formToken(shown.body)},
                          {"card_number", card},
                          {"expiry", QStringLiteral("12/%1").arg(QDate::currentDate().year() % 100 + 3)},
                          {"cvc", "123"},
                          {"holder", "Ada Lovelace"}}),
                {{"Content-Type", "application/x-www-form-urlencoded"}}, 30000);
            const QString sessionToken = created.json().value("session_token").toString();
            return std::make_pair(
                result, signedCall(kCashierSeed, "GET", "/api/v1/cashier/sessions/" + sessionToken).json());
        };

        const auto [paid, session] = checkout("E2E-PAID-1", kGoodCard);
        QCOMPARE(paid.status, 200);
        QVERIFY(paid.body.contains("Payment successful"));
        QCOMPARE(session.value("status").toString(), QStringLiteral("completed"));
        const QString paymentNo = session.value("payment_no").toString();
        QVERIFY(!paymentNo.isEmpty());
        const QJsonObject payment = signedCall(kGatewaySeed, "GET", "/api/v1/payments/" + paymentNo).json();
        QCOMPARE(payment.value("status").toString(), QStringLiteral("success"));
        QCOMPARE(payment.value("order_no").toString(), QStringLiteral("E2E-PAID-1"));
        QCOMPARE(payment.value("amount_minor").toInteger(), 4200);
        QCOMPARE(payment.value("card").toObject().value("last4").toString(), QStringLiteral("4242"));

        const auto [declined, failedSession] = checkout("E2E-DECLINED-1", kDeclinedCard);
        QCOMPARE(declined.status, 402);
        QVERIFY(declined.body.contains("Payment declined"));
        QCOMPARE(failedSession.value("status").toString(), QStringLiteral("failed"));
        const QJsonObject failed =
            signedCall(kGatewaySeed, "GET",
                       "/api/v1/payments/" + failedSession.value("payment_no").toString())
                .json();
        QCOMPARE(failed.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(server.stop(), 0);
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(CashierTest)
#include "tst_cashier.moc"
