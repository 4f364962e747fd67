// merchant-limit-service and config-service in process on a real PostgreSQL and Redis: atomic
// consume under 200 concurrent calls, release, idempotent references, overrides, limits learnt from
// merchant/KYC events, warnings; config versions, rollback, conflicts, sealed secrets, flags, the
// registry, a ConfigClient following changes; the RBAC matrix of every admin route; audit events.

#include "services/config-service/ConfigClient.h"
#include "services/config-service/ConfigService.h"
#include "services/config-service/domain/ConfigRules.h"
#include "services/merchant-limit-service/MerchantLimitService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/bus/Outbox.h"
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
namespace config = paydesk::services::config;
namespace limits = paydesk::services::limits;

namespace {
// Reads config through a ConfigClient, as any other service would.
class ProbeService : public Service
{
public:
    explicit ProbeService(quint16 seedPort)
        : Service({"probe", seedPort, "paydesk_test_probe", "test service"})
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        m_config = std::make_unique<config::ConfigClient>(runtime.client());
        router.add({.method = "GET",
                    .pattern = "/api/v1/probe/{key}",
                    .handler = [this](const HttpRequest &request) {
                        const auto value = m_config->value(request.pathParam("key"));
                        return HttpResponse::json(QJsonObject{{"value", value ? value->value : QJsonValue()},
                                                              {"version", value ? value->version : 0},
                                                              {"fetches", m_config->fetchCount()}});
                    }});
    }
    QList<QPair<QString, QString>> consumedTopics() const override
    {
        return {{config::kConfigTopic, "probe-config"}};
    }
    void onReady(ServiceRuntime &runtime) override { m_config->follow(runtime, "probe-config"); }

private:
    std::unique_ptr<config::ConfigClient> m_config;
};

// Publishes events through its outbox (POST /api/v1/emit) and records limit.events.
class EmitterService : public Service
{
public:
    struct Seen
    {
        QMutex mutex;
        QList<QJsonObject> warnings;
    };
    EmitterService(quint16 seedPort, std::shared_ptr<Seen> seen)
        : Service({"emitter", seedPort, "paydesk_test_emitter", "test service"}), m_seen(std::move(seen))
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        router.add(
            {.method = "POST",
             .pattern = "/api/v1/emit",
             .handler =
                 [&runtime](const HttpRequest &request) {
                     const QJsonObject body = request.json.object();
                     Event event{.eventId = QUuid::fromString(body.value("event_id").toString()),
                                 .topic = body.value("topic").toString(),
                                 .type = body.value("type").toString(),
                                 .aggregateType = "test",
                                 .aggregateId = "1",
                                 .payload = body.value("payload").toObject()};
                     QString error;
                     QSqlDatabase db = runtime.database().connection(&error);
                     if (!inTransaction(
                             db, [&](QString *why) { return outbox::append(db, event, why) > 0; }, &error))
                         return HttpResponse::json(QJsonObject{{"error", error}}, 500);
                     runtime.kickOutbox();
                     return HttpResponse::empty(202);
                 },
             .jsonBody = true});
    }
    QList<QPair<QString, QString>> consumedTopics() const override { return {{"limit.events", "emitter"}}; }
    void onReady(ServiceRuntime &runtime) override
    {
        runtime.environment().bus->subscribe("limit.events", "emitter", &runtime,
                                             [seen = m_seen](const Event &event) {
                                                 QMutexLocker lock(&seen->mutex);
                                                 QJsonObject payload = event.payload;
                                                 payload.insert("type", event.type);
                                                 seen->warnings.append(payload);
                                                 return true;
                                             });
    }

private:
    std::shared_ptr<Seen> m_seen;
};

constexpr quint16 kConfigSeed = 40010;
constexpr quint16 kLimitSeed = 40022;
} // namespace

class LimitConfigTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-limitconfig-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<ServiceClient> m_gateway; // internal calls, as payment-gateway makes them
    std::shared_ptr<EmitterService::Seen> m_seen = std::make_shared<EmitterService::Seen>();
    quint16 m_base = 0;

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)}};
    }
    HttpResult limitsAdmin(const QByteArray &method, const QString &path, const QByteArray &body = {},
                           const QStringList &permissions = {"limit.view", "limit.update"})
    {
        return httpRequest(method, url(kLimitSeed, path), body, admin(permissions));
    }
    HttpResult configAdmin(const QByteArray &method, const QString &path, const QByteArray &body = {},
                           const QStringList &permissions = {"config.view", "config.update", "flag.view",
                                                             "flag.update", "system.view"})
    {
        return httpRequest(method, url(kConfigSeed, path), body, admin(permissions));
    }
    HttpResponse consume(const QString &merchant, qint64 amount, const QString &reference,
                         const QString &currency = "USD")
    {
        const QJsonObject body{{"merchant_id", merchant},
                               {"currency", currency},
                               {"amount_minor", amount},
                               {"reference", reference}};
        CallOptions options;
        options.timeoutMs = 30000;
        return m_gateway->callSync("merchant-limit-service", "POST", "/internal/v1/limits/consume",
                                   QJsonDocument(body).toJson(QJsonDocument::Compact), options);
    }
    HttpResponse release(const QString &reference)
    {
        return m_gateway->callSync("merchant-limit-service", "POST", "/internal/v1/limits/release",
                                   QJsonDocument(QJsonObject{{"reference", reference}}).toJson());
    }
    // Today's usage for one currency from the admin view.
    QJsonObject currencyView(const QString &merchant, const QString &currency = "USD")
    {
        const HttpResult view =
            limitsAdmin("GET", "/api/v1/merchants/" + merchant + "/limits?currency=" + currency);
        for (const QJsonValue &entry : view.json().value("limits").toArray()) {
            if (entry.toObject().value("currency").toString() == currency)
                return entry.toObject();
        }
        return {};
    }
    QSqlDatabase database(const QString &name) { return serviceDatabase(m_infra, "test-" + name, name); }
    QList<QJsonObject> auditEvents(const QString &databaseName)
    {
        QSqlQuery q(database(databaseName));
        q.exec("SELECT payload::text FROM outbox_events WHERE topic = 'audit.events' ORDER BY id");
        QList<QJsonObject> events;
        while (q.next())
            events.append(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
        return events;
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
                                     {{"data_dir", m_dir.path() + "/data"}, {"workers_per_service", "16"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(config::createConfigService({"config-service", kConfigSeed, "payment_config", "config"}));
        m_host->add(limits::createMerchantLimitService(
            {"merchant-limit-service", kLimitSeed, "payment_merchant_limit", "limits"}));
        m_host->add(std::make_unique<ProbeService>(40101));
        m_host->add(std::make_unique<EmitterService>(40102, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        m_gateway = std::make_unique<ServiceClient>(m_host->directory(), "payment-gateway");
    }

    // ---- merchant-limit-service ----

    void sameReferenceConsumesOnce()
    {
        const HttpResponse first = consume("m-idem", 1000, "idem-1");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.jsonObject().value("replayed").toBool(), false);
        const HttpResponse again = consume("m-idem", 1000, "idem-1");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.jsonObject().value("replayed").toBool(), true);
        const QJsonObject day = currencyView("m-idem").value("usage").toObject().value("day").toObject();
        QCOMPARE(day.value("used_minor").toInteger(), 1000);
        QCOMPARE(day.value("used_count").toInteger(), 1);
        const HttpResponse other = consume("m-idem", 2000, "idem-1");
        QCOMPARE(other.status, 409);
        QCOMPARE(other.jsonObject().value("code").toString(), QStringLiteral("REFERENCE_CONFLICT"));
    }

    void amountAboveTheSingleLimitIsDeclined()
    {
        // No tier or KYC level known: starter/basic, single limit 1,000,000.
        const HttpResponse declined = consume("m-single", 1'000'001, "single-1");
        QCOMPARE(declined.status, 422);
        const QJsonObject problem = declined.jsonObject();
        QCOMPARE(problem.value("code").toString(), QStringLiteral("LIMIT_EXCEEDED"));
        QCOMPARE(problem.value("limit").toString(), QStringLiteral("single"));
        QCOMPARE(problem.value("remaining").toInteger(), 1'000'000);
        QCOMPARE(consume("m-single", 1'000'000, "single-2").status, 200);
        QCOMPARE(consume("m-x", 10, "bad", "usd").status, 422); // validation
    }

    void concurrentConsumesNeverExceedTheDailyLimit()
    {
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-conc/limits",
                             R"({"currency":"USD","daily_max_minor":10000})")
                     .status,
                 200);
        constexpr int kCalls = 200;
        constexpr qint64 kAmount = 70;
        QThreadPool pool;
        pool.setMaxThreadCount(16);
        QList<QFuture<int>> calls;
        for (int i = 0; i < kCalls; ++i)
            calls.append(QtConcurrent::run(
                &pool, [this, i] { return consume("m-conc", kAmount, QString("conc-%1").arg(i)).status; }));
        int accepted = 0;
        int declined = 0;
        for (QFuture<int> &call : calls) {
            const int status = call.result();
            accepted += status == 200 ? 1 : 0;
            declined += status == 422 ? 1 : 0;
        }
        QCOMPARE(accepted, static_cast<int>(10000 / kAmount)); // exactly floor(limit / amount)
        QCOMPARE(declined, kCalls - accepted);
        const QJsonObject day = currencyView("m-conc").value("usage").toObject().value("day").toObject();
        QCOMPARE(day.value("used_minor").toInteger(), accepted * kAmount);
        QVERIFY(day.value("used_minor").toInteger() <= 10000);
        QSqlQuery q(database("payment_merchant_limit"));
        QVERIFY(
            q.exec(
                "SELECT count(*), sum(amount_minor) FROM limit_consumptions WHERE merchant_id = 'm-conc'") &&
            q.next());
        QCOMPARE(q.value(0).toInt(), accepted);
        QCOMPARE(q.value(1).toLongLong(), accepted * kAmount);
    }

    void dailyCountLimitDeclinesTheNextConsume()
    {
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-count/limits",
                             R"({"currency":"EUR","daily_count_max":2})")
                     .status,
                 200);
        QCOMPARE(consume("m-count", 1, "count-1", "EUR").status, 200);
        QCOMPARE(consume("m-count", 1, "count-2", "EUR").status, 200);
        const HttpResponse third = consume("m-count", 1, "count-3", "EUR");
        QCOMPARE(third.status, 422);
        QCOMPARE(third.jsonObject().value("limit").toString(), QStringLiteral("daily_count"));
        // A declined consume stores nothing, so its reference is free; USD has its own usage.
        QCOMPARE(consume("m-count", 1, "count-3", "USD").status, 200);
        QCOMPARE(release("count-3").status, 200); // gives back USD, not EUR
        QCOMPARE(consume("m-count", 1, "count-4", "EUR").status, 422);
    }

    void releaseGivesBackOnce()
    {
        const qint64 before = currencyView("m-conc")
                                  .value("usage")
                                  .toObject()
                                  .value("day")
                                  .toObject()
                                  .value("used_minor")
                                  .toInteger();
        QSqlQuery q(database("payment_merchant_limit"));
        QVERIFY(q.exec("SELECT reference FROM limit_consumptions WHERE merchant_id = 'm-conc' LIMIT 1") &&
                q.next());
        const QString reference = q.value(0).toString();
        QCOMPARE(consume("m-conc", 70, "conc-after").status, 422); // full
        const HttpResponse released = release(reference);
        QCOMPARE(released.status, 200);
        QCOMPARE(released.jsonObject().value("already_released").toBool(), false);
        auto used = [&] {
            return currencyView("m-conc")
                .value("usage")
                .toObject()
                .value("day")
                .toObject()
                .value("used_minor")
                .toInteger();
        };
        QCOMPARE(used(), before - 70);
        const HttpResponse twice = release(reference);
        QCOMPARE(twice.status, 200);
        QCOMPARE(twice.jsonObject().value("already_released").toBool(), true);
        QCOMPARE(used(), before - 70);
        QCOMPARE(consume("m-conc", 70, "conc-after").status, 200); // the room came back
        QCOMPARE(release("no-such-reference").status, 404);
    }

    void overrideBeatsTierAndKycLevel()
    {
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-ovr/limit-profile",
                             R"({"tier":"premium","kyc_level":"enterprise"})")
                     .status,
                 200);
        QJsonObject view = currencyView("m-ovr");
        QCOMPARE(view.value("effective").toObject().value("single_max_minor").toInteger(), 100'000'000);
        QCOMPARE(view.value("sources").toObject().value("single_max_minor").toString(),
                 QStringLiteral("tier"));
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-ovr/limits",
                             R"({"currency":"USD","single_max_minor":500})")
                     .status,
                 200);
        view = currencyView("m-ovr");
        QCOMPARE(view.value("effective").toObject().value("single_max_minor").toInteger(), 500);
        QCOMPARE(view.value("sources").toObject().value("single_max_minor").toString(),
                 QStringLiteral("override"));
        QCOMPARE(consume("m-ovr", 600, "ovr-1").status, 422);
        QCOMPARE(consume("m-ovr", 600, "ovr-1", "EUR").status, 200); // the override is per currency
        QCOMPARE(limitsAdmin("DELETE", "/api/v1/merchants/m-ovr/limits/overrides/USD").status, 204);
        QCOMPARE(limitsAdmin("DELETE", "/api/v1/merchants/m-ovr/limits/overrides/USD").status, 404);
        QCOMPARE(consume("m-ovr", 600, "ovr-2").status, 200);
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-ovr/limits",
                             R"({"currency":"USD","single_max_minor":-1})")
                     .status,
                 422);
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-ovr/limit-profile", R"({"tier":"gold"})").status,
                 422);
    }

    void merchantAndKycEventsChangeEffectiveLimits()
    {
        auto publish = [&](const QString &topic, const QString &type, const QJsonObject &payload,
                           const QUuid &id) {
            const QJsonObject body{{"topic", topic},
                                   {"type", type},
                                   {"payload", payload},
                                   {"event_id", id.toString(QUuid::WithoutBraces)}};
            return httpRequest("POST", url(40102, "/api/v1/emit"), QJsonDocument(body).toJson()).status;
        };
        auto single = [&] {
            return currencyView("m-ev").value("effective").toObject().value("single_max_minor").toInteger();
        };
        QCOMPARE(single(), 1'000'000); // starter / basic
        const QJsonObject created{{"merchant_id", "m-ev"}, {"tier", "business"}};
        QCOMPARE(publish("merchant.events", "merchant.created", created, QUuid::createUuid()), 202);
        QTRY_COMPARE_WITH_TIMEOUT(
            limitsAdmin("GET", "/api/v1/merchants/m-ev/limits").json().value("tier").toString(),
            QStringLiteral("business"), 5000);
        QCOMPARE(single(), 1'000'000); // business 5 M, but KYC basic caps at 1 M
        const QJsonObject approved{{"merchant_id", "m-ev"}, {"level", "advanced"}};
        QCOMPARE(publish("kyc.events", "kyc.approved", approved, QUuid::createUuid()), 202);
        QTRY_COMPARE_WITH_TIMEOUT(single(), 5'000'000, 5000); // now the tier decides

        // Redelivery of an already handled event changes nothing.
        const QUuid tierChange = QUuid::createUuid();
        const QJsonObject changed{{"merchant_id", "m-ev"}, {"tier", "enterprise"}};
        QCOMPARE(publish("merchant.events", "merchant.tier_changed", changed, tierChange), 202);
        QTRY_COMPARE_WITH_TIMEOUT(single(), 20'000'000, 5000);
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-ev/limit-profile", R"({"tier":"starter"})").status,
                 200);
        Event again{.eventId = tierChange,
                    .topic = "merchant.events",
                    .type = "merchant.tier_changed",
                    .aggregateType = "merchant",
                    .aggregateId = "m-ev",
                    .payload = {{"merchant_id", "m-ev"}, {"tier", "enterprise"}}};
        QFuture<bool> ack = m_bus->publish(again);
        QTRY_VERIFY_WITH_TIMEOUT(ack.isFinished(), 5000);
        QVERIFY(ack.result());
        QCOMPARE(single(), 1'000'000); // still the admin's starter

        // An expired KYC approval lowers the level to kyc-service's current_level.
        auto daily = [&] {
            return currencyView("m-ev").value("effective").toObject().value("daily_max_minor").toInteger();
        };
        QCOMPARE(daily(), 10'000'000); // starter, KYC advanced
        const QJsonObject expired{{"merchant_id", "m-ev"}, {"level", "advanced"}, {"current_level", "basic"}};
        QCOMPARE(publish("kyc.events", "kyc.expired", expired, QUuid::createUuid()), 202);
        QTRY_COMPARE_WITH_TIMEOUT(daily(), 5'000'000, 5000);
    }

    void crossingEightyAndNinetyFivePercentWarnsOnce()
    {
        QCOMPARE(limitsAdmin("PUT", "/api/v1/merchants/m-warn/limits",
                             R"({"currency":"USD","daily_max_minor":1000})")
                     .status,
                 200);
        auto warnings = [&] {
            QMutexLocker lock(&m_seen->mutex);
            QList<int> levels;
            for (const QJsonObject &w : std::as_const(m_seen->warnings)) {
                if (w.value("merchant_id").toString() == "m-warn" && w.value("window").toString() == "day")
                    levels.append(w.value("threshold_percent").toInt());
            }
            return levels;
        };
        QCOMPARE(consume("m-warn", 700, "warn-1").status, 200);
        QCOMPARE(consume("m-warn", 100, "warn-2").status, 200); // 80 %
        QTRY_COMPARE_WITH_TIMEOUT(warnings(), (QList<int>{80}), 5000);
        QJsonObject day = currencyView("m-warn").value("usage").toObject().value("day").toObject();
        QVERIFY(day.value("warning_80").toBool());
        QVERIFY(!day.value("warning_95").toBool());
        QCOMPARE(consume("m-warn", 10, "warn-3").status, 200);  // 81 %: no second 80 % warning
        QCOMPARE(consume("m-warn", 140, "warn-4").status, 200); // 95 %
        QTRY_COMPARE_WITH_TIMEOUT(warnings(), (QList<int>{80, 95}), 5000);
        day = currencyView("m-warn").value("usage").toObject().value("day").toObject();
        QVERIFY(day.value("warning_95").toBool());
        QCOMPARE(day.value("remaining_minor").toInteger(), 50);
        const HttpResponse declined = consume("m-warn", 51, "warn-5");
        QCOMPARE(declined.status, 422);
        QCOMPARE(declined.jsonObject().value("limit").toString(), QStringLiteral("daily_amount"));
        QCOMPARE(declined.jsonObject().value("remaining").toInteger(), 50);
    }

    // ---- config-service ----

    void everyChangeIsANewVersionWithRollbackAndConflicts()
    {
        HttpResult put = configAdmin("PUT", "/api/v1/configs/payments.retry.max",
                                     R"({"value": 3, "description": "retries"})");
        QCOMPARE(put.status, 201);
        QCOMPARE(put.json().value("version").toInt(), 1);
        put = configAdmin("PUT", "/api/v1/configs/payments.retry.max",
                          R"({"value": 5, "expected_version": 1})");
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json().value("version").toInt(), 2);
        QCOMPARE(put.json().value("description").toString(), QStringLiteral("retries"));
        const HttpResult stale = configAdmin("PUT", "/api/v1/configs/payments.retry.max",
                                             R"({"value": 7, "expected_version": 1})");
        QCOMPARE(stale.status, 409);
        QCOMPARE(stale.json().value("code").toString(), QStringLiteral("VERSION_CONFLICT"));
        QCOMPARE(stale.json().value("current_version").toInt(), 2);
        const HttpResult back =
            configAdmin("POST", "/api/v1/configs/payments.retry.max/rollback", R"({"version": 1})");
        QCOMPARE(back.status, 200);
        QCOMPARE(back.json().value("version").toInt(), 3);
        QCOMPARE(back.json().value("value").toInt(), 3);
        QCOMPARE(back.json().value("change_type").toString(), QStringLiteral("rollback"));
        const QJsonArray history = configAdmin("GET", "/api/v1/configs/payments.retry.max/history")
                                       .json()
                                       .value("versions")
                                       .toArray();
        QCOMPARE(history.size(), 3);
        QCOMPARE(history.at(0).toObject().value("version").toInt(), 3);
        QCOMPARE(history.at(2).toObject().value("value").toInt(), 3);
        QCOMPARE(
            configAdmin("POST", "/api/v1/configs/payments.retry.max/rollback", R"({"version": 9})").status,
            404);
        QCOMPARE(configAdmin("PUT", "/api/v1/configs/Bad Key", R"({"value": 1})").status, 422);
        QCOMPARE(
            configAdmin("PUT", "/api/v1/configs/new.key", R"({"value": 1, "expected_version": 4})").status,
            409);
        const HttpResult list = configAdmin("GET", "/api/v1/configs?prefix=payments.");
        QCOMPARE(list.json().value("total").toInt(), 1);
        QCOMPARE(list.json().value("items").toArray().at(0).toObject().value("version").toInt(), 3);
    }

    void secretsAreSealedAtRestAndMaskedOnRead()
    {
        const QByteArray plain = "hunter2-very-secret";
        const HttpResult created = configAdmin("PUT", "/api/v1/configs/stripe.api_key",
                                               R"({"value": "hunter2-very-secret", "is_secret": true})");
        QVERIFY2(created.status == 201, created.body.constData());
        const HttpResult masked = configAdmin("GET", "/api/v1/configs/stripe.api_key", {}, {"config.view"});
        QCOMPARE(masked.status, 200);
        QCOMPARE(masked.json().value("value").toString(), QStringLiteral("******"));
        QVERIFY(!masked.body.contains(plain));
        QCOMPARE(configAdmin("GET", "/api/v1/configs/stripe.api_key?reveal=true", {}, {"config.view"}).status,
                 403);
        QCOMPARE(
            configAdmin("GET", "/api/v1/configs/stripe.api_key?reveal=true").json().value("value").toString(),
            QString(plain));
        QVERIFY(!configAdmin("GET", "/api/v1/configs/stripe.api_key/history").body.contains(plain));
        QVERIFY(!configAdmin("GET", "/api/v1/configs").body.contains(plain));
        const HttpResponse internal =
            m_gateway->callSync("config-service", "GET", "/internal/v1/configs/stripe.api_key");
        QCOMPARE(internal.jsonObject().value("value").toString(), QString(plain));
        // Changing a secret's value keeps it secret.
        QCOMPARE(configAdmin("PUT", "/api/v1/configs/stripe.api_key", R"({"value": "hunter2-rotated"})")
                     .json()
                     .value("masked")
                     .toBool(),
                 true);

        QSqlQuery q(database("payment_config"));
        QVERIFY(q.exec("SELECT count(*) FROM config_versions WHERE key = 'stripe.api_key' AND value IS NULL "
                       "AND value_sealed IS NOT NULL"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 2);
        QVERIFY(q.exec("SELECT string_agg(t::text, '') FROM config_versions t"));
        QVERIFY(q.next());
        QVERIFY(!q.value(0).toString().contains("hunter2"));
        QVERIFY(q.exec("SELECT string_agg(value_sealed::text || encode(value_sealed, 'escape'), '') FROM "
                       "config_versions"));
        QVERIFY(q.next());
        QVERIFY(!q.value(0).toString().contains("hunter2"));
        QVERIFY(
            q.exec("SELECT string_agg(payload::text, '') FROM outbox_events")); // audit and config.changed
        QVERIFY(q.next());
        QVERIFY(!q.value(0).toString().contains("hunter2"));
    }

    void flagsEvaluateDenyAllowThenStableRollout()
    {
        QCOMPARE(
            configAdmin(
                "PUT", "/api/v1/flags/checkout.v2",
                R"({"enabled": true, "rollout_percent": 30, "allow_merchants": ["m-a"], "deny_merchants": ["m-d"]})")
                .status,
            201);
        auto evaluate = [&](const QString &merchant) {
            return m_gateway
                ->callSync("config-service", "GET",
                           "/internal/v1/flags/checkout.v2/evaluate?merchant_id=" + merchant)
                .jsonObject();
        };
        QCOMPARE(evaluate("m-d").value("reason").toString(), QStringLiteral("deny_list"));
        QCOMPARE(evaluate("m-d").value("enabled").toBool(), false);
        QCOMPARE(evaluate("m-a").value("enabled").toBool(), true);
        int on = 0;
        for (int i = 0; i < 100; ++i) {
            const QString merchant = QString("m-%1").arg(i);
            const QJsonObject answer = evaluate(merchant);
            QCOMPARE(answer.value("bucket").toInt(), config::rolloutBucket("checkout.v2", merchant));
            QCOMPARE(answer.value("enabled").toBool(), config::rolloutBucket("checkout.v2", merchant) < 30);
            on += answer.value("enabled").toBool() ? 1 : 0;
        }
        QVERIFY(on > 10 && on < 50);
        QCOMPARE(evaluate("m-1").value("bucket").toInt(), 37); // pinned in the unit test too
        QCOMPARE(
            configAdmin("PUT", "/api/v1/flags/checkout.v2", R"({"enabled": false, "rollout_percent": 100})")
                .status,
            200);
        QCOMPARE(evaluate("m-1").value("enabled").toBool(), false);
        QCOMPARE(configAdmin("GET", "/api/v1/flags/checkout.v2").json().value("enabled").toBool(), false);
        QCOMPARE(
            m_gateway->callSync("config-service", "GET", "/internal/v1/flags/nope/evaluate?merchant_id=m")
                .status,
            404);
        QCOMPARE(configAdmin("PUT", "/api/v1/flags/x", R"({"enabled": true, "rollout_percent": 101})").status,
                 422);
    }

    void servicesRegisterAndAdminsListThem()
    {
        const QJsonObject me{{"name", "merchant-limit-service"},
                             {"url", "http://127.0.0.1:40022"},
                             {"version", "0.1.0"},
                             {"port", 40022}};
        QCOMPARE(
            m_gateway->callSync("config-service", "POST", "/internal/v1/registry", QJsonDocument(me).toJson())
                .status,
            204);
        QCOMPARE(
            httpRequest("POST", url(kConfigSeed, "/internal/v1/registry"), QJsonDocument(me).toJson()).status,
            403);
        // Every service of the host also announced itself when it became ready.
        QJsonObject limits;
        QStringList names;
        QTRY_VERIFY_WITH_TIMEOUT(
            configAdmin("GET", "/api/v1/registry").json().value("items").toArray().size() >= 2, 5000);
        for (const QJsonValue &item :
             configAdmin("GET", "/api/v1/registry").json().value("items").toArray()) {
            names.append(item.toObject().value("name").toString());
            if (names.last() == QStringLiteral("merchant-limit-service"))
                limits = item.toObject();
        }
        QVERIFY2(names.contains("config-service") && names.contains("merchant-limit-service"),
                 qPrintable(names.join(',')));
        QVERIFY(!limits.value("last_seen").toString().isEmpty());
    }

    void configClientSeesAdminChangesWithoutRestart()
    {
        QCOMPARE(configAdmin("PUT", "/api/v1/configs/live.threshold", R"({"value": 1})").status, 201);
        auto probe = [&] { return httpRequest("GET", url(40101, "/api/v1/probe/live.threshold")).json(); };
        QCOMPARE(probe().value("value").toInt(), 1);
        const int fetches = probe().value("fetches").toInt();
        QCOMPARE(probe().value("fetches").toInt(), fetches); // served from the cache
        QCOMPARE(configAdmin("PUT", "/api/v1/configs/live.threshold", R"({"value": 2})").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(probe().value("value").toInt(), 2, 2000);
        QCOMPARE(probe().value("version").toInt(), 2);
    }

    // ---- both ----

    void everyAdminRouteChecksTokenAndPermission()
    {
        int checked = 0;
        for (const auto &[service, seed] :
             {std::pair{QStringLiteral("config-service"), kConfigSeed},
              std::pair{QStringLiteral("merchant-limit-service"), kLimitSeed}}) {
            for (const Route &route : m_host->runtime(service)->router().routes()) {
                if (route.access != Access::Admin || !route.pattern.startsWith("/api/v1/"))
                    continue; // the platform's own admin routes are tested with the platform
                QVERIFY2(!route.permission.isEmpty(), qPrintable(route.pattern));
                QString path = route.pattern;
                path.replace(QRegularExpression("\\{currency\\}"), "USD");
                path.replace(QRegularExpression("\\{[a-z_]+\\}"), "rbac.probe");
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
        QCOMPARE(checked,
                 13); // 6 config + 3 flag + 1 registry + 4 limit routes: a new route must be counted here
    }

    void everyMutationLeavesAnAuditEvent()
    {
        QStringList configActions;
        for (const QJsonObject &event : auditEvents("payment_config")) {
            configActions.append(event.value("action").toString());
            QCOMPARE(event.value("actor_id").toString(),
                     QStringLiteral("00000000-0000-0000-0000-00000000a001"));
            QCOMPARE(event.value("service").toString(), QStringLiteral("config-service"));
        }
        QCOMPARE(configActions.count("config.set"), 2 + 2 + 2); // retry.max ×2, stripe ×2, live ×2
        QCOMPARE(configActions.count("config.rollback"), 1);
        QCOMPARE(configActions.count("flag.set"), 2);
        QStringList limitActions;
        for (const QJsonObject &event : auditEvents("payment_merchant_limit"))
            limitActions.append(event.value("action").toString());
        QCOMPARE(limitActions.count("limit.override.set"), 4); // m-conc, m-count, m-ovr, m-warn
        QCOMPARE(limitActions.count("limit.override.delete"), 1);
        QCOMPARE(limitActions.count("limit.profile.set"), 2); // m-ovr, m-ev
    }

    void cleanupTestCase()
    {
        m_gateway.reset();
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(LimitConfigTest)
#include "tst_limit_config.moc"
