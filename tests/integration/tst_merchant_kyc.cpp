// merchant-service and kyc-service in process on a real PostgreSQL and Redis: registration →
// KYC document → review queue → approval → kyc_status verified through kyc.events → activation,
// suspension and reactivation; illegal transitions; document checks; settlement accounts stored
// encrypted; the registration rate limit; approval expiry with a moved clock; audit records;
// and an RBAC matrix generated from both route tables.
//
// merchant-auth-service is not built yet, so this test hosts a fake of it (FakeMerchantAuth):
// its /internal/v1/signatures/verify accepts the API keys the test hands out and answers 401
// otherwise. The signature itself is not checked: that is merchant-auth-service's job.

#include "platform/bus/InProcessEventBus.h"
#include "platform/cache/RedisConnection.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/security/Crypto.h"
#include "services/kyc-service/KycService.h"
#include "services/merchant-service/MerchantService.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace paydesk::platform;
using namespace paydesk::testing;
using namespace paydesk::services;

namespace {
constexpr quint16 kMerchantSeed = 40002;
constexpr quint16 kKycSeed = 40015;

struct ApiKeys
{
    QMutex mutex;
    QHash<QString, QString> merchantByKey;
};

class FakeMerchantAuth : public Service
{
public:
    explicit FakeMerchantAuth(std::shared_ptr<ApiKeys> keys)
        : Service({"merchant-auth-service", 40011, "payment_merchant_auth", "test fake"}),
          m_keys(std::move(keys))
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &) override
    {
        router.add(
            {.method = "POST",
             .pattern = "/internal/v1/signatures/verify",
             .handler =
                 [keys = m_keys](const HttpRequest &request) {
                     const QString key = request.json.object().value("api_key").toString();
                     QMutexLocker lock(&keys->mutex);
                     if (!keys->merchantByKey.contains(key))
                         return Problem::unauthorized("unknown API key").toResponse(request.trace.traceId);
                     return HttpResponse::json(QJsonObject{{"merchant_id", keys->merchantByKey.value(key)},
                                                           {"key_id", "key-" + key},
                                                           {"environment", "test"}});
                 },
             .execution = Execution::ServiceThread,
             .access = Access::Internal,
             .jsonBody = true});
    }

private:
    std::shared_ptr<ApiKeys> m_keys;
};

const QStringList kAdminPermissions{"merchant.create", "merchant.view", "merchant.update", "kyc.view",
                                    "kyc.review"};

QByteArray pngBytes(int size = 64)
{
    QByteArray bytes("\x89PNG\r\n\x1a\n", 8);
    bytes.append(QByteArray(size - 8, 'p'));
    return bytes;
}
QByteArray pdfBytes()
{
    return QByteArray("%PDF-1.7\n%test document\n");
}
} // namespace

class MerchantKycTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-merchant-kyc-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::shared_ptr<ApiKeys> m_keys = std::make_shared<ApiKeys>();
    std::shared_ptr<std::atomic<qint64>> m_clockOffsetDays = std::make_shared<std::atomic<qint64>>(0);
    quint16 m_base = 0;
    QByteArray m_token;
    int m_registrations = 0;

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    HttpResult admin(const QByteArray &method, quint16 seed, const QString &path,
                     const QJsonObject &body = {}, const QByteArray &token = {})
    {
        const QByteArray payload =
            method == "GET" || method == "DELETE" ? QByteArray() : QJsonDocument(body).toJson();
        return httpRequest(method, url(seed, path), payload,
                           {{"Authorization", "Bearer " + (token.isEmpty() ? m_token : token)},
                            {"Content-Type", "application/json"}},
                           20000);
    }
    HttpResult asMerchant(const QByteArray &method, quint16 seed, const QString &path, const QString &apiKey,
                          const QJsonObject &body = {})
    {
        const QByteArray payload = method == "GET" ? QByteArray() : QJsonDocument(body).toJson();
        return httpRequest(method, url(seed, path), payload,
                           {{"X-API-Key", apiKey.toLatin1()},
                            {"X-Signature", "00"},
                            {"X-Timestamp", "now"},
                            {"X-Nonce", "n"},
                            {"Content-Type", "application/json"}},
                           20000);
    }
    QJsonObject registrationBody()
    {
        ++m_registrations;
        return {{"name", QStringLiteral("Shop %1").arg(m_registrations)},
                {"email", QStringLiteral("owner%1@shop.example.com").arg(m_registrations)},
                {"business_type", "company"},
                {"company_name", "Shop GmbH"},
                {"country", "DE"},
                {"phone", "+49 30 1234567"},
                {"website", "https://shop.example.com"}};
    }
    QString createMerchant()
    {
        const HttpResult created = admin("POST", kMerchantSeed, "/api/v1/merchants", registrationBody());
        if (created.status != 201)
            qWarning() << created.body;
        return created.json().value("id").toString();
    }
    QString giveApiKey(const QString &merchantId)
    {
        QMutexLocker lock(&m_keys->mutex);
        const QString key = "mk_test_" + QString::number(m_keys->merchantByKey.size() + 1);
        m_keys->merchantByKey.insert(key, merchantId);
        return key;
    }
    static QJsonObject document(const QString &type, const QString &contentType, const QByteArray &bytes)
    {
        return {{"type", type},
                {"content_type", contentType},
                {"file_name", "scan." + contentType.section('/', 1)},
                {"content_base64", QString::fromLatin1(bytes.toBase64())}};
    }
    QString merchantField(const QString &id, const QString &field)
    {
        return admin("GET", kMerchantSeed, "/api/v1/merchants/" + id).json().value(field).toString();
    }

    // A connection to one service database for checks the API cannot show.
    QSqlDatabase database(const QString &name) { return serviceDatabase(m_infra, "check-" + name, name); }
    // Audit records (outbox rows of topic audit.events) for `action` on `resourceId`.
    int audits(const QString &databaseName, const QString &action, const QString &resourceId)
    {
        QSqlQuery query(database(databaseName));
        query.prepare("SELECT count(*) FROM outbox_events WHERE topic = 'audit.events'"
                      " AND payload->>'action' = ? AND payload->>'resource_id' = ?");
        query.addBindValue(action);
        query.addBindValue(resourceId);
        if (!query.exec() || !query.next()) {
            qWarning() << query.lastError().text();
            return -1;
        }
        return query.value(0).toInt();
    }
    QStringList merchantEvents(const QString &merchantId)
    {
        QSqlQuery query(database("payment_merchant"));
        query.prepare("SELECT event_type FROM outbox_events WHERE topic = 'merchant.events' AND aggregate_id "
                      "= ? ORDER BY id");
        query.addBindValue(merchantId);
        QStringList types;
        if (query.exec()) {
            while (query.next())
                types.append(query.value(0).toString());
        }
        return types;
    }
    // Submits an identity document for `merchantId` (admin upload) and approves its case.
    QString verifyKyc(const QString &merchantId)
    {
        const HttpResult uploaded =
            admin("POST", kKycSeed, "/api/v1/merchants/" + merchantId + "/kyc/documents",
                  document("id_card", "image/png", pngBytes()));
        const QString caseId = uploaded.json().value("case").toObject().value("id").toString();
        admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/approve", {{"reason", "documents match"}});
        return caseId;
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
                                     {{"data_dir", m_dir.path() + "/data"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(merchant::createMerchantService(
            {"merchant-service", kMerchantSeed, "payment_merchant", "merchants"}));
        kyc::KycOptions options;
        options.clock = [offset = m_clockOffsetDays] {
            return QDateTime::currentDateTimeUtc().addDays(offset->load());
        };
        options.expirySweepIntervalMs = 300;
        m_host->add(kyc::createKycService({"kyc-service", kKycSeed, "payment_kyc", "kyc"}, options));
        m_host->add(std::make_unique<FakeMerchantAuth>(m_keys));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        m_token = adminToken(m_dir.path(), kAdminPermissions);
        QVERIFY(!m_token.isEmpty());
    }

    void registrationThroughKycToActiveSuspendedAndBack()
    {
        const HttpResult registered = httpRequest("POST", url(kMerchantSeed, "/api/v1/merchants/register"),
                                                  QJsonDocument(registrationBody()).toJson());
        QCOMPARE(registered.status, 201);
        const QString id = registered.json().value("id").toString();
        QCOMPARE(registered.json().value("status").toString(), QStringLiteral("pending"));
        QCOMPARE(registered.json().value("kyc_status").toString(), QStringLiteral("none"));
        QCOMPARE(registered.json().value("tier").toString(), QStringLiteral("starter"));

        // The merchant sees itself through its API key, never through an id it sends.
        const QString key = giveApiKey(id);
        const HttpResult me = asMerchant("GET", kMerchantSeed, "/api/v1/me?merchant_id=someone-else", key);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value("id").toString(), id);
        QCOMPARE(asMerchant("GET", kMerchantSeed, "/api/v1/me", "mk_unknown").status, 401);

        const HttpResult early =
            admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate", {{"reason", "go"}});
        QCOMPARE(early.status, 409);
        QCOMPARE(early.json().value("code").toString(), QStringLiteral("KYC_NOT_VERIFIED"));

        const HttpResult submitted = asMerchant("POST", kKycSeed, "/api/v1/me/kyc/documents", key,
                                                document("passport", "image/png", pngBytes(200)));
        QCOMPARE(submitted.status, 201);
        const QString caseId = submitted.json().value("case").toObject().value("id").toString();
        const QString documentId = submitted.json().value("document").toObject().value("id").toString();
        QCOMPARE(submitted.json().value("case").toObject().value("target_level").toString(),
                 QStringLiteral("intermediate"));
        QTRY_COMPARE_WITH_TIMEOUT(merchantField(id, "kyc_status"), QStringLiteral("pending"), 10000);

        const QJsonArray queue =
            admin("GET", kKycSeed, "/api/v1/kyc/queue?status=pending").json().value("items").toArray();
        QVERIFY(std::any_of(queue.begin(), queue.end(), [&](const QJsonValue &c) {
            return c.toObject().value("id").toString() == caseId;
        }));
        // The reviewer sees whose case it is: the merchant's name from merchant-service.
        for (const QJsonValue &c : queue)
            if (c.toObject().value("id").toString() == caseId)
                QCOMPARE(c.toObject().value("merchant_name").toString(), merchantField(id, "name"));
        const HttpResult detail = admin("GET", kKycSeed, "/api/v1/kyc/cases/" + caseId);
        QCOMPARE(detail.status, 200);
        QCOMPARE(detail.json().value("documents").toArray().size(), 1);
        const HttpResult content = admin("GET", kKycSeed, "/api/v1/kyc/documents/" + documentId + "/content");
        QCOMPARE(content.status, 200);
        QCOMPARE(content.body, pngBytes(200));
        QCOMPARE(content.headers.value("content-type"), QByteArray("image/png"));
        const QByteArray sha = crypto::sha256(pngBytes(200)).toHex();
        QVERIFY(QFile::exists(m_dir.path() + "/data/kyc/" + id + "/" + sha + ".png"));

        const HttpResult approved =
            admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/approve", QJsonObject{});
        QCOMPARE(approved.status, 200);
        QCOMPARE(audits("payment_kyc", "kyc.case.approve", caseId), 1);
        QTRY_COMPARE_WITH_TIMEOUT(merchantField(id, "kyc_status"), QStringLiteral("verified"), 10000);
        QCOMPARE(merchantField(id, "kyc_level"), QStringLiteral("intermediate"));
        const QJsonObject standing = admin("GET", kKycSeed, "/api/v1/merchants/" + id + "/kyc").json();
        QCOMPARE(standing.value("current_level").toString(), QStringLiteral("intermediate"));
        QCOMPARE(standing.value("limits").toObject().value("single_limit_minor").toInteger(), 10'000'000);
        const HttpResult mine = asMerchant("GET", kKycSeed, "/api/v1/me/kyc", key);
        QCOMPARE(mine.status, 200);
        QCOMPARE(mine.json().value("merchant_id").toString(), id);
        QSqlQuery approvedEvent(database("payment_kyc"));
        QVERIFY(approvedEvent.exec("SELECT payload::text FROM outbox_events WHERE topic = 'kyc.events'"
                                   " AND event_type = 'kyc.approved' AND payload->>'case_id' = '" +
                                   caseId + "'"));
        QVERIFY(approvedEvent.next());
        const QJsonObject payload = QJsonDocument::fromJson(approvedEvent.value(0).toByteArray()).object();
        QCOMPARE(payload.value("merchant_id").toString(), id);
        QCOMPARE(payload.value("level").toString(), QStringLiteral("intermediate"));
        QCOMPARE(payload.value("limits").toObject().value("daily_limit_minor").toInteger(), 50'000'000);

        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate",
                       {{"reason", "KYC verified"}})
                     .status,
                 200);
        const HttpResult noReason =
            admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/suspend", QJsonObject{});
        QCOMPARE(noReason.status, 422);
        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/suspend",
                       {{"reason", "chargeback spike"}})
                     .status,
                 200);
        QCOMPARE(merchantField(id, "status"), QStringLiteral("suspended"));
        QCOMPARE(
            admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate", {{"reason", "cleared"}})
                .status,
            200);

        const QJsonObject merchant = admin("GET", kMerchantSeed, "/api/v1/merchants/" + id).json();
        QCOMPARE(merchant.value("status").toString(), QStringLiteral("active"));
        const QJsonArray history = merchant.value("status_history").toArray();
        QCOMPARE(history.size(), 4);
        QCOMPARE(history.at(2).toObject().value("to").toString(), QStringLiteral("suspended"));
        QCOMPARE(history.at(2).toObject().value("reason").toString(), QStringLiteral("chargeback spike"));
        QVERIFY(history.at(2).toObject().value("actor").toString().startsWith("admin:"));
        QCOMPARE(merchantEvents(id), QStringList({"merchant.created", "merchant.activated",
                                                  "merchant.suspended", "merchant.activated"}));
        QCOMPARE(audits("payment_merchant", "merchant.activated", id), 2);
        QCOMPARE(audits("payment_merchant", "merchant.suspended", id), 1);
    }

    void illegalTransitionsAreRefused()
    {
        const QString id = createMerchant();
        QVERIFY(!id.isEmpty());
        QCOMPARE(audits("payment_merchant", "merchant.create", id), 1);
        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/suspend", {{"reason", "x"}})
                     .json()
                     .value("code")
                     .toString(),
                 QStringLiteral("ILLEGAL_TRANSITION"));
        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/reject",
                       {{"reason", "fake documents"}})
                     .status,
                 200);
        QCOMPARE(audits("payment_merchant", "merchant.rejected", id), 1);
        const QByteArray everything = adminToken(m_dir.path(), {"merchant.*", "compliance.override"});
        const HttpResult revived = admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate",
                                         {{"reason", "second chance"}, {"force", true}}, everything);
        QCOMPARE(revived.status, 409);
        QCOMPARE(revived.json().value("code").toString(), QStringLiteral("ILLEGAL_TRANSITION"));
        QCOMPARE(merchantField(id, "status"), QStringLiteral("rejected"));

        // A case can be decided once.
        const QString other = createMerchant();
        const QString caseId = verifyKyc(other);
        const HttpResult again =
            admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/approve", QJsonObject{});
        QCOMPARE(again.status, 409);
        QCOMPARE(again.json().value("code").toString(), QStringLiteral("ILLEGAL_TRANSITION"));
        QCOMPARE(
            admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/reject", {{"reason", "late"}}).status,
            409);
    }

    void forcedActivationNeedsItsOwnPermission()
    {
        const QString id = createMerchant();
        const QJsonObject forced{{"reason", "contract signed, KYC by phone"}, {"force", true}};
        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate", forced).status, 403);
        // An operator's merchant.* does not include the compliance override.
        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate", forced,
                       adminToken(m_dir.path(), {"merchant.*"}))
                     .status,
                 403);
        const QByteArray forcer = adminToken(m_dir.path(), {"merchant.update", "compliance.override"});
        QCOMPARE(admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate", forced, forcer).status,
                 200);
        const QJsonArray history =
            admin("GET", kMerchantSeed, "/api/v1/merchants/" + id).json().value("status_history").toArray();
        QVERIFY(history.last().toObject().value("forced").toBool());
    }

    void rejectedCaseNeedsAReasonAndReachesTheMerchant()
    {
        const QString id = createMerchant();
        const HttpResult other = admin("POST", kKycSeed, "/api/v1/merchants/" + id + "/kyc/documents",
                                       document("other", "application/pdf", pdfBytes()));
        QCOMPARE(other.status, 201);
        const QString documentId = other.json().value("document").toObject().value("id").toString();
        QCOMPARE(audits("payment_kyc", "kyc.document.upload", documentId), 1);
        const QString caseId = other.json().value("case").toObject().value("id").toString();
        const HttpResult unmet =
            admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/approve", QJsonObject{});
        QCOMPARE(unmet.status, 409);
        QCOMPARE(unmet.json().value("code").toString(), QStringLiteral("KYC_REQUIREMENTS_NOT_MET"));
        QCOMPARE(unmet.json().value("missing").toArray().first().toString(),
                 QStringLiteral("id_card|passport"));
        QCOMPARE(admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/reject", QJsonObject{}).status,
                 422);
        QCOMPARE(admin("POST", kKycSeed, "/api/v1/kyc/cases/" + caseId + "/reject",
                       {{"reason", "no identity document"}})
                     .status,
                 200);
        QCOMPARE(audits("payment_kyc", "kyc.case.reject", caseId), 1);
        QTRY_COMPARE_WITH_TIMEOUT(merchantField(id, "kyc_status"), QStringLiteral("rejected"), 10000);
        const HttpResult activate =
            admin("POST", kMerchantSeed, "/api/v1/merchants/" + id + "/activate", {{"reason", "go"}});
        QCOMPARE(activate.json().value("code").toString(), QStringLiteral("KYC_NOT_VERIFIED"));
    }

    void documentsWithWrongMagicOrOversizeAreRefused()
    {
        const QString id = createMerchant();
        const QString path = "/api/v1/merchants/" + id + "/kyc/documents";
        const HttpResult disguised =
            admin("POST", kKycSeed, path, document("passport", "image/png", pdfBytes()));
        QCOMPARE(disguised.status, 422);
        QVERIFY(disguised.body.contains("content_base64"));
        QCOMPARE(admin("POST", kKycSeed, path, document("passport", "image/jpeg", pngBytes())).status, 422);
        QCOMPARE(admin("POST", kKycSeed, path, document("passport", "image/gif", pngBytes())).status, 422);
        QCOMPARE(admin("POST", kKycSeed, path, document("selfie", "image/png", pngBytes())).status, 422);
        QJsonObject notBase64 = document("passport", "image/png", pngBytes());
        notBase64["content_base64"] = "***";
        QCOMPARE(admin("POST", kKycSeed, path, notBase64).status, 422);
        const HttpResult oversize =
            admin("POST", kKycSeed, path, document("passport", "image/png", pngBytes(5 * 1024 * 1024 + 1)));
        QCOMPARE(oversize.status, 422);
        QCOMPARE(admin("POST", kKycSeed, path, document("passport", "image/png", pngBytes(5 * 1024 * 1024)))
                     .status,
                 201);
        const HttpResult unknown = admin(
            "POST", kKycSeed,
            "/api/v1/merchants/" + QUuid::createUuid().toString(QUuid::WithoutBraces) + "/kyc/documents",
            document("passport", "image/png", pngBytes()));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json().value("code").toString(), QStringLiteral("MERCHANT_NOT_FOUND"));
        QVERIFY(QDir(m_dir.path() + "/data/kyc/" + id).entryList(QDir::Files).size() == 1);
    }

    void profileAndTierUpdatesAreAuditedAndAnnounced()
    {
        const QString other = createMerchant();
        const QString otherEmail = merchantField(other, "email");
        const QString id = createMerchant();
        const QString name = merchantField(id, "name");
        const HttpResult updated = admin("PATCH", kMerchantSeed, "/api/v1/merchants/" + id,
                                         {{"tier", "business"}, {"website", "https://new.example.com"}});
        QCOMPARE(updated.status, 200);
        QCOMPARE(updated.json().value("tier").toString(), QStringLiteral("business"));
        QCOMPARE(audits("payment_merchant", "merchant.update", id), 1);
        QCOMPARE(merchantEvents(id), QStringList({"merchant.created", "merchant.tier_changed"}));
        QCOMPARE(admin("PATCH", kMerchantSeed, "/api/v1/merchants/" + id, {{"country", "Germany"}}).status,
                 422);
        QCOMPARE(admin("PATCH", kMerchantSeed, "/api/v1/merchants/" + id, {{"status", "active"}}).status,
                 422);
        QCOMPARE(merchantField(id, "status"), QStringLiteral("pending"));
        QJsonObject duplicate = registrationBody();
        duplicate["email"] = otherEmail.toUpper();
        const HttpResult taken = admin("POST", kMerchantSeed, "/api/v1/merchants", duplicate);
        QCOMPARE(taken.status, 409);
        QCOMPARE(taken.json().value("code").toString(), QStringLiteral("EMAIL_TAKEN"));
        QSqlQuery tierEvent(database("payment_merchant"));
        QVERIFY(tierEvent.exec(
            "SELECT payload::text FROM outbox_events WHERE event_type = 'merchant.tier_changed'"
            " AND aggregate_id = '" +
            id + "'"));
        QVERIFY(tierEvent.next());
        const QJsonObject changed = QJsonDocument::fromJson(tierEvent.value(0).toByteArray()).object();
        QCOMPARE(changed.value("merchant_id").toString(), id);
        QCOMPARE(changed.value("tier").toString(), QStringLiteral("business"));
        QCOMPARE(changed.value("previous_tier").toString(), QStringLiteral("starter"));
        QCOMPARE(changed.value("status").toString(), QStringLiteral("pending"));
        QCOMPARE(admin("PATCH", kMerchantSeed, "/api/v1/merchants/" + id, {{"email", otherEmail}}).status,
                 409);
        const QJsonArray found =
            admin("GET", kMerchantSeed, "/api/v1/merchants?tier=business&q=" + QUrl::toPercentEncoding(name))
                .json()
                .value("items")
                .toArray();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().toObject().value("id").toString(), id);
        QCOMPARE(admin("GET", kMerchantSeed, "/api/v1/merchants?status=bogus").status, 422);
        const QJsonObject filtered =
            admin("GET", kMerchantSeed, "/api/v1/merchants?tier=business&page_size=100").json();
        QVERIFY(filtered.value("total").toInt() >= 1);
        for (const QJsonValue &item : filtered.value("items").toArray())
            QCOMPARE(item.toObject().value("tier").toString(), QStringLiteral("business"));
        QCOMPARE(
            admin("GET", kMerchantSeed, "/api/v1/merchants?status=rejected")
                .json()
                .value("items")
                .toArray()
                .size(),
            admin("GET", kMerchantSeed, "/api/v1/merchants?status=rejected").json().value("total").toInt());
    }

    void settlementAccountNumbersAreStoredEncrypted()
    {
        const QString id = createMerchant();
        const QString base = "/api/v1/merchants/" + id + "/bank-accounts";
        const QString iban = "DE89370400440532013000";
        const HttpResult created = admin("POST", kMerchantSeed, base,
                                         {{"account_holder", "Shop GmbH"},
                                          {"iban", "DE89 3704 0044 0532 0130 00"},
                                          {"currency", "EUR"},
                                          {"is_default", true}});
        QCOMPARE(created.status, 201);
        QVERIFY(!created.body.contains(iban.toLatin1()));
        QCOMPARE(created.json().value("account_number_masked").toString(), QStringLiteral("DE89****3000"));
        const QString accountId = created.json().value("id").toString();
        QCOMPARE(audits("payment_merchant", "merchant.bank_account.create", accountId), 1);

        QSqlQuery query(database("payment_merchant"));
        query.prepare("SELECT account_number_encrypted FROM merchant_bank_accounts WHERE id = ?::uuid");
        query.addBindValue(accountId);
        QVERIFY(query.exec() && query.next());
        const QByteArray sealed = query.value(0).toByteArray();
        QVERIFY(!sealed.contains(iban.toLatin1()) && !sealed.contains("0532013000"));
        ServerSecrets secrets;
        QString error;
        QVERIFY(ServerSecrets::loadOrCreate(m_dir.path() + "/secrets", &secrets, &error));
        QByteArray plain;
        QVERIFY(crypto::decrypt(secrets.masterKey, sealed, &plain));
        QCOMPARE(plain, iban.toLatin1());
        QSqlQuery outbox(database("payment_merchant"));
        QVERIFY(outbox.exec("SELECT count(*) FROM outbox_events WHERE payload::text LIKE '%0532013000%'") &&
                outbox.next());
        QCOMPARE(outbox.value(0).toInt(), 0);

        QCOMPARE(admin("POST", kMerchantSeed, base,
                       {{"account_holder", "Shop"}, {"account_number", "123456789"}, {"currency", "USD"}})
                     .status,
                 422);
        const HttpResult domestic = admin("POST", kMerchantSeed, base,
                                          {{"account_holder", "Shop"},
                                           {"account_number", "123456789"},
                                           {"bank_code", "021000021"},
                                           {"currency", "USD"},
                                           {"is_default", true}});
        QCOMPARE(domestic.status, 201);
        QCOMPARE(admin("POST", kMerchantSeed, base,
                       {{"account_holder", "Shop"}, {"iban", "DE88370400440532013000"}, {"currency", "EUR"}})
                     .status,
                 422);
        const QJsonArray accounts = admin("GET", kMerchantSeed, base).json().value("items").toArray();
        QCOMPARE(accounts.size(), 2);
        QVERIFY(!accounts.at(0).toObject().value("is_default").toBool()); // the second default took over
        QVERIFY(accounts.at(1).toObject().value("is_default").toBool());
        QCOMPARE(admin("PATCH", kMerchantSeed, base + "/" + accountId, {{"is_default", true}}).status, 200);
        QCOMPARE(audits("payment_merchant", "merchant.bank_account.update", accountId), 1);
        QCOMPARE(admin("DELETE", kMerchantSeed, base + "/" + accountId).status, 204);
        QCOMPARE(audits("payment_merchant", "merchant.bank_account.delete", accountId), 1);
        QCOMPARE(admin("GET", kMerchantSeed, base).json().value("items").toArray().size(), 1);
    }

    void registrationIsRateLimitedPerAddress()
    {
        QString error;
        RedisConnection redis(RedisUrl::parse(m_infra.redisUrl(), &error));
        QVariant keys;
        QVERIFY(redis.command({"KEYS", "merchant-service:register:*"}, &keys, &error));
        QVariant deleted;
        for (const QVariant &key : keys.toList())
            QVERIFY(redis.command({"DEL", key.toByteArray()}, &deleted, &error));
        for (int i = 0; i < 10; ++i) {
            const HttpResult r = httpRequest("POST", url(kMerchantSeed, "/api/v1/merchants/register"),
                                             QJsonDocument(registrationBody()).toJson());
            QCOMPARE(r.status, 201);
        }
        const HttpResult refused = httpRequest("POST", url(kMerchantSeed, "/api/v1/merchants/register"),
                                               QJsonDocument(registrationBody()).toJson());
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.json().value("code").toString(), QStringLiteral("RATE_LIMITED"));
        QVERIFY(refused.headers.value("retry-after").toInt() > 0);
    }

    // Every admin route of both services, from their route tables: no token → 401, a token
    // without the route's permission → 403, the permission → neither (the handler ran).
    void rbacMatrixOverEveryAdminRoute()
    {
        const QByteArray unrelated = adminToken(m_dir.path(), {"dispute.view", "merchant.export"});
        const QString someId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        int checked = 0;
        for (const char *service : {"merchant-service", "kyc-service"}) {
            ServiceRuntime *runtime = m_host->runtime(service);
            QVERIFY(runtime);
            const quint16 seed = runtime->descriptor().seedPort;
            for (const Route &route : runtime->router().routes()) {
                if (route.access != Access::Admin || !route.pattern.startsWith("/api/"))
                    continue; // the platform's own admin routes are tested with the platform
                QString path = route.pattern;
                path.replace(QRegularExpression("\\{[a-z_]+\\}"), someId);
                const QByteArray body = route.jsonBody ? QByteArray("{\"reason\":\"rbac\"}") : QByteArray();
                const QString what = QString::fromLatin1(route.method) + ' ' + route.pattern;
                const HttpResult anonymous = httpRequest(route.method, url(seed, path), body);
                QVERIFY2(anonymous.status == 401,
                         qPrintable(what + " anonymous: " + QString::number(anonymous.status)));
                const HttpResult forbidden = httpRequest(route.method, url(seed, path), body,
                                                         {{"Authorization", "Bearer " + unrelated}});
                QVERIFY2(forbidden.status == 403,
                         qPrintable(what + " unrelated: " + QString::number(forbidden.status)));
                const QByteArray permitted = adminToken(m_dir.path(), {route.permission});
                const HttpResult allowed = httpRequest(route.method, url(seed, path), body,
                                                       {{"Authorization", "Bearer " + permitted}}, 20000);
                QVERIFY2(
                    allowed.status >= 200 && allowed.status < 500 && allowed.status != 401 &&
                        allowed.status != 403,
                    qPrintable(what + " permitted: " + QString::number(allowed.status) + " " + allowed.body));
                ++checked;
            }
            for (const Route &route : runtime->router().routes()) {
                if (route.access != Access::Merchant)
                    continue;
                const HttpResult unsigned_ =
                    httpRequest(route.method, url(seed, route.pattern), route.jsonBody ? "{}" : QByteArray());
                QVERIFY2(unsigned_.status == 401,
                         qPrintable(route.pattern + " unsigned: " + QString::number(unsigned_.status)));
            }
        }
        QCOMPARE(checked, 19);
    }

    // kyc.events are delivered at least once: a redelivered event must not apply again.
    void redeliveredKycEventIsAppliedOnce()
    {
        const QString id = createMerchant();
        auto deliver = [&](const QUuid &eventId, const QString &type) {
            Event event{.eventId = eventId,
                        .topic = "kyc.events",
                        .type = type,
                        .aggregateType = "merchant_kyc",
                        .aggregateId = id,
                        .payload = {{"merchant_id", id}, {"current_level", "basic"}}};
            QFuture<bool> ack = m_bus->publish(event);
            QTRY_VERIFY_WITH_TIMEOUT(ack.isFinished(), 5000);
            QVERIFY(ack.result());
        };
        const QUuid rejection = QUuid::createUuid();
        deliver(rejection, "kyc.rejected");
        QCOMPARE(merchantField(id, "kyc_status"), QStringLiteral("rejected"));
        deliver(QUuid::createUuid(), "kyc.submitted");
        QCOMPARE(merchantField(id, "kyc_status"), QStringLiteral("pending"));
        deliver(rejection, "kyc.rejected");
        QCOMPARE(merchantField(id, "kyc_status"), QStringLiteral("pending"));
        // An event about a merchant this service does not know is acknowledged, not retried forever.
        Event stray{.eventId = QUuid::createUuid(),
                    .topic = "kyc.events",
                    .type = "kyc.approved",
                    .aggregateType = "merchant_kyc",
                    .aggregateId = "x",
                    .payload = {{"merchant_id", QUuid::createUuid().toString(QUuid::WithoutBraces)}}};
        QFuture<bool> ack = m_bus->publish(stray);
        QTRY_VERIFY_WITH_TIMEOUT(ack.isFinished(), 5000);
        QVERIFY(ack.result());
    }

    // Last: moves the KYC clock a year ahead, which expires every approval made so far.
    void approvalsExpireAfterAYear()
    {
        const QString id = createMerchant();
        const QString caseId = verifyKyc(id);
        QTRY_COMPARE_WITH_TIMEOUT(merchantField(id, "kyc_status"), QStringLiteral("verified"), 10000);
        m_clockOffsetDays->store(366);
        QTRY_COMPARE_WITH_TIMEOUT(merchantField(id, "kyc_status"), QStringLiteral("expired"), 10000);
        QCOMPARE(admin("GET", kKycSeed, "/api/v1/kyc/cases/" + caseId).json().value("status").toString(),
                 QStringLiteral("expired"));
        QCOMPARE(admin("GET", kKycSeed, "/api/v1/merchants/" + id + "/kyc")
                     .json()
                     .value("current_level")
                     .toString(),
                 QStringLiteral("basic"));
        QCOMPARE(merchantField(id, "kyc_level"), QStringLiteral("basic"));
        m_clockOffsetDays->store(0);
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(MerchantKycTest)
#include "tst_merchant_kyc.moc"
