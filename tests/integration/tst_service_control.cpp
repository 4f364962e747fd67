// Service control end to end, every service of the catalog in process on a real PostgreSQL and
// Redis, plus two probe services: admin-service's POST /api/v1/system/services/{name}/stop|start|
// restart stops one service (its port closes, in-process calls get 503 SERVICE_STOPPED, events for
// it wait), starts it again (events delivered once, in order) and restarts it; a request in flight
// when the stop begins completes; permissions, self-control and audit records.

#include "services/ServiceCatalog.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/bus/Outbox.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/host/Transaction.h"
#include "platform/rpc/ServiceClient.h"
#include "support/Infrastructure.h"
#include "support/MerchantFixture.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QMutex>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QtConcurrent>

using namespace paydesk::platform;
using namespace paydesk::testing;

namespace {
constexpr quint16 kAdminSeed = 40001;
constexpr quint16 kGatewaySeed = 40003;
constexpr quint16 kAccountingSeed = 40007;
constexpr quint16 kConsumerSeed = 40401;
constexpr quint16 kProducerSeed = 40402;
const QString kProbeTopic = QStringLiteral("probe.events");

// What the consumer probe saw, shared with the test thread.
struct Seen
{
    QMutex mutex;
    QStringList order;   // event ids in handling order (a redelivery shows twice)
    QSemaphore slowGate; // GET /api/v1/probe/slow waits on it
    std::atomic<int> slowEntered{0};
};

// "probe-consumer": a slow route (for the drain) and a consumer of probe.events.
// "probe-producer": POST /api/v1/probe/emit?n=N appends N probe events to its outbox.
class ProbeService : public Service
{
public:
    ProbeService(const QString &name, quint16 seed, std::shared_ptr<Seen> seen)
        : Service({name, seed, QStringLiteral("paydesk_test_") + QString(name).replace(u'-', u'_'),
                   QStringLiteral("service control probe")}),
          m_seen(std::move(seen))
    {
    }
    bool consumer() const { return descriptor().name == QStringLiteral("probe-consumer"); }

    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        if (consumer()) {
            router.add({.method = "GET",
                        .pattern = "/api/v1/probe/slow",
                        .handler =
                            [seen = m_seen](const HttpRequest &) {
                                ++seen->slowEntered;
                                seen->slowGate.acquire(); // released by the test
                                return HttpResponse::json(QJsonObject{{"done", true}});
                            },
                        .access = Access::Public});
            return;
        }
        router.add({.method = "POST",
                    .pattern = "/api/v1/probe/emit",
                    .handler =
                        [&runtime](const HttpRequest &request) {
                            const int n = request.query.queryItemValue("n").toInt();
                            return transact(
                                runtime, request,
                                [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
                                    QJsonArray ids;
                                    for (int i = 0; i < n; ++i) {
                                        Event event;
                                        event.eventId = QUuid::createUuid();
                                        event.topic = kProbeTopic;
                                        event.type = "probe.happened";
                                        event.aggregateType = "probe";
                                        event.aggregateId = QString::number(i);
                                        if (outbox::append(db, event, why) < 0)
                                            return std::nullopt;
                                        ids.append(event.eventId.toString(QUuid::WithoutBraces));
                                    }
                                    return HttpResponse::json(QJsonObject{{"ids", ids}});
                                });
                        },
                    .access = Access::Public});
    }
    QList<QPair<QString, QString>> consumedTopics() const override
    {
        if (consumer())
            return {{kProbeTopic, "probe-consumer"}};
        return {};
    }
    void onReady(ServiceRuntime &runtime) override
    {
        if (!consumer())
            return;
        runtime.subscribe(kProbeTopic, "probe-consumer", [seen = m_seen](const Event &event) {
            QMutexLocker lock(&seen->mutex);
            seen->order.append(event.eventId.toString(QUuid::WithoutBraces));
            return true;
        });
    }

private:
    std::shared_ptr<Seen> m_seen;
};
} // namespace

class ServiceControlTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-service-control-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<ServiceClient> m_internal;
    std::shared_ptr<Seen> m_seen = std::make_shared<Seen>();
    quint16 m_base = 0;
    TestMerchant m_shop;

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)}};
    }
    HttpResult control(const QString &service, const QString &action,
                       const QStringList &permissions = {"system.control"}) const
    {
        return httpRequest("POST", url(kAdminSeed, "/api/v1/system/services/" + service + "/" + action), {},
                           admin(permissions), 120000);
    }
    QString state(const QString &service) const { return toString(m_host->runtime(service)->health().state); }
    QVariant adminSql(const QString &statement, const QVariantList &values = {})
    {
        QSqlQuery q(serviceDatabase(m_infra, "test-admin", "payment_admin"));
        q.prepare(statement);
        for (const QVariant &v : values)
            q.addBindValue(v);
        if (!q.exec() || !q.next())
            return {};
        return q.value(0);
    }
    int journalEntries(const QString &paymentNo)
    {
        QSqlQuery q(serviceDatabase(m_infra, "test-accounting", "payment_accounting"));
        q.prepare("SELECT count(*) FROM journal_entries WHERE payment_no = ?");
        q.addBindValue(paymentNo);
        return q.exec() && q.next() ? q.value(0).toInt() : -1;
    }
    QString pay()
    {
        const QJsonObject body{{"order_no", "ORD-" + QUuid::createUuid().toString(QUuid::Id128).left(16)},
                               {"amount_minor", 1000},
                               {"currency", "USD"},
                               {"pay_method", "card"},
                               {"card", QJsonObject{{"number", "4242424242424242"},
                                                    {"exp_month", 12},
                                                    {"exp_year", 2031},
                                                    {"cvc", "123"}}}};
        const QByteArray payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        QHash<QByteArray, QByteArray> headers =
            signedHeaders(m_shop.apiKey, m_shop.secret, "POST", "/api/v1/payments", payload);
        headers.insert("Content-Type", "application/json");
        const HttpResult r =
            httpRequest("POST", url(kGatewaySeed, "/api/v1/payments"), payload, headers, 30000);
        if (r.status != 201)
            qWarning() << "payment failed" << r.status << r.body;
        return r.json().value("payment_no").toString();
    }
    // Events the producer's relay offered and the bus refused (waiting for a stopped consumer).
    int refusedEvents(const QString &database)
    {
        QSqlQuery q(serviceDatabase(m_infra, "test-" + database, database));
        return q.exec("SELECT count(*) FROM outbox_events WHERE published_at IS NULL AND attempts > 0") &&
                       q.next()
                   ? q.value(0).toInt()
                   : -1;
    }
    QStringList seenOrder()
    {
        QMutexLocker lock(&m_seen->mutex);
        return m_seen->order;
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
                                     {{"workers_per_service", "4"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        for (const ServiceCatalogEntry &entry : paydesk::services::catalog())
            m_host->add(entry.create(entry.descriptor.name));
        m_host->add(std::make_unique<ProbeService>("probe-consumer", kConsumerSeed, m_seen));
        m_host->add(std::make_unique<ProbeService>("probe-producer", kProducerSeed, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 120000);
        QCOMPARE(m_host->environment().control, static_cast<ServiceControl *>(m_host.get()));
        m_internal = std::make_unique<ServiceClient>(m_host->directory(), "cashier-service");
        MerchantSetup setup;
        setup.name = QStringLiteral("Control Shop");
        const auto onboarded =
            onboardMerchant([this](quint16 seed, const QString &path) { return url(seed, path); },
                            adminToken(m_dir.path(), {"*"}), setup, &error);
        QVERIFY2(onboarded, qPrintable(error));
        m_shop = *onboarded;
    }

    void cleanupTestCase()
    {
        if (m_host) {
            m_seen->slowGate.release(100); // never leave a worker blocked
            m_host->stop();
        }
    }

    void stopRefusesCallsAndHoldsEventsUntilStart()
    {
        // A payment before the stop: what one payment leaves in the ledger.
        const QString before = pay();
        QVERIFY(!before.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(journalEntries(before) > 0, 15000);
        const int perPayment = journalEntries(before);

        const HttpResult stopped = control("accounting-service", "stop");
        QVERIFY2(stopped.status == 200, stopped.body.constData());
        QCOMPARE(stopped.json().value("state").toString(), QStringLiteral("stopped"));
        QCOMPARE(stopped.json().value("status").toString(), QStringLiteral("stopped"));
        QCOMPARE(stopped.json().value("ready").toBool(), false);
        QCOMPARE(state("accounting-service"), QStringLiteral("stopped"));

        // Over HTTP (its port stays open) and in process, calls fail fast with a clear problem.
        const HttpResult overHttp = httpRequest("GET", url(kAccountingSeed, "/api/v1/ledger/balances"), {},
                                                admin({"accounting.view"}));
        QCOMPARE(overHttp.status, 503);
        QCOMPARE(overHttp.json().value("code").toString(), QStringLiteral("SERVICE_STOPPED"));
        const HttpResult healthOverHttp = httpRequest("GET", url(kAccountingSeed, "/health"));
        QCOMPARE(healthOverHttp.status, 503);
        QCOMPARE(healthOverHttp.json().value("status").toString(), QStringLiteral("stopped"));
        const HttpResponse inProcess =
            m_internal->callSync("accounting-service", "GET", "/api/v1/ledger/balances");
        QCOMPARE(inProcess.status, 503);
        QCOMPARE(inProcess.jsonObject().value("code").toString(), QStringLiteral("SERVICE_STOPPED"));
        // Its logs and spans can still be read (why was it stopped?), and show the stop.
        const HttpResult logs =
            httpRequest("GET", url(kAccountingSeed, "/admin/v1/logs?q=stopped"), {}, admin({"system.view"}));
        QCOMPARE(logs.status, 200);
        QVERIFY2(!logs.json().value("items").toArray().isEmpty(), logs.body.constData());
        QCOMPARE(
            httpRequest("GET", url(kAccountingSeed, "/admin/v1/spans"), {}, admin({"system.view"})).status,
            200);
        // /health still answers, so the health monitor can say "stopped".
        const HttpResponse health = m_internal->callSync("accounting-service", "GET", "/health");
        QCOMPARE(health.status, 503);
        QCOMPARE(health.jsonObject().value("status").toString(), QStringLiteral("stopped"));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const HttpResult system =
                    httpRequest("GET", url(kAdminSeed, "/api/v1/system/health"), {}, admin({"system.view"}));
                for (const QJsonValue &s : system.json().value("services").toArray())
                    if (s.toObject().value("service").toString() == "accounting-service")
                        return s.toObject().value("state").toString() == "stopped";
                return false;
            }(),
            10000);

        // Payments go on; their ledger events wait for the accounting service.
        const QStringList held{pay(), pay(), pay()};
        for (const QString &no : held)
            QVERIFY(!no.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(refusedEvents("payment_gateway") > 0, 10000); // offered, refused
        for (const QString &no : held)
            QCOMPARE(journalEntries(no), 0);

        const HttpResult started = control("accounting-service", "start");
        QVERIFY2(started.status == 200, started.body.constData());
        QCOMPARE(started.json().value("status").toString(), QStringLiteral("healthy"));
        QCOMPARE(started.json().value("ready").toBool(), true);
        QCOMPARE(httpRequest("GET", url(kAccountingSeed, "/health")).status, 200);
        // Every held event handled after the start, once.
        for (const QString &no : held)
            QTRY_COMPARE_WITH_TIMEOUT(journalEntries(no), perPayment, 15000);
    }

    void eventsWaitInOrderAndArriveOnce()
    {
        // Events while running are handled.
        HttpResult emitted = httpRequest("POST", url(kProducerSeed, "/api/v1/probe/emit?n=2"), "{}");
        QVERIFY2(emitted.status == 200, emitted.body.constData());
        QStringList expected;
        for (const QJsonValue &id : emitted.json().value("ids").toArray())
            expected.append(id.toString());
        QTRY_COMPARE_WITH_TIMEOUT(seenOrder(), expected, 10000);

        QVERIFY(control("probe-consumer", "stop").status == 200);
        emitted = httpRequest("POST", url(kProducerSeed, "/api/v1/probe/emit?n=5"), "{}");
        QVERIFY2(emitted.status == 200, emitted.body.constData());
        for (const QJsonValue &id : emitted.json().value("ids").toArray())
            expected.append(id.toString());
        QTRY_VERIFY_WITH_TIMEOUT(refusedEvents("paydesk_test_probe_producer") > 0, 10000);
        QCOMPARE(seenOrder().size(), 2); // refused while stopped: nothing handled

        QVERIFY(control("probe-consumer", "start").status == 200);
        // In the producer's order, none lost, none twice.
        QTRY_COMPARE_WITH_TIMEOUT(seenOrder().size(), expected.size(), 10000);
        QCOMPARE(seenOrder(), expected);
    }

    void restartRunsOnReadyAgain()
    {
        const HttpResult restarted = control("probe-consumer", "restart");
        QVERIFY2(restarted.status == 200, restarted.body.constData());
        QCOMPARE(restarted.json().value("status").toString(), QStringLiteral("healthy"));
        // The subscription made by the second onReady receives, and is the only one: a duplicate
        // handler would show each event twice and the list would never equal the expected one.
        QStringList expected = seenOrder();
        const HttpResult emitted = httpRequest("POST", url(kProducerSeed, "/api/v1/probe/emit?n=3"), "{}");
        QVERIFY2(emitted.status == 200, emitted.body.constData());
        for (const QJsonValue &id : emitted.json().value("ids").toArray())
            expected.append(id.toString());
        QTRY_COMPARE_WITH_TIMEOUT(seenOrder(), expected, 10000);

        // A real service too: payment-gateway restarts and takes payments again.
        QCOMPARE(control("payment-gateway", "restart").status, 200);
        QVERIFY(!pay().isEmpty());
    }

    void aRequestInFlightDuringTheStopCompletes()
    {
        m_seen->slowEntered = 0;
        QFuture<HttpResult> slow = QtConcurrent::run(
            [this] { return httpRequest("GET", url(kConsumerSeed, "/api/v1/probe/slow"), {}, {}, 30000); });
        QTRY_COMPARE_WITH_TIMEOUT(m_seen->slowEntered.load(), 1, 10000);
        QFuture<HttpResult> stop = QtConcurrent::run([this] { return control("probe-consumer", "stop"); });
        // Draining: the stop waits for the request, new calls are refused meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT(state("probe-consumer"), QStringLiteral("stopping"), 10000);
        QVERIFY(!stop.isFinished());
        QCOMPARE(m_internal->callSync("probe-consumer", "GET", "/api/v1/probe/slow").status, 503);
        m_seen->slowGate.release();
        QTRY_VERIFY_WITH_TIMEOUT(slow.isFinished() && stop.isFinished(), 30000);
        QCOMPARE(slow.result().status, 200);
        QCOMPARE(slow.result().json().value("done").toBool(), true);
        QCOMPARE(stop.result().status, 200);
        QCOMPARE(state("probe-consumer"), QStringLiteral("stopped"));
        QCOMPARE(control("probe-consumer", "start").status, 200);
    }

    void refusals()
    {
        // Without the permission.
        HttpResult r = control("probe-consumer", "stop", {"system.view"});
        QCOMPARE(r.status, 403);
        QCOMPARE(state("probe-consumer"), QStringLiteral("running"));
        // Unknown service.
        r = control("no-such-service", "stop");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value("code").toString(), QStringLiteral("SERVICE_NOT_FOUND"));
        // admin-service serves the request: it does not stop itself.
        r = control("admin-service", "restart");
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json().value("code").toString(), QStringLiteral("SERVICE_NOT_CONTROLLABLE"));
        QCOMPARE(state("admin-service"), QStringLiteral("running"));
        // Idempotent: stopping a stopped service and starting a running one succeed.
        QCOMPARE(control("probe-consumer", "start").status, 200);
        QCOMPARE(control("probe-consumer", "stop").status, 200);
        QCOMPARE(control("probe-consumer", "stop").status, 200);
        QCOMPARE(control("probe-consumer", "start").status, 200);
        // The route is in the OpenAPI document.
        const QJsonObject paths =
            httpRequest("GET", url(kAdminSeed, "/openapi.json")).json().value("paths").toObject();
        QVERIFY(paths.contains("/api/v1/system/services/{name}/restart"));
    }

    void everyActionIsAudited()
    {
        QTRY_VERIFY_WITH_TIMEOUT(
            adminSql("SELECT count(*) FROM audit_logs WHERE action = 'service.stop' AND resource_id = "
                     "'accounting-service'")
                    .toInt() == 1,
            15000);
        QCOMPARE(adminSql("SELECT after->>'result' FROM audit_logs WHERE action = 'service.start' AND "
                          "resource_id = 'accounting-service'")
                     .toString(),
                 QStringLiteral("ok"));
        QCOMPARE(adminSql("SELECT before->>'state' FROM audit_logs WHERE action = 'service.start' AND "
                          "resource_id = 'accounting-service'")
                     .toString(),
                 QStringLiteral("stopped"));
        QTRY_VERIFY_WITH_TIMEOUT(
            adminSql("SELECT count(*) FROM audit_logs WHERE action = 'service.restart' AND resource_id = "
                     "'payment-gateway'")
                    .toInt() == 1,
            15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            adminSql("SELECT count(*) FROM audit_logs WHERE resource = 'service' AND resource_id = "
                     "'probe-consumer'")
                    .toInt() == 9,
            15000);
        QCOMPARE(adminSql("SELECT count(*) FROM audit_logs WHERE resource = 'service' AND (actor_id = '' OR "
                          "after->>'result' IS NULL)")
                     .toInt(),
                 0);
        // Refusals change nothing and leave no record.
        QCOMPARE(adminSql("SELECT count(*) FROM audit_logs WHERE resource_id IN ('admin-service', "
                          "'no-such-service') AND resource = 'service'")
                     .toInt(),
                 0);
    }

    // The last case: a service an administrator stopped has already drained, and the host's
    // shutdown ends its thread without waiting out the drain limit (which would terminate it).
    void aStoppedServiceDoesNotHoldUpTheShutdown()
    {
        QCOMPARE(control("probe-consumer", "stop").status, 200);
        QTest::failOnWarning(QRegularExpression("did not stop in time"));
        m_host->stop();
        QVERIFY(m_host->health().isEmpty());
        // Its port, kept while it was stopped, is closed with the shutdown.
        QCOMPARE(httpRequest("GET", url(kConsumerSeed, "/health")).status, 0);
    }
};

QTEST_GUILESS_MAIN(ServiceControlTest)
#include "tst_service_control.moc"
