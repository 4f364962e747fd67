// merchant-auth-service in process on a real PostgreSQL and Redis, next to a small "shop" service
// whose routes are Access::Merchant. Signed requests go over real HTTP to the shop, whose pipeline
// asks merchant-auth-service to verify them (pipeline → ServiceClient → /internal/v1/signatures/
// verify), so every case below runs the whole path. Signatures are computed here with
// QMessageAuthenticationCode, independently of the service's own code.

#include "services/merchant-auth-service/MerchantAuthService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/cache/RedisConnection.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/security/Crypto.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <QUuid>
#include <QtConcurrent>

using namespace paydesk::platform;
using namespace paydesk::testing;

namespace {
constexpr quint16 kAuthSeed = 40011;
constexpr quint16 kShopSeed = 40111;
const ServiceDescriptor kAuthDescriptor{"merchant-auth-service", kAuthSeed, "payment_merchant_auth",
                                        "API keys and request signatures"};

// Echoes the principal the pipeline established; GET and POST so v1 and v2 both get exercised.
class ShopService : public Service
{
public:
    explicit ShopService(quint16 seedPort) : Service({"shop", seedPort, "paydesk_test_shop", "test service"})
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &) override
    {
        auto echo = [](const HttpRequest &request) {
            return HttpResponse::json(QJsonObject{{"kind", int(request.principal.kind)},
                                                  {"merchant_id", request.principal.merchantId},
                                                  {"key_id", request.principal.apiKeyId},
                                                  {"environment", request.principal.environment},
                                                  {"body", QString::fromUtf8(request.body)}});
        };
        router.add({.method = "GET",
                    .pattern = "/api/v1/whoami",
                    .handler = echo,
                    .execution = Execution::Worker,
                    .access = Access::Merchant});
        router.add({.method = "POST",
                    .pattern = "/api/v1/payments",
                    .handler = echo,
                    .execution = Execution::Worker,
                    .access = Access::Merchant});
    }
};

struct Key
{
    QString id;
    QByteArray secret;
    QString merchantId;
};

struct Signing
{
    QString version = "v1";
    QDateTime timestamp = QDateTime::currentDateTimeUtc();
    QString nonce = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QByteArray secretOverride;
    QByteArray bodySent; // when set, sent instead of the signed body
    QString signedPath;  // when set, signed instead of the real path
};

QByteArray hmacHex(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toHex();
}
} // namespace

class MerchantAuthServiceTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-mauth-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    quint16 m_base = 0;
    ServerSecrets m_secrets;
    QList<QByteArray> m_issuedSecrets; // every secret the service ever showed, for leak checks

    HostEnvironment environment(const QString &name, quint16 base, const QString &redisUrl)
    {
        QString error;
        HostEnvironment env;
        if (!makeHostEnvironment(m_infra.databaseUrl(), redisUrl, m_dir.path() + "/" + name, base,
                                 m_bus.get(), &env, &error))
            qFatal("host environment: %s", qPrintable(error));
        env.secrets = m_secrets;
        return env;
    }

    QString url(quint16 seed, const QString &path, quint16 base = 0) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg((base ? base : m_base) + seed - 40000).arg(path);
    }

    HttpResult admin(const QByteArray &method, const QString &path, const QByteArray &body,
                     const QStringList &permissions = {"apikey.manage", "apikey.view"})
    {
        QHash<QByteArray, QByteArray> headers;
        if (!permissions.isEmpty())
            headers.insert("Authorization", "Bearer " + adminToken(m_dir.path(), permissions));
        return httpRequest(method, url(kAuthSeed, path), body, headers);
    }

    Key createKey(const QString &merchantId, const QJsonObject &extra = {})
    {
        QJsonObject body{{"environment", "test"}, {"label", "integration"}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResult result =
            admin("POST", "/api/v1/merchants/" + merchantId + "/api-keys", QJsonDocument(body).toJson());
        if (result.status != 201)
            qWarning() << "create key:" << result.status << result.body;
        const Key key{result.json().value("key_id").toString(),
                      result.json().value("secret").toString().toLatin1(), merchantId};
        m_issuedSecrets.append(key.secret);
        return key;
    }

    HttpResult signedCall(const Key &key, const QByteArray &method, const QString &path,
                          const QByteArray &body = {}, const Signing &s = {}, quint16 base = 0)
    {
        const QString timestamp = s.timestamp.toString(Qt::ISODate);
        QByteArray canonical;
        if (s.version == "v2")
            canonical = method + (s.signedPath.isEmpty() ? path : s.signedPath).toUtf8();
        canonical += timestamp.toUtf8() + s.nonce.toUtf8() + body;
        const QByteArray secret = s.secretOverride.isEmpty() ? key.secret : s.secretOverride;
        QHash<QByteArray, QByteArray> headers{{"X-API-Key", key.id.toLatin1()},
                                              {"X-Signature", hmacHex(secret, canonical)},
                                              {"X-Timestamp", timestamp.toLatin1()},
                                              {"X-Nonce", s.nonce.toLatin1()},
                                              {"X-Signature-Version", s.version.toLatin1()}};
        return httpRequest(method, url(kShopSeed, path, base), s.bodySent.isEmpty() ? body : s.bodySent,
                           headers);
    }

    static void expectRejected(const HttpResult &result, int status, const char *code)
    {
        QCOMPARE(result.status, status);
        QCOMPARE(result.json().value("code").toString(), QString::fromLatin1(code));
    }

    QSqlDatabase authDb() { return serviceDatabase(m_infra, "mauth-test", "payment_merchant_auth"); }

    RedisConnection &redis()
    {
        static RedisConnection connection(RedisUrl::parse(m_infra.redisUrl(), nullptr));
        return connection;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir.setAutoRemove(
            qEnvironmentVariableIsEmpty("PAYDESK_KEEP_TEST_DIR")); // keep logs for a post-mortem
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        QVERIFY2(ServerSecrets::loadOrCreate(m_dir.path() + "/secrets", &m_secrets, &error),
                 qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        m_host = std::make_unique<ServiceHost>(environment("host", m_base, m_infra.redisUrl()));
        m_host->add(paydesk::services::merchantauth::createMerchantAuthService(kAuthDescriptor));
        m_host->add(std::make_unique<ShopService>(kShopSeed));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 30000);
    }

    void goodV1SignatureReachesTheHandlerAsTheMerchant()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const Key key = createKey(merchant);
        QVERIFY(key.id.startsWith("pk_test_"));
        QVERIFY(key.secret.startsWith("sk_test_"));
        const HttpResult result = signedCall(key, "GET", "/api/v1/whoami");
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value("kind").toInt(), int(Principal::Kind::Merchant));
        QCOMPARE(result.json().value("merchant_id").toString(), merchant);
        QCOMPARE(result.json().value("key_id").toString(), key.id);
        QCOMPARE(result.json().value("environment").toString(), QStringLiteral("test"));

        QSqlQuery used(authDb());
        QVERIFY(used.prepare("SELECT last_used_at IS NOT NULL FROM api_keys WHERE key_id = ?"));
        used.addBindValue(key.id);
        QVERIFY2(used.exec() && used.next(), qPrintable(used.lastError().text()));
        QVERIFY(used.value(0).toBool());
    }

    void goodV2SignatureCoversMethodPathAndBody()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const QByteArray body = R"({"amount_minor":1250,"currency":"EUR"})";
        Signing v2;
        v2.version = "v2";
        const HttpResult result = signedCall(key, "POST", "/api/v1/payments", body, v2);
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value("body").toString().toUtf8(), body);

        Signing otherPath;
        otherPath.version = "v2";
        otherPath.signedPath = "/api/v1/refunds";
        expectRejected(signedCall(key, "POST", "/api/v1/payments", body, otherPath), 401,
                       "AUTHENTICATION_FAILED");
    }

    void wrongSecretIsRejectedWithoutDetail()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        Signing wrong;
        wrong.secretOverride = "sk_test_not-the-secret";
        const HttpResult result = signedCall(key, "GET", "/api/v1/whoami", {}, wrong);
        expectRejected(result, 401, "AUTHENTICATION_FAILED");
        QCOMPARE(result.json().value("detail").toString(), QStringLiteral("authentication failed"));
        // An unknown key answers exactly the same.
        Key unknown = key;
        unknown.id = "pk_test_" + QString(32, u'0');
        const HttpResult other = signedCall(unknown, "GET", "/api/v1/whoami");
        expectRejected(other, 401, "AUTHENTICATION_FAILED");
        QCOMPARE(other.json().value("detail"), result.json().value("detail"));
    }

    void missingHeadersAreRejected()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        expectRejected(httpRequest("GET", url(kShopSeed, "/api/v1/whoami")), 401, "AUTHENTICATION_FAILED");
        expectRejected(
            httpRequest("GET", url(kShopSeed, "/api/v1/whoami"), {}, {{"X-API-Key", key.id.toLatin1()}}), 401,
            "AUTHENTICATION_FAILED");
        Signing badVersion;
        badVersion.version = "v9";
        expectRejected(signedCall(key, "GET", "/api/v1/whoami", {}, badVersion), 401,
                       "AUTHENTICATION_FAILED");
    }

    void staleAndFutureTimestampsAreRejected()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        Signing stale;
        stale.timestamp = QDateTime::currentDateTimeUtc().addSecs(-180);
        expectRejected(signedCall(key, "GET", "/api/v1/whoami", {}, stale), 401, "AUTHENTICATION_FAILED");
        Signing future;
        future.timestamp = QDateTime::currentDateTimeUtc().addSecs(180);
        expectRejected(signedCall(key, "GET", "/api/v1/whoami", {}, future), 401, "AUTHENTICATION_FAILED");
        Signing recent;
        recent.timestamp = QDateTime::currentDateTimeUtc().addSecs(-60);
        QCOMPARE(signedCall(key, "GET", "/api/v1/whoami", {}, recent).status, 200);
    }

    void replayedNonceIsRejected()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const Signing once;
        QCOMPARE(signedCall(key, "POST", "/api/v1/payments", "{}", once).status, 200);
        expectRejected(signedCall(key, "POST", "/api/v1/payments", "{}", once), 401, "AUTHENTICATION_FAILED");
        QVariant ttl;
        QString error;
        QVERIFY(redis().command({"TTL", ("nonce:" + key.id + ":" + once.nonce).toLatin1()}, &ttl, &error));
        QVERIFY2(ttl.toLongLong() > 500 && ttl.toLongLong() <= 600, qPrintable(ttl.toString()));
    }

    void tamperedBodyIsRejected()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        Signing tampered;
        tampered.bodySent = R"({"amount_minor":999999})";
        expectRejected(signedCall(key, "POST", "/api/v1/payments", R"({"amount_minor":1})", tampered), 401,
                       "AUTHENTICATION_FAILED");
        Signing tamperedV2 = tampered;
        tamperedV2.version = "v2";
        tamperedV2.nonce = QUuid::createUuid().toString(QUuid::WithoutBraces);
        expectRejected(signedCall(key, "POST", "/api/v1/payments", R"({"amount_minor":1})", tamperedV2), 401,
                       "AUTHENTICATION_FAILED");
    }

    void revokedKeyStopsWorkingAtOnce()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        QCOMPARE(signedCall(key, "GET", "/api/v1/whoami").status, 200);
        const HttpResult revoked =
            admin("POST", "/api/v1/api-keys/" + key.id + "/revoke", R"({"reason":"leaked in a log"})");
        QCOMPARE(revoked.status, 200);
        QCOMPARE(revoked.json().value("status").toString(), QStringLiteral("revoked"));
        expectRejected(signedCall(key, "GET", "/api/v1/whoami"), 401, "AUTHENTICATION_FAILED");
        QCOMPARE(admin("POST", "/api/v1/api-keys/" + key.id + "/revoke", R"({"reason":"again"})").status,
                 409);
        QCOMPARE(admin("POST", "/api/v1/api-keys/" + key.id + "/rotate", {}).status, 409);
    }

    void rotatedKeyWorksUntilItsGraceEnds()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const Key old = createKey(merchant, {{"ip_allowlist", QJsonArray{"127.0.0.0/8", "::1"}}});
        const HttpResult rotated =
            admin("POST", "/api/v1/api-keys/" + old.id + "/rotate", R"({"grace_seconds":3})");
        QCOMPARE(rotated.status, 201);
        const Key fresh{rotated.json().value("key_id").toString(),
                        rotated.json().value("secret").toString().toLatin1(), merchant};
        m_issuedSecrets.append(fresh.secret);
        QVERIFY(fresh.id != old.id && fresh.secret != old.secret && fresh.secret.startsWith("sk_test_"));
        QCOMPARE(rotated.json().value("rotated_from").toString(), old.id);
        QCOMPARE(rotated.json().value("ip_allowlist").toArray().size(), 2); // carried over
        QCOMPARE(rotated.json().value("replaces").toObject().value("state").toString(),
                 QStringLiteral("grace"));

        QCOMPARE(signedCall(old, "GET", "/api/v1/whoami").status, 200); // within grace
        QCOMPARE(signedCall(fresh, "GET", "/api/v1/whoami").status, 200);
        QCOMPARE(admin("POST", "/api/v1/api-keys/" + old.id + "/rotate", {}).status,
                 409); // rotated once only
        const QDateTime graceUntil = QDateTime::fromString(
            rotated.json().value("replaces").toObject().value("grace_until").toString(), Qt::ISODateWithMs);
        QVERIFY(graceUntil.isValid());
        QThread::msleep(qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(graceUntil)) + 200);
        expectRejected(signedCall(old, "GET", "/api/v1/whoami"), 401, "AUTHENTICATION_FAILED");
        QCOMPARE(signedCall(fresh, "GET", "/api/v1/whoami").status, 200);

        QCOMPARE(
            admin("POST", "/api/v1/api-keys/" + old.id + "/rotate", R"({"grace_seconds":604801})").status,
            422);
    }

    void expiredKeyIsRejected()
    {
        const QDateTime expiry = QDateTime::currentDateTimeUtc().addSecs(3);
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces),
                                  {{"expires_at", expiry.toString(Qt::ISODateWithMs)}});
        QVERIFY(!key.id.isEmpty());
        QCOMPARE(signedCall(key, "GET", "/api/v1/whoami").status, 200);
        QThread::msleep(qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(expiry)) + 200);
        expectRejected(signedCall(key, "GET", "/api/v1/whoami"), 401, "AUTHENTICATION_FAILED");
    }

    void clientOutsideTheAllowlistIsForbidden()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces),
                                  {{"ip_allowlist", QJsonArray{"10.0.0.0/8", "2001:db8::/32"}}});
        expectRejected(signedCall(key, "GET", "/api/v1/whoami"), 403, "IP_NOT_ALLOWED");
        const HttpResult changed = admin("PUT", "/api/v1/api-keys/" + key.id + "/ip-allowlist",
                                         R"({"ip_allowlist":["10.0.0.0/8","127.0.0.1"]})");
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.json().value("ip_allowlist").toArray(), QJsonArray({"10.0.0.0/8", "127.0.0.1"}));
        QCOMPARE(signedCall(key, "GET", "/api/v1/whoami").status, 200);
    }

    void sloppyAllowlistEntriesAreRefused()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const HttpResult result =
            admin("POST", "/api/v1/merchants/" + merchant + "/api-keys",
                  R"({"environment":"live","ip_allowlist":["10.1","192.168.1.5/24","::/0"]})");
        QCOMPARE(result.status, 422);
        const QJsonArray errors = result.json().value("errors").toArray();
        QVERIFY2(errors.size() == 2, result.body.constData());
        QCOMPARE(errors[0].toObject().value("field").toString(), QStringLiteral("ip_allowlist[0]"));
        QCOMPARE(errors[1].toObject().value("field").toString(), QStringLiteral("ip_allowlist[1]"));
        QCOMPARE(admin("POST", "/api/v1/merchants/not-a-uuid/api-keys", R"({"environment":"test"})").status,
                 422);
        QCOMPARE(
            admin("POST", "/api/v1/merchants/" + merchant + "/api-keys", R"({"environment":"production"})")
                .status,
            422);
    }

    void usableKeysPerEnvironmentAreBounded()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        for (int i = 0; i < 25; ++i)
            QVERIFY(!createKey(merchant).id.isEmpty());
        const HttpResult refused =
            admin("POST", "/api/v1/merchants/" + merchant + "/api-keys", R"({"environment":"test"})");
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.json().value("code").toString(), QStringLiteral("KEY_LIMIT_REACHED"));
        QCOMPARE(
            admin("POST", "/api/v1/merchants/" + merchant + "/api-keys", R"({"environment":"live"})").status,
            201);
        QString anyKey;
        for (const QJsonValue &item :
             admin("GET", "/api/v1/merchants/" + merchant + "/api-keys?page_size=100", {})
                 .json()
                 .value("items")
                 .toArray()) {
            if (item.toObject().value("environment").toString() == "test")
                anyKey = item.toObject().value("key_id").toString();
        }
        QCOMPARE(admin("POST", "/api/v1/api-keys/" + anyKey + "/revoke", R"({"reason":"make room"})").status,
                 200);
        QCOMPARE(
            admin("POST", "/api/v1/merchants/" + merchant + "/api-keys", R"({"environment":"test"})").status,
            201);
    }

    void elevenFailuresLockTheKeyOut()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        Signing wrong;
        wrong.secretOverride = "sk_test_guess";
        for (int i = 1; i <= 10; ++i) {
            wrong.nonce = QUuid::createUuid().toString(QUuid::WithoutBraces);
            QCOMPARE(signedCall(key, "GET", "/api/v1/whoami", {}, wrong).status, 401);
        }
        wrong.nonce = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const HttpResult eleventh = signedCall(key, "GET", "/api/v1/whoami", {}, wrong);
        expectRejected(eleventh, 429, "TOO_MANY_FAILURES");
        QVERIFY(eleventh.headers.value("retry-after").toInt() > 0);
        // Locked: even the right secret is refused now.
        expectRejected(signedCall(key, "GET", "/api/v1/whoami"), 429, "TOO_MANY_FAILURES");
        QVariant ttl;
        QString error;
        QVERIFY(redis().command({"TTL", "sig_failed:" + key.id.toLatin1()}, &ttl, &error));
        QVERIFY2(ttl.toLongLong() > 800 && ttl.toLongLong() <= 900, qPrintable(ttl.toString()));
    }

    void successClearsTheFailureCounter()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        Signing wrong;
        wrong.secretOverride = "sk_test_guess";
        QCOMPARE(signedCall(key, "GET", "/api/v1/whoami", {}, wrong).status, 401);
        QVariant count;
        QString error;
        QVERIFY(redis().command({"GET", "sig_failed:" + key.id.toLatin1()}, &count, &error));
        QCOMPARE(count.toLongLong(), 1);
        QCOMPARE(signedCall(key, "GET", "/api/v1/whoami").status, 200);
        QVERIFY(redis().command({"EXISTS", "sig_failed:" + key.id.toLatin1()}, &count, &error));
        QCOMPARE(count.toLongLong(), 0);
    }

    void merchantSeesOnlyItsOwnKeys()
    {
        const QString a = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString b = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const Key a1 = createKey(a);
        const Key a2 = createKey(a);
        const Key b1 = createKey(b);
        auto own = [&](const Key &key, const QString &path) {
            const QString timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
            const QString nonce = QUuid::createUuid().toString(QUuid::WithoutBraces);
            return httpRequest("GET", url(kAuthSeed, path), {},
                               {{"X-API-Key", key.id.toLatin1()},
                                {"X-Signature", hmacHex(key.secret, (timestamp + nonce).toUtf8())},
                                {"X-Timestamp", timestamp.toLatin1()},
                                {"X-Nonce", nonce.toLatin1()}});
        };
        const HttpResult listA = own(a1, "/api/v1/me/api-keys?merchant_id=" + b);
        QCOMPARE(listA.status, 200);
        QCOMPARE(listA.json().value("total").toInt(), 2);
        for (const QJsonValue &item : listA.json().value("items").toArray()) {
            QCOMPARE(item.toObject().value("merchant_id").toString(), a);
            QVERIFY(!item.toObject().contains("secret"));
        }
        QVERIFY(!listA.body.contains(b1.id.toLatin1()));
        QVERIFY(!listA.body.contains(a1.secret) && !listA.body.contains(a2.secret));
        const HttpResult listB = own(b1, "/api/v1/me/api-keys");
        QCOMPARE(listB.status, 200);
        QCOMPARE(listB.json().value("total").toInt(), 1);
        QCOMPARE(listB.json().value("items").toArray()[0].toObject().value("key_id").toString(), b1.id);
        QCOMPARE(httpRequest("GET", url(kAuthSeed, "/api/v1/me/api-keys")).status, 401);
    }

    void adminRoutesRequireTheRightPermission()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString keys = "/api/v1/merchants/" + merchant + "/api-keys";
        const QByteArray create = R"({"environment":"test"})";
        QCOMPARE(admin("POST", keys, create, {}).status, 401);
        QCOMPARE(
            httpRequest("POST", url(kAuthSeed, keys), create, {{"Authorization", "Bearer forged.token.here"}})
                .status,
            401);
        QCOMPARE(admin("POST", keys, create, {"apikey.view"}).status, 403);
        const HttpResult created = admin("POST", keys, create, {"apikey.manage"});
        QCOMPARE(created.status, 201);
        const QString id = created.json().value("key_id").toString();
        m_issuedSecrets.append(created.json().value("secret").toString().toLatin1());

        QCOMPARE(admin("GET", keys, {}, {}).status, 401);
        QCOMPARE(admin("GET", keys, {}, {"apikey.manage"}).status, 403);
        const HttpResult listed = admin("GET", keys, {}, {"apikey.view"});
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.json().value("total").toInt(), 1);
        QVERIFY(!listed.body.contains("\"secret\""));

        for (const auto &[method, path, body] :
             {std::tuple<QByteArray, QString, QByteArray>{"POST", "/rotate", "{}"},
              {"POST", "/revoke", R"({"reason":"x"})"},
              {"PUT", "/ip-allowlist", R"({"ip_allowlist":[]})"}}) {
            const QString route = "/api/v1/api-keys/" + id + path;
            QCOMPARE(admin(method, route, body, {}).status, 401);
            QCOMPARE(admin(method, route, body, {"apikey.view"}).status, 403);
        }
        QCOMPARE(
            admin("PUT", "/api/v1/api-keys/" + id + "/ip-allowlist", R"({"ip_allowlist":[]})", {"apikey.*"})
                .status,
            200);
        QCOMPARE(
            admin("POST", "/api/v1/api-keys/" + id + "/revoke", R"({"reason":"done"})", {"apikey.manage"})
                .status,
            200);
        QCOMPARE(
            admin("POST", "/api/v1/api-keys/pk_test_" + QString(32, u'f') + "/revoke", R"({"reason":"x"})")
                .status,
            404);
    }

    void everyChangeIsAuditedWithoutTheSecret()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const Key key = createKey(merchant);
        QCOMPARE(
            admin("PUT", "/api/v1/api-keys/" + key.id + "/ip-allowlist", R"({"ip_allowlist":["127.0.0.1"]})")
                .status,
            200);
        const HttpResult rotated = admin("POST", "/api/v1/api-keys/" + key.id + "/rotate", {});
        QCOMPARE(rotated.status, 201);
        m_issuedSecrets.append(rotated.json().value("secret").toString().toLatin1());
        const QString freshId = rotated.json().value("key_id").toString();
        QCOMPARE(admin("POST", "/api/v1/api-keys/" + freshId + "/revoke", R"({"reason":"test"})").status,
                 200);

        QSqlQuery query(authDb());
        QVERIFY(query.prepare("SELECT topic, event_type, payload::text FROM outbox_events"
                              " WHERE aggregate_id IN (?, ?) ORDER BY id"));
        query.addBindValue(key.id);
        query.addBindValue(freshId);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        QStringList audits, events;
        while (query.next()) {
            const QString payload = query.value(2).toString();
            const QJsonObject json = QJsonDocument::fromJson(payload.toUtf8()).object();
            if (query.value(0).toString() == "audit.events") {
                audits.append(json.value("action").toString());
                QCOMPARE(json.value("actor_name").toString(), QStringLiteral("tester"));
            } else {
                QCOMPARE(query.value(0).toString(), QStringLiteral("merchant-auth.events"));
                events.append(query.value(1).toString());
            }
            QVERIFY2(!payload.contains("sk_test_") && !payload.contains("sk_live_"), qPrintable(payload));
            for (const QByteArray &secret : std::as_const(m_issuedSecrets))
                QVERIFY(!payload.contains(QString::fromLatin1(secret)));
        }
        QCOMPARE(audits, QStringList({"apikey.create", "apikey.ip_allowlist.update", "apikey.rotate",
                                      "apikey.revoke"}));
        QCOMPARE(events, QStringList({"apikey.created", "apikey.ip_allowlist_changed", "apikey.rotated",
                                      "apikey.revoked"}));
    }

    void secretIsStoredEncrypted()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        QSqlQuery query(authDb());
        QVERIFY(query.prepare("SELECT t::text, secret_sealed FROM api_keys t WHERE key_id = ?"));
        query.addBindValue(key.id);
        QVERIFY2(query.exec() && query.next(), qPrintable(query.lastError().text()));
        const QString row = query.value(0).toString();
        const QByteArray sealed = query.value(1).toByteArray();
        const QByteArray randomPart = key.secret.mid(8);
        QVERIFY(!row.contains(QString::fromLatin1(randomPart)));
        QVERIFY(!sealed.contains(randomPart));
        QVERIFY(!sealed.toHex().contains(randomPart.toHex()));
        QVERIFY(!row.contains("sk_test_"));
        // It is the secret, sealed with the installation's master key.
        QByteArray opened;
        QVERIFY(crypto::decrypt(m_secrets.masterKey, sealed, &opened));
        QVERIFY(opened.endsWith(key.secret));
        // And nothing in the service's log mentions it.
        QFile log(m_dir.path() + "/host/logs/merchant-auth-service.log");
        if (log.open(QIODevice::ReadOnly)) {
            const QByteArray text = log.readAll();
            for (const QByteArray &secret : std::as_const(m_issuedSecrets))
                QVERIFY(!text.contains(secret.mid(8)));
        }
    }

    void verifierFailsClosedWithoutRedis()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        // A second host on the same database whose Redis is a closed port.
        const quint16 base = freeBasePort();
        const QString deadRedis = QStringLiteral("redis://127.0.0.1:%1").arg(freePort());
        ServiceHost host(environment("host-no-redis", base, deadRedis));
        host.add(paydesk::services::merchantauth::createMerchantAuthService(kAuthDescriptor));
        host.add(std::make_unique<ShopService>(kShopSeed));
        host.start();
        QTRY_VERIFY_WITH_TIMEOUT(host.allReady(), 30000); // Redis is not critical for readiness
        const HttpResult result = signedCall(key, "GET", "/api/v1/whoami", {}, {}, base);
        QCOMPARE(result.status, 503);
        QCOMPARE(result.json().value("code").toString(), QStringLiteral("AUTH_UNAVAILABLE"));
        host.stop();
    }

    // The pipeline forwards the body base64-encoded inside JSON (4/3 larger); in-process calls
    // get twice the body limit so a body the edge accepted is not refused by the verifier.
    void largeBodyBelowTheLimitIsVerified()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const QByteArray body = QByteArray("{\"pad\":\"") + QByteArray(900 * 1024, 'a') + QByteArray("\"}");
        Signing v2;
        v2.version = "v2";
        const HttpResult result = signedCall(key, "POST", "/api/v1/payments", body, v2);
        QVERIFY2(result.status == 200, result.body.left(300).constData());
    }

    // A service's own Merchant routes wait on its own Internal verify route: those run on a
    // separate pool, so concurrent self-service calls cannot starve each other.
    void concurrentSelfServiceCallsDoNotStarveTheVerifier()
    {
        const Key key = createKey(QUuid::createUuid().toString(QUuid::WithoutBraces));
        QThreadPool callers;
        callers.setMaxThreadCount(8);
        QList<QFuture<int>> calls;
        for (int i = 0; i < 8; ++i) {
            calls.append(QtConcurrent::run(&callers, [this, key] {
                const QString timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
                const QString nonce = QUuid::createUuid().toString(QUuid::WithoutBraces);
                return httpRequest("GET", url(kAuthSeed, "/api/v1/me/api-keys"), {},
                                   {{"X-API-Key", key.id.toLatin1()},
                                    {"X-Signature", hmacHex(key.secret, (timestamp + nonce).toUtf8())},
                                    {"X-Timestamp", timestamp.toLatin1()},
                                    {"X-Nonce", nonce.toLatin1()}},
                                   10000)
                    .status;
            }));
        }
        for (auto &call : calls)
            QCOMPARE(call.result(), 200);
    }

    void verifyEndpointIsForServicesOnly()
    {
        const QByteArray ask = R"({"api_key":"pk_test_00000000000000000000000000000000"})";
        QCOMPARE(httpRequest("POST", url(kAuthSeed, "/internal/v1/signatures/verify"), ask).status, 403);
        const HttpResult asService =
            httpRequest("POST", url(kAuthSeed, "/internal/v1/signatures/verify"), ask,
                        {{"X-PayDesk-Internal-Token", m_secrets.internalToken()}});
        expectRejected(asService, 401, "AUTHENTICATION_FAILED");
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
        QSqlDatabase::removeDatabase("mauth-test");
    }
};

QTEST_GUILESS_MAIN(MerchantAuthServiceTest)
#include "tst_merchant_auth_service.moc"
