// risk-service and order-service in process on a real PostgreSQL and Redis: the risk check (clean,
// blacklist, velocity, device anomalies, geography, large amounts, rules by priority with cache
// invalidation), a second host whose Redis is down, stored checks and metrics; orders created,
// replayed and refused, legal and illegal transitions, refunds, concurrent pay vs cancel, logs and
// order.events; the RBAC matrix of every admin route and the audit events of admin changes.

#include "services/order-service/OrderService.h"
#include "services/risk-service/RiskService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/cache/RedisConnection.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/rpc/ServiceClient.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QMutex>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace risk = paydesk::services::risk;
namespace orders = paydesk::services::orders;

namespace {
// Records order.events as a consumer would.
class CollectorService : public Service
{
public:
    struct Seen
    {
        QMutex mutex;
        QList<Event> events;
    };
    CollectorService(quint16 seedPort, std::shared_ptr<Seen> seen)
        : Service({"collector", seedPort, "paydesk_test_collector", "test service"}), m_seen(std::move(seen))
    {
    }
    QList<QPair<QString, QString>> consumedTopics() const override { return {{"order.events", "collector"}}; }
    void onReady(ServiceRuntime &runtime) override
    {
        runtime.environment().bus->subscribe("order.events", "collector", &runtime,
                                             [seen = m_seen](const Event &event) {
                                                 QMutexLocker lock(&seen->mutex);
                                                 seen->events.append(event);
                                                 return true;
                                             });
    }

private:
    std::shared_ptr<Seen> m_seen;
};

constexpr quint16 kOrderSeed = 40004;
constexpr quint16 kRiskSeed = 40006;

} // namespace

class RiskOrdersTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-riskorders-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<ServiceClient> m_gateway; // internal calls, as payment-gateway makes them
    // A second host with risk-service only, on the same database but with Redis unreachable.
    std::unique_ptr<InProcessEventBus> m_downBus;
    std::unique_ptr<ServiceHost> m_downHost;
    std::unique_ptr<ServiceClient> m_downGateway;
    std::shared_ptr<CollectorService::Seen> m_seen = std::make_shared<CollectorService::Seen>();
    quint16 m_base = 0;

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)},
                {"Content-Type", "application/json"}};
    }
    HttpResult riskAdmin(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return httpRequest(method, url(kRiskSeed, path),
                           body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact),
                           admin({"risk.view", "risk.manage"}));
    }
    static HttpResponse call(const ServiceClient &client, const QString &service, const QString &path,
                             const QJsonObject &body)
    {
        CallOptions options;
        options.timeoutMs = 30000;
        return client.callSync(service, "POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                               options);
    }
    QJsonObject check(const QJsonObject &fields, ServiceClient *client = nullptr)
    {
        QJsonObject body{{"merchant_id", "m-risk"},
                         {"payment_no", "PY-TEST"},
                         {"amount_minor", 1000},
                         {"currency", "USD"}};
        for (auto it = fields.begin(); it != fields.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResponse response =
            call(client ? *client : *m_gateway, "risk-service", "/internal/v1/risk/check", body);
        if (response.status != 200)
            qWarning() << "risk check answered" << response.status << response.body;
        return response.jsonObject();
    }
    static QStringList reasons(const QJsonObject &check)
    {
        QStringList out;
        for (const QJsonValue &reason : check.value("reasons").toArray())
            out.append(reason.toString());
        return out;
    }
    HttpResponse order(const QString &merchant, const QString &orderNo, const QString &action,
                       const QJsonObject &body = {})
    {
        return call(*m_gateway, "order-service",
                    QString("/internal/v1/orders/%1/%2/%3").arg(merchant, orderNo, action), body);
    }
    HttpResponse createOrder(const QString &merchant, const QString &orderNo, const QString &paymentNo,
                             qint64 amount = 1000, const QJsonObject &extra = {})
    {
        QJsonObject body{{"merchant_id", merchant},
                         {"order_no", orderNo},
                         {"payment_no", paymentNo},
                         {"amount_minor", amount},
                         {"currency", "USD"}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        return call(*m_gateway, "order-service", "/internal/v1/orders", body);
    }
    QSqlDatabase database(const QString &name) { return serviceDatabase(m_infra, "test-" + name, name); }
    qint64 count(const QString &databaseName, const QString &sql)
    {
        QSqlQuery q(database(databaseName));
        if (!q.exec(sql) || !q.next()) {
            qWarning() << "query failed" << sql << q.lastError().text();
            return -1;
        }
        return q.value(0).toLongLong();
    }
    QList<QJsonObject> auditEvents(const QString &databaseName)
    {
        QSqlQuery q(database(databaseName));
        q.exec("SELECT payload::text FROM outbox_events WHERE topic = 'audit.events' ORDER BY id");
        QList<QJsonObject> events;
        while (q.next())
            events.append(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
        return events;
    }
    QStringList eventTypes(const QString &aggregateId)
    {
        QMutexLocker lock(&m_seen->mutex);
        QStringList types;
        for (const Event &event : std::as_const(m_seen->events)) {
            if (event.aggregateId == aggregateId)
                types.append(event.type);
        }
        return types;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        const QHash<QString, QString> settings{{"workers_per_service", "16"}};
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, m_dir.path(), m_base, m_bus.get(), &env, &error, settings),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(orders::createOrderService({"order-service", kOrderSeed, "payment_order", "orders"}));
        m_host->add(risk::createRiskService({"risk-service", kRiskSeed, "payment_risk", "risk"}));
        m_host->add(std::make_unique<CollectorService>(40103, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        m_gateway = std::make_unique<ServiceClient>(m_host->directory(), "payment-gateway");

        // Nobody listens on this port: every Redis command of the second host fails at once.
        const QString deadRedis = QStringLiteral("redis://127.0.0.1:%1").arg(freePort());
        m_downBus = std::make_unique<InProcessEventBus>();
        HostEnvironment down;
        QVERIFY2(makeHostEnvironment(m_infra.databaseUrl(), deadRedis, m_dir.path() + "/down", freeBasePort(),
                                     m_downBus.get(), &down, &error, settings),
                 qPrintable(error));
        down.secrets = env.secrets; // one installation
        m_downHost = std::make_unique<ServiceHost>(down);
        m_downHost->add(risk::createRiskService({"risk-service", kRiskSeed, "payment_risk", "risk"}));
        m_downHost->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_downHost->allReady(), 60000);
        m_downGateway = std::make_unique<ServiceClient>(m_downHost->directory(), "payment-gateway");
    }

    // ---- risk-service ----

    void cleanCheckPassesAndIsStored()
    {
        const QJsonObject result = check({{"merchant_id", "m-clean"}, {"payment_no", "PY-CLEAN-1"}});
        QCOMPARE(result.value("risk_score").toInt(), 0);
        QCOMPARE(result.value("risk_level").toString(), QStringLiteral("low"));
        QCOMPARE(result.value("decision").toString(), QStringLiteral("pass"));
        QVERIFY(reasons(result).isEmpty());
        const QString id = result.value("check_id").toString();
        QVERIFY(!QUuid::fromString(id).isNull());
        QCOMPARE(count("payment_risk", "SELECT count(*) FROM risk_checks WHERE id = '" + id +
                                           "' AND decision = 'pass' AND factors ? 'velocity'"),
                 1);
        const HttpResponse bad = call(*m_gateway, "risk-service", "/internal/v1/risk/check",
                                      {{"merchant_id", "m"}, {"currency", "usd"}});
        QCOMPARE(bad.status, 422);
    }

    void blacklistedValueIsRejectedUntilRemoved()
    {
        const HttpResult added = riskAdmin(
            "POST", "/api/v1/risk/blacklist",
            {{"entity_type", "email"}, {"entity_value", " Evil@Example.com"}, {"reason", "chargebacks"}});
        QCOMPARE(added.status, 201);
        QCOMPARE(added.json().value("entity_value").toString(), QStringLiteral("evil@example.com"));
        const qint64 id = added.json().value("id").toInteger();
        QCOMPARE(riskAdmin("POST", "/api/v1/risk/blacklist",
                           {{"entity_type", "email"}, {"entity_value", "evil@example.com"}})
                     .json()
                     .value("code")
                     .toString(),
                 QStringLiteral("BLACKLIST_EXISTS"));
        QCOMPARE(
            riskAdmin("POST", "/api/v1/risk/blacklist", {{"entity_type", "colour"}, {"entity_value", "x"}})
                .status,
            422);

        const QJsonObject rejected = check(
            {{"merchant_id", "m-bl"}, {"customer_email", "EVIL@example.com"}, {"payment_no", "PY-BL-1"}});
        QCOMPARE(rejected.value("risk_score").toInt(), 100);
        QCOMPARE(rejected.value("risk_level").toString(), QStringLiteral("critical"));
        QCOMPARE(rejected.value("decision").toString(), QStringLiteral("reject"));
        QCOMPARE(reasons(rejected), QStringList{"blacklist_email"});

        const HttpResult probe = riskAdmin(
            "GET", "/api/v1/risk/blacklist/check?entity_type=email&entity_value=Evil%40example.com");
        QCOMPARE(probe.status, 200);
        QCOMPARE(probe.json().value("blacklisted").toBool(), true);
        const HttpResult listed = riskAdmin("GET", "/api/v1/risk/blacklist?entity_type=email&status=active");
        QCOMPARE(listed.json().value("total").toInteger(), 1);

        // Other entity types: a device and a card BIN.
        QCOMPARE(riskAdmin("POST", "/api/v1/risk/blacklist",
                           {{"entity_type", "card_bin"}, {"entity_value", "666666"}})
                     .status,
                 201);
        QCOMPARE(reasons(check({{"merchant_id", "m-bl"}, {"card_bin", "666666"}})),
                 QStringList{"blacklist_card_bin"});

        QCOMPARE(riskAdmin("DELETE", QString("/api/v1/risk/blacklist/%1").arg(id)).status, 204);
        QCOMPARE(riskAdmin("DELETE", QString("/api/v1/risk/blacklist/%1").arg(id)).status, 404);
        QCOMPARE(check({{"merchant_id", "m-bl"}, {"customer_email", "evil@example.com"}})
                     .value("decision")
                     .toString(),
                 QStringLiteral("pass"));
        QCOMPARE(riskAdmin("GET", "/api/v1/risk/blacklist?status=removed").json().value("total").toInteger(),
                 1);
    }

    void expiredBlacklistEntriesNoLongerBlock()
    {
        QSqlQuery q(database("payment_risk"));
        QVERIFY(q.exec("INSERT INTO blacklist (entity_type, entity_value, expires_at) VALUES ('ip', "
                       "'203.0.113.250', now() - interval '1 minute')"));
        QCOMPARE(
            check({{"merchant_id", "m-exp"}, {"customer_ip", "203.0.113.250"}}).value("decision").toString(),
            QStringLiteral("pass"));
        QCOMPARE(riskAdmin("GET", "/api/v1/risk/blacklist/check?entity_type=ip&entity_value=203.0.113.250")
                     .json()
                     .value("blacklisted")
                     .toBool(),
                 false);
        // Adding it again retires the expired row instead of conflicting with it.
        const HttpResult again = riskAdmin("POST", "/api/v1/risk/blacklist",
                                           {{"entity_type", "ip"},
                                            {"entity_value", "203.0.113.250"},
                                            {"expires_at", "2999-01-01T00:00:00Z"}});
        QCOMPARE(again.status, 201);
        QCOMPARE(reasons(check({{"merchant_id", "m-exp"}, {"customer_ip", "203.0.113.250"}})),
                 QStringList{"blacklist_ip"});
        QCOMPARE(
            riskAdmin(
                "POST", "/api/v1/risk/blacklist",
                {{"entity_type", "ip"}, {"entity_value", "1.2.3.4"}, {"expires_at", "2001-01-01T00:00:00Z"}})
                .status,
            422);
        QCOMPARE(count("payment_risk",
                       "SELECT count(*) FROM blacklist WHERE entity_value = '203.0.113.250' AND "
                       "status = 'removed' AND removed_by = 'expiry'"),
                 1);
    }

    void velocityTripsAfterTheThreshold()
    {
        // IP: more than 10 per minute.
        for (int i = 1; i <= 10; ++i)
            QVERIFY2(!reasons(check({{"merchant_id", "m-vel"}, {"customer_ip", "198.51.100.77"}}))
                          .contains("velocity_ip"),
                     qPrintable(QString::number(i)));
        const QJsonObject eleventh = check({{"merchant_id", "m-vel"}, {"customer_ip", "198.51.100.77"}});
        QCOMPARE(reasons(eleventh), QStringList{"velocity_ip"});
        QCOMPARE(eleventh.value("risk_score").toInt(), 15);
        QCOMPARE(eleventh.value("decision").toString(), QStringLiteral("pass")); // 15 is still low
        QString error;
        RedisConnection redis(RedisUrl::parse(m_infra.redisUrl(), &error));
        QVariant ttl;
        QVERIFY2(redis.command({"TTL", "risk:freq:ip:198.51.100.77"}, &ttl, &error), qPrintable(error));
        QVERIFY2(ttl.toLongLong() >= 1 && ttl.toLongLong() <= 60, qPrintable(ttl.toString())); // the window
        QVariant hits;
        QVERIFY(redis.command({"GET", "risk:freq:ip:198.51.100.77"}, &hits, &error));
        QCOMPARE(hits.toString(), QStringLiteral("11"));
        // E-mail: more than 5 per 10 minutes, on top of a large amount → 35, medium, review.
        for (int i = 1; i <= 5; ++i)
            QVERIFY(!reasons(check({{"merchant_id", "m-vel2"}, {"customer_email", "fast@example.com"}}))
                         .contains("velocity_email"));
        const QJsonObject sixth = check(
            {{"merchant_id", "m-vel2"}, {"customer_email", "fast@example.com"}, {"amount_minor", 1'000'001}});
        QCOMPARE(reasons(sixth), QStringList({"large_amount", "velocity_email"}));
        QCOMPARE(sixth.value("risk_score").toInt(), 35);
        QCOMPARE(sixth.value("risk_level").toString(), QStringLiteral("medium"));
        QCOMPARE(sixth.value("decision").toString(), QStringLiteral("review"));
    }

    void oneDeviceWithManyEmailsIsAnAnomaly()
    {
        for (int i = 1; i <= 5; ++i)
            QVERIFY(reasons(check({{"merchant_id", "m-dev"},
                                   {"device_id", "dev-1"},
                                   {"customer_email", QString("user%1@example.com").arg(i)}}))
                        .isEmpty());
        const QJsonObject sixth = check(
            {{"merchant_id", "m-dev"}, {"device_id", "dev-1"}, {"customer_email", "user6@example.com"}});
        QCOMPARE(reasons(sixth), QStringList{"device_many_emails"});
        QCOMPARE(sixth.value("risk_score").toInt(), 10);
    }

    void oneDeviceSeenFromManyIpsIsAnAnomaly()
    {
        for (int i = 1; i <= 20; ++i)
            QVERIFY(!reasons(check({{"merchant_id", "m-dev2"},
                                    {"device_id", "dev-2"},
                                    {"customer_ip", QString("192.0.2.%1").arg(i)}}))
                         .contains("device_many_ips"));
        const QJsonObject next =
            check({{"merchant_id", "m-dev2"}, {"device_id", "dev-2"}, {"customer_ip", "192.0.2.21"}});
        QCOMPARE(reasons(next), QStringList{"device_many_ips"});
    }

    void thresholdsChangeThroughSettingsAtOnce()
    {
        QCOMPARE(riskAdmin("PUT", "/api/v1/risk/settings", {{"velocity_ip_max", 2}}).status, 200);
        QCOMPARE(riskAdmin("PUT", "/api/v1/risk/settings", {{"velocity_typo_max", 2}}).status, 422);
        QCOMPARE(riskAdmin("PUT", "/api/v1/risk/settings", {{"velocity_ip_window_s", 0}}).status, 422);
        QCOMPARE(riskAdmin("PUT", "/api/v1/risk/settings", {{"velocity_ip_max", -1}}).status, 422);
        for (int i = 1; i <= 2; ++i)
            QVERIFY(reasons(check({{"merchant_id", "m-set"}, {"customer_ip", "198.51.100.200"}})).isEmpty());
        QCOMPARE(reasons(check({{"merchant_id", "m-set"}, {"customer_ip", "198.51.100.200"}})),
                 QStringList{"velocity_ip"});
        QCOMPARE(riskAdmin("PUT", "/api/v1/risk/settings", {{"velocity_ip_max", 10}}).status, 200);
        QVERIFY(reasons(check({{"merchant_id", "m-set"}, {"customer_ip", "198.51.100.200"}}))
                    .isEmpty()); // 4th of 10
        bool found = false;
        for (const QJsonValue &setting :
             riskAdmin("GET", "/api/v1/risk/settings").json().value("items").toArray()) {
            if (setting.toObject().value("name").toString() == "velocity_ip_max") {
                QCOMPARE(setting.toObject().value("value").toInteger(), 10);
                found = true;
            }
        }
        QVERIFY(found);
    }

    void geographyAddsTenOnce()
    {
        const QJsonObject iran =
            check({{"merchant_id", "m-geo"}, {"ip_country", "IR"}, {"card_country", "CU"}});
        QCOMPARE(reasons(iran), QStringList({"geo_high_risk_ip_country", "geo_high_risk_card_country"}));
        QCOMPARE(iran.value("risk_score").toInt(), 10);
        const QJsonObject tor = check({{"merchant_id", "m-geo"}, {"customer_ip", "185.220.101.9"}});
        QCOMPARE(reasons(tor), QStringList{"geo_tor_exit"});
        QCOMPARE(check({{"merchant_id", "m-geo"}, {"ip_country", "US"}}).value("risk_score").toInt(), 0);
    }

    void rulesDecideByPriorityAndChangesApplyAtOnce()
    {
        const HttpResult review = riskAdmin("POST", "/api/v1/risk/rules",
                                            {{"name", "JPY review"},
                                             {"priority", 20},
                                             {"conditions", QJsonObject{{"currency", "jpy"}}},
                                             {"action", "review"}});
        QCOMPARE(review.status, 201);
        QCOMPARE(review.json().value("conditions").toObject().value("currency").toString(),
                 QStringLiteral("JPY"));
        const HttpResult reject =
            riskAdmin("POST", "/api/v1/risk/rules",
                      {{"name", "big JPY"},
                       {"priority", 10},
                       {"conditions", QJsonObject{{"currency", "JPY"}, {"amount_min", 5000}}},
                       {"action", "reject"}});
        QCOMPARE(reject.status, 201);
        const qint64 reviewId = review.json().value("id").toInteger();
        const qint64 rejectId = reject.json().value("id").toInteger();
        QCOMPARE(
            riskAdmin("POST", "/api/v1/risk/rules",
                      {{"name", "x"}, {"conditions", QJsonObject{{"colour", "red"}}}, {"action", "review"}})
                .status,
            422);
        QCOMPARE(riskAdmin("POST", "/api/v1/risk/rules",
                           {{"name", "x"}, {"conditions", QJsonObject{}}, {"action", "block"}})
                     .status,
                 422);

        auto jpy = [&](qint64 amount) {
            return check({{"merchant_id", "m-rule"}, {"currency", "JPY"}, {"amount_minor", amount}});
        };
        QJsonObject big = jpy(6000);
        QCOMPARE(big.value("decision").toString(), QStringLiteral("reject"));
        QCOMPARE(big.value("risk_score").toInt(), 50);
        QCOMPARE(reasons(big), QStringList{"rule_reject"});
        QCOMPARE(big.value("matched_rule").toObject().value("id").toInteger(), rejectId);
        const QJsonObject small = jpy(100);
        QCOMPARE(small.value("decision").toString(), QStringLiteral("review"));
        QCOMPARE(small.value("risk_score").toInt(), 25);
        QCOMPARE(small.value("matched_rule").toObject().value("id").toInteger(), reviewId);
        QCOMPARE(check({{"merchant_id", "m-rule"}}).value("decision").toString(), QStringLiteral("pass"));

        // Disabling, enabling, replacing and deleting take effect on the next check of every worker.
        QCOMPARE(riskAdmin("POST", QString("/api/v1/risk/rules/%1/disable").arg(rejectId)).status, 200);
        for (int i = 0; i < 20; ++i) // many workers, each with its own cache
            QCOMPARE(jpy(6000).value("decision").toString(), QStringLiteral("review"));
        QCOMPARE(riskAdmin("POST", QString("/api/v1/risk/rules/%1/enable").arg(rejectId)).status, 200);
        QCOMPARE(jpy(6000).value("decision").toString(), QStringLiteral("reject"));
        const HttpResult replaced = riskAdmin("PUT", QString("/api/v1/risk/rules/%1").arg(reviewId),
                                              {{"name", "JPY reject"},
                                               {"priority", 30},
                                               {"conditions", QJsonObject{{"currency", "JPY"}}},
                                               {"action", "reject"}});
        QCOMPARE(replaced.status, 200);
        QCOMPARE(jpy(100).value("decision").toString(), QStringLiteral("reject"));
        QCOMPARE(riskAdmin("GET", "/api/v1/risk/rules").json().value("items").toArray().size(), 2);
        QCOMPARE(riskAdmin("DELETE", QString("/api/v1/risk/rules/%1").arg(reviewId)).status, 204);
        QCOMPARE(riskAdmin("GET", QString("/api/v1/risk/rules/%1").arg(reviewId)).status, 404);
        QCOMPARE(jpy(100).value("decision").toString(), QStringLiteral("pass"));
        QCOMPARE(riskAdmin("DELETE", QString("/api/v1/risk/rules/%1").arg(rejectId)).status, 204);
    }

    void redisDownStillAnswersAndStillBlocksBlacklistedValues()
    {
        const QJsonObject clean =
            check({{"merchant_id", "m-down"}, {"customer_ip", "192.0.2.1"}}, m_downGateway.get());
        QCOMPARE(clean.value("decision").toString(), QStringLiteral("pass"));
        QCOMPARE(reasons(clean), QStringList{"velocity_unavailable"});
        QCOMPARE(riskAdmin("POST", "/api/v1/risk/blacklist",
                           {{"entity_type", "device"}, {"entity_value", "dev-bad"}})
                     .status,
                 201);
        const QJsonObject blocked =
            check({{"merchant_id", "m-down"}, {"device_id", "dev-bad"}}, m_downGateway.get());
        QCOMPARE(blocked.value("decision").toString(), QStringLiteral("reject"));
        QCOMPARE(reasons(blocked), QStringList{"blacklist_device"});
        // The other factors still count without Redis.
        const QJsonObject geo =
            check({{"merchant_id", "m-down"}, {"ip_country", "KP"}, {"amount_minor", 2'000'000}},
                  m_downGateway.get());
        QCOMPARE(geo.value("risk_score").toInt(), 30);
        QCOMPARE(geo.value("decision").toString(), QStringLiteral("review"));
    }

    void storedChecksAreListedAndCounted()
    {
        const HttpResult rejected = riskAdmin("GET", "/api/v1/risk/checks?merchant_id=m-bl&decision=reject");
        QCOMPARE(rejected.status, 200);
        QVERIFY2(rejected.json().value("total").toInteger() == 2, rejected.body.constData());
        const QJsonObject first = rejected.json().value("items").toArray().first().toObject();
        QCOMPARE(first.value("decision").toString(), QStringLiteral("reject"));
        QCOMPARE(first.value("factors").toObject().value("blacklist").toInt(), 100);
        const HttpResult one = riskAdmin("GET", "/api/v1/risk/checks/" + first.value("check_id").toString());
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json().value("request").toObject().value("merchant_id").toString(),
                 QStringLiteral("m-bl"));
        QCOMPARE(riskAdmin("GET", "/api/v1/risk/checks/" + QUuid::createUuid().toString(QUuid::WithoutBraces))
                     .status,
                 404);
        QCOMPARE(riskAdmin("GET", "/api/v1/risk/checks?decision=maybe").status, 422);
        const HttpResult paged = riskAdmin("GET", "/api/v1/risk/checks?merchant_id=m-vel&page=2&page_size=5");
        QCOMPARE(paged.json().value("total").toInteger(), 11);
        QCOMPARE(paged.json().value("items").toArray().size(), 5);

        const HttpResult metrics = httpRequest("GET", url(kRiskSeed, "/metrics"));
        QCOMPARE(metrics.status, 200);
        QVERIFY2(metrics.body.contains("risk_checks_total{decision=\"reject\"}"),
                 metrics.body.left(2000).constData());
        QVERIFY(metrics.body.contains("risk_check_duration_seconds_count"));
    }

    // ---- order-service ----

    void createIsIdempotentPerMerchantAndOrderNo()
    {
        const QJsonArray items{
            QJsonObject{{"name", "Tea"}, {"sku", "T-1"}, {"quantity", 2}, {"unit_price_minor", 250}},
            QJsonObject{{"name", "Cup"}, {"quantity", 1}, {"unit_price_minor", 500}}};
        const HttpResponse created = createOrder("m-ord", "O-1", "PY-1", 1000,
                                                 {{"items", items}, {"customer_email", "bob@example.com"}});
        QCOMPARE(created.status, 201);
        const QJsonObject o = created.jsonObject();
        QCOMPARE(o.value("status").toString(), QStringLiteral("pending"));
        QCOMPARE(o.value("pay_status").toString(), QStringLiteral("pending"));
        QCOMPARE(o.value("items").toArray().size(), 2);
        QCOMPARE(o.value("items").toArray().first().toObject().value("total_minor").toInteger(), 500);
        QCOMPARE(o.value("logs").toArray().size(), 1);
        QCOMPARE(o.value("logs").toArray().first().toObject().value("action").toString(),
                 QStringLiteral("create"));

        const HttpResponse replay = createOrder("m-ord", "O-1", "PY-1");
        QCOMPARE(replay.status, 200);
        QCOMPARE(replay.jsonObject().value("items").toArray().size(), 2);
        const HttpResponse other = createOrder("m-ord", "O-1", "PY-2");
        QCOMPARE(other.status, 409);
        QCOMPARE(other.jsonObject().value("code").toString(), QStringLiteral("ORDER_EXISTS"));
        QCOMPARE(createOrder("m-ord-2", "O-1", "PY-2").status, 201); // order numbers are per merchant
        QCOMPARE(count("payment_order", "SELECT count(*) FROM orders WHERE order_no = 'O-1'"), 2);

        QCOMPARE(createOrder("m-ord", "O-bad", "PY-9", 0).status, 422);
        QCOMPARE(createOrder("m-ord", "O-bad", "PY-9", 100, {{"currency", "usd"}}).status, 422);
        const QJsonArray huge{QJsonObject{
            {"name", "x"}, {"quantity", 2000}, {"unit_price_minor", qint64(9'000'000'000'000'000)}}};
        QCOMPARE(createOrder("m-ord", "O-bad", "PY-9", 100, {{"items", huge}}).status,
                 422); // total would overflow
        QCOMPARE(
            createOrder("m-ord", "O-bad", "PY-9", 100, {{"items", QJsonArray{QJsonObject{{"name", "x"}}}}})
                .status,
            422);
    }

    void transitionsFollowTheStateMachine()
    {
        QCOMPARE(createOrder("m-tr", "O-1", "PY-T1", 1000).status, 201);
        HttpResponse paid = order("m-tr", "O-1", "pay", {{"payment_no", "PY-T1"}});
        QCOMPARE(paid.status, 200);
        QCOMPARE(paid.jsonObject().value("status").toString(), QStringLiteral("paid"));
        QVERIFY(!paid.jsonObject().value("paid_at").isNull());
        QCOMPARE(order("m-tr", "O-1", "pay", {{"payment_no", "PY-T1"}}).status, 200); // replay
        QCOMPARE(order("m-tr", "O-1", "pay", {{"payment_no", "PY-X"}}).jsonObject().value("code").toString(),
                 QStringLiteral("PAYMENT_NO_MISMATCH"));
        const HttpResponse cancel = order("m-tr", "O-1", "cancel", {{"reason", "late"}});
        QCOMPARE(cancel.status, 409);
        QCOMPARE(cancel.jsonObject().value("code").toString(), QStringLiteral("INVALID_ORDER_TRANSITION"));
        QCOMPARE(order("m-tr", "O-1", "expire").status, 409);

        HttpResponse partial = order("m-tr", "O-1", "refund", {{"refund_no", "RF-1"}, {"amount_minor", 300}});
        QCOMPARE(partial.status, 200);
        QCOMPARE(partial.jsonObject().value("pay_status").toString(), QStringLiteral("partial_refunded"));
        QCOMPARE(partial.jsonObject().value("status").toString(), QStringLiteral("paid"));
        QCOMPARE(partial.jsonObject().value("refunded_minor").toInteger(), 300);
        const HttpResponse again =
            order("m-tr", "O-1", "refund", {{"refund_no", "RF-1"}, {"amount_minor", 300}});
        QCOMPARE(again.status, 200);
        QCOMPARE(again.jsonObject().value("refunded_minor").toInteger(), 300);
        QCOMPARE(order("m-tr", "O-1", "refund", {{"refund_no", "RF-1"}, {"amount_minor", 200}})
                     .jsonObject()
                     .value("code")
                     .toString(),
                 QStringLiteral("REFUND_CONFLICT"));
        const HttpResponse tooMuch =
            order("m-tr", "O-1", "refund", {{"refund_no", "RF-2"}, {"amount_minor", 701}});
        QCOMPARE(tooMuch.status, 422);
        QCOMPARE(tooMuch.jsonObject().value("code").toString(), QStringLiteral("REFUND_EXCEEDS_AMOUNT"));
        const HttpResponse full =
            order("m-tr", "O-1", "refund", {{"refund_no", "RF-2"}, {"amount_minor", 700}});
        QCOMPARE(full.status, 200);
        QCOMPARE(full.jsonObject().value("status").toString(), QStringLiteral("refunded"));
        QCOMPARE(full.jsonObject().value("pay_status").toString(), QStringLiteral("refunded"));
        QCOMPARE(full.jsonObject().value("refunded_minor").toInteger(), 1000);
        QCOMPARE(order("m-tr", "O-1", "refund", {{"refund_no", "RF-3"}, {"amount_minor", 1}}).status, 409);
        QStringList actions;
        for (const QJsonValue &log : full.jsonObject().value("logs").toArray())
            actions.append(log.toObject().value("action").toString());
        QCOMPARE(actions, QStringList({"create", "pay", "refund", "refund"}));
        QCOMPARE(full.jsonObject().value("refunds").toArray().size(), 2);
        // The refused RF-2 of 701 left nothing behind.
        QCOMPARE(count("payment_order",
                       "SELECT sum(r.amount_minor) FROM order_refunds r JOIN orders o ON o.id = "
                       "r.order_id WHERE o.merchant_id = 'm-tr'"),
                 1000);

        QCOMPARE(createOrder("m-tr", "O-2", "PY-T2").status, 201);
        const HttpResponse expired = order("m-tr", "O-2", "expire");
        QCOMPARE(expired.jsonObject().value("status").toString(), QStringLiteral("expired"));
        QCOMPARE(order("m-tr", "O-2", "pay", {{"payment_no", "PY-T2"}}).status, 409);
        QCOMPARE(createOrder("m-tr", "O-3", "PY-T3").status, 201);
        const HttpResponse failed = order("m-tr", "O-3", "fail", {{"reason", "card_declined"}});
        QCOMPARE(failed.jsonObject().value("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(failed.jsonObject().value("pay_status").toString(), QStringLiteral("failed"));
        QCOMPARE(failed.jsonObject().value("close_reason").toString(), QStringLiteral("card_declined"));
        QCOMPARE(order("m-tr", "O-3", "refund", {{"refund_no", "RF-9"}, {"amount_minor", 1}}).status, 409);
        QCOMPARE(order("m-tr", "O-none", "pay", {{"payment_no", "PY"}}).status, 404);
        QCOMPARE(order("m-tr", "O-3", "pay", {}).status, 422);

        const HttpResponse got = m_gateway->callSync("order-service", "GET", "/internal/v1/orders/m-tr/O-3");
        QCOMPARE(got.status, 200);
        QCOMPARE(got.jsonObject().value("logs").toArray().size(), 2);
    }

    void concurrentPayAndCancelHaveExactlyOneWinner()
    {
        constexpr int kOrders = 25;
        for (int i = 0; i < kOrders; ++i)
            QCOMPARE(createOrder("m-race", QString("O-%1").arg(i), QString("PY-R%1").arg(i)).status, 201);
        QThreadPool pool;
        pool.setMaxThreadCount(16);
        QList<QFuture<int>> pays;
        QList<QFuture<int>> cancels;
        for (int i = 0; i < kOrders; ++i) {
            const QString orderNo = QString("O-%1").arg(i);
            const QString paymentNo = QString("PY-R%1").arg(i);
            pays.append(QtConcurrent::run(&pool, [this, orderNo, paymentNo] {
                return order("m-race", orderNo, "pay", {{"payment_no", paymentNo}}).status;
            }));
            cancels.append(QtConcurrent::run(&pool, [this, orderNo] {
                return order("m-race", orderNo, "cancel", {{"reason", "race"}}).status;
            }));
        }
        int paidWins = 0;
        for (int i = 0; i < kOrders; ++i) {
            const int pay = pays[i].result();
            const int cancel = cancels[i].result();
            QVERIFY2((pay == 200 && cancel == 409) || (pay == 409 && cancel == 200),
                     qPrintable(QString("order %1: pay %2, cancel %3").arg(i).arg(pay).arg(cancel)));
            const HttpResponse now = m_gateway->callSync("order-service", "GET",
                                                         QString("/internal/v1/orders/m-race/O-%1").arg(i));
            QCOMPARE(now.jsonObject().value("status").toString(),
                     pay == 200 ? QStringLiteral("paid") : QStringLiteral("cancelled"));
            QCOMPARE(now.jsonObject().value("logs").toArray().size(), 2); // create + the winner
            paidWins += pay == 200 ? 1 : 0;
        }
        qInfo() << "pay won" << paidWins << "of" << kOrders;
        QCOMPARE(count("payment_order",
                       "SELECT count(*) FROM order_logs l JOIN orders o ON o.id = l.order_id "
                       "WHERE o.merchant_id = 'm-race'"),
                 2 * kOrders);
    }

    void concurrentCreatesMakeOneOrder()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(10);
        QList<QFuture<int>> calls;
        for (int i = 0; i < 10; ++i)
            calls.append(
                QtConcurrent::run(&pool, [this] { return createOrder("m-cc", "O-1", "PY-CC").status; }));
        int created = 0;
        int replayed = 0;
        for (QFuture<int> &call : calls) {
            created += call.result() == 201 ? 1 : 0;
            replayed += call.result() == 200 ? 1 : 0;
        }
        QCOMPARE(created, 1);
        QCOMPARE(replayed, 9);
        QCOMPARE(count("payment_order",
                       "SELECT count(*) FROM order_logs l JOIN orders o ON o.id = l.order_id "
                       "WHERE o.merchant_id = 'm-cc'"),
                 1);
    }

    void concurrentRefundsNeverExceedTheAmount()
    {
        QCOMPARE(createOrder("m-cr", "O-1", "PY-CR", 1000).status, 201);
        QCOMPARE(order("m-cr", "O-1", "pay", {{"payment_no", "PY-CR"}}).status, 200);
        QThreadPool pool;
        pool.setMaxThreadCount(12);
        QList<QFuture<int>> calls;
        for (int i = 0; i < 12; ++i)
            calls.append(QtConcurrent::run(&pool, [this, i] {
                return order("m-cr", "O-1", "refund",
                             {{"refund_no", QString("RF-CR-%1").arg(i)}, {"amount_minor", 200}})
                    .status;
            }));
        int accepted = 0;
        for (QFuture<int> &call : calls) {
            const int status = call.result();
            QVERIFY2(status == 200 || status == 409 || status == 422, qPrintable(QString::number(status)));
            accepted += status == 200 ? 1 : 0;
        }
        QCOMPARE(accepted, 5);
        const HttpResponse now = m_gateway->callSync("order-service", "GET", "/internal/v1/orders/m-cr/O-1");
        QCOMPARE(now.jsonObject().value("refunded_minor").toInteger(), 1000);
        QCOMPARE(now.jsonObject().value("status").toString(), QStringLiteral("refunded"));
        QCOMPARE(now.jsonObject().value("refunds").toArray().size(), 5);
    }

    void everyChangeIsAnOrderEvent()
    {
        QTRY_COMPARE_WITH_TIMEOUT(
            eventTypes("m-tr/O-1"),
            QStringList({"order.created", "order.paid", "order.refunded", "order.refunded"}), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(eventTypes("m-tr/O-2"), QStringList({"order.created", "order.expired"}),
                                  15000);
        QTRY_COMPARE_WITH_TIMEOUT(eventTypes("m-tr/O-3"), QStringList({"order.created", "order.cancelled"}),
                                  15000);
        QMutexLocker lock(&m_seen->mutex);
        for (const Event &event : std::as_const(m_seen->events)) {
            if (event.aggregateId == "m-tr/O-1" && event.type == "order.refunded" &&
                event.payload.value("refund_no").toString() == "RF-2") {
                QCOMPARE(event.payload.value("refund_amount_minor").toInteger(), 700);
                QCOMPARE(event.payload.value("pay_status").toString(), QStringLiteral("refunded"));
                QCOMPARE(event.source, QStringLiteral("order-service"));
                return;
            }
        }
        QFAIL("no order.refunded event for RF-2");
    }

    void adminsListAndReadOrders()
    {
        const auto headers = admin({"order.view"});
        const HttpResult paid =
            httpRequest("GET", url(kOrderSeed, "/api/v1/orders?merchant_id=m-race&status=paid"), {}, headers);
        QCOMPARE(paid.status, 200);
        const HttpResult cancelled = httpRequest(
            "GET", url(kOrderSeed, "/api/v1/orders?merchant_id=m-race&status=cancelled&page_size=100"), {},
            headers);
        QCOMPARE(paid.json().value("total").toInteger() + cancelled.json().value("total").toInteger(), 25);
        const HttpResult byQ = httpRequest("GET", url(kOrderSeed, "/api/v1/orders?q=PY-T3"), {}, headers);
        QCOMPARE(byQ.json().value("total").toInteger(), 1);
        QCOMPARE(byQ.json().value("items").toArray().first().toObject().value("order_no").toString(),
                 QStringLiteral("O-3"));
        const HttpResult byEmail =
            httpRequest("GET", url(kOrderSeed, "/api/v1/orders?q=BOB%40example"), {}, headers);
        QCOMPARE(byEmail.json().value("total").toInteger(), 1);
        const HttpResult future =
            httpRequest("GET", url(kOrderSeed, "/api/v1/orders?from=2999-01-01"), {}, headers);
        QCOMPARE(future.json().value("total").toInteger(), 0);
        const HttpResult until = httpRequest(
            "GET",
            url(kOrderSeed, "/api/v1/orders?merchant_id=m-tr&to=2999-01-01T00:00:00Z&pay_status=failed"), {},
            headers);
        QCOMPARE(until.json().value("total").toInteger(), 1);
        QCOMPARE(httpRequest("GET", url(kOrderSeed, "/api/v1/orders?status=shipped"), {}, headers).status,
                 422);
        QCOMPARE(httpRequest("GET", url(kOrderSeed, "/api/v1/orders?from=yesterday"), {}, headers).status,
                 422);
        const HttpResult all =
            httpRequest("GET", url(kOrderSeed, "/api/v1/orders?page_size=100"), {}, headers);
        const QJsonArray items = all.json().value("items").toArray();
        for (qsizetype i = 1; i < items.size(); ++i) // newest first
            QVERIFY(items[i - 1].toObject().value("created_at").toString() >=
                    items[i].toObject().value("created_at").toString());
        const HttpResult one = httpRequest("GET", url(kOrderSeed, "/api/v1/orders/m-tr/O-1"), {}, headers);
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json().value("logs").toArray().size(), 4);
        QCOMPARE(one.json().value("logs").toArray().at(1).toObject().value("operator_type").toString(),
                 QStringLiteral("system"));
        QCOMPARE(httpRequest("GET", url(kOrderSeed, "/api/v1/orders/m-tr/nope"), {}, headers).status, 404);
    }

    // ---- both ----

    void everyAdminRouteChecksTokenAndPermission()
    {
        int checked = 0;
        for (const auto &[service, seed] : {std::pair{QStringLiteral("risk-service"), kRiskSeed},
                                            std::pair{QStringLiteral("order-service"), kOrderSeed}}) {
            for (const Route &route : m_host->runtime(service)->router().routes()) {
                if (route.access != Access::Admin || !route.pattern.startsWith("/api/v1/"))
                    continue; // the platform's own admin routes are tested with the platform
                QVERIFY2(!route.permission.isEmpty(), qPrintable(route.pattern));
                QString path = route.pattern;
                path.replace(QRegularExpression("\\{[a-z_]+\\}"), "999999");
                const QByteArray body = route.jsonBody ? "{}" : QByteArray();
                const QString where = QString::fromLatin1(route.method) + ' ' + route.pattern;
                QCOMPARE(httpRequest(route.method, url(seed, path), body).status, 401);
                const int forbidden =
                    httpRequest(route.method, url(seed, path), body, admin({"unrelated.view"})).status;
                QVERIFY2(forbidden == 403, qPrintable(where + QString(" -> %1").arg(forbidden)));
                const int allowed =
                    httpRequest(route.method, url(seed, path), body, admin({route.permission})).status;
                QVERIFY2(allowed != 401 && allowed != 403 && allowed < 500,
                         qPrintable(where + QString(" -> %1").arg(allowed)));
                ++checked;
            }
        }
        QCOMPARE(checked, 15 + 2); // 15 risk + 2 order routes: a new route must be counted here
        // Viewing is not managing, and one service's permission opens nothing of the other.
        const QByteArray entry = R"({"entity_type":"ip","entity_value":"198.18.0.1"})";
        QCOMPARE(
            httpRequest("POST", url(kRiskSeed, "/api/v1/risk/blacklist"), entry, admin({"risk.view"})).status,
            403);
        QCOMPARE(
            httpRequest("POST", url(kRiskSeed, "/api/v1/risk/blacklist"), entry, admin({"risk.*"})).status,
            201);
        QCOMPARE(httpRequest("GET", url(kRiskSeed, "/api/v1/risk/rules"), {}, admin({"order.view"})).status,
                 403);
        QCOMPARE(
            httpRequest("GET", url(kOrderSeed, "/api/v1/orders"), {}, admin({"risk.view", "risk.manage"}))
                .status,
            403);
        QCOMPARE(httpRequest("GET", url(kOrderSeed, "/api/v1/orders"), {}, admin({"*"})).status, 200);
        // Internal routes are not reachable from outside without the internal token.
        QCOMPARE(httpRequest("POST", url(kRiskSeed, "/internal/v1/risk/check"),
                             R"({"merchant_id":"m","payment_no":"p","amount_minor":1,"currency":"USD"})",
                             {{"Content-Type", "application/json"}})
                     .status,
                 403);
    }

    void everyRiskMutationLeavesAnAuditEvent()
    {
        QStringList actions;
        for (const QJsonObject &event : auditEvents("payment_risk")) {
            actions.append(event.value("action").toString());
            QCOMPARE(event.value("actor_id").toString(),
                     QStringLiteral("00000000-0000-0000-0000-00000000a001"));
            QCOMPARE(event.value("service").toString(), QStringLiteral("risk-service"));
        }
        QCOMPARE(actions.count("risk.blacklist.add"),
                 5); // email, card_bin, ip (after expiry), device, RBAC ip
        QCOMPARE(actions.count("risk.blacklist.remove"), 1);
        QCOMPARE(actions.count("risk.rule.create"), 2);
        QCOMPARE(actions.count("risk.rule.disable"), 1);
        QCOMPARE(actions.count("risk.rule.enable"), 1);
        QCOMPARE(actions.count("risk.rule.update"), 1);
        QCOMPARE(actions.count("risk.rule.delete"), 2);
        QCOMPARE(actions.count("risk.settings.update"), 2);
    }

    void cleanupTestCase()
    {
        m_gateway.reset();
        m_downGateway.reset();
        if (m_downHost)
            m_downHost->stop();
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(RiskOrdersTest)
#include "tst_risk_orders.moc"
