// analytics-service in process on a real PostgreSQL: payment.events published through a test
// service's outbox (as payment-gateway does) land in per-minute buckets. A known event sequence
// gives exactly the expected summary (counts, amounts per currency, success rate, latency p50/p95,
// series) — with a duplicate delivered twice counted once and a success that arrives before its
// created event still measured; daily totals; bad query parameters; malformed events skipped
// without blocking the topic; RBAC (payment.view).

#include "services/analytics-service/AnalyticsService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace analytics = paydesk::services::analytics;

namespace {
// Publishes events through its outbox: POST /api/v1/emit {events:[{topic, type, payload, event_id}]},
// all in one transaction.
class EmitterService : public Service
{
public:
    explicit EmitterService(quint16 seedPort) : Service({"emitter", seedPort, "paydesk_test_emitter", "test"})
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        router.add(
            {.method = "POST",
             .pattern = "/api/v1/emit",
             .handler =
                 [&runtime](const HttpRequest &request) {
                     QString error;
                     QSqlDatabase db = runtime.database().connection(&error);
                     const bool ok = inTransaction(
                         db,
                         [&](QString *why) {
                             for (const QJsonValue &value : request.json.object().value("events").toArray()) {
                                 const QJsonObject body = value.toObject();
                                 const Event event{
                                     .eventId = QUuid::fromString(body.value("event_id").toString()),
                                     .topic = body.value("topic").toString(),
                                     .type = body.value("type").toString(),
                                     .aggregateType = "payment",
                                     .aggregateId =
                                         body.value("payload").toObject().value("payment_no").toString(),
                                     .payload = body.value("payload").toObject()};
                                 if (outbox::append(db, event, why) <= 0)
                                     return false;
                             }
                             return true;
                         },
                         &error);
                     if (!ok)
                         return HttpResponse::json(QJsonObject{{"error", error}}, 500);
                     runtime.kickOutbox();
                     return HttpResponse::empty(202);
                 },
             .jsonBody = true});
    }
};

constexpr quint16 kAnalyticsSeed = 40009;
constexpr quint16 kEmitterSeed = 40109;
} // namespace

class AnalyticsTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-analytics-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    quint16 m_base = 0;
    const QString m_run = QString::number(QRandomGenerator::global()->bounded(1'000'000));
    // A minute-aligned start ten minutes ago: every event of the known sequence is placed from it.
    QDateTime m_t0;

    QString dataDir() const { return m_dir.path() + "/data"; }
    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    HttpResult get(const QString &path, const QStringList &permissions = {"payment.view"})
    {
        QHash<QByteArray, QByteArray> headers;
        if (!permissions.isEmpty())
            headers.insert("Authorization", "Bearer " + adminToken(dataDir(), permissions));
        return httpRequest("GET", url(kAnalyticsSeed, path), {}, headers, 30000);
    }
    QString at(qint64 ms) const { return m_t0.addMSecs(ms).toString(Qt::ISODateWithMs); }
    static QJsonObject event(const QString &type, const QJsonObject &payload,
                             const QUuid &id = QUuid::createUuid())
    {
        return {{"topic", "payment.events"},
                {"type", type},
                {"payload", payload},
                {"event_id", id.toString(QUuid::WithoutBraces)}};
    }
    QJsonObject payment(const QString &merchant, const QString &paymentNo, qint64 amount,
                        const QString &currency, qint64 atMs) const
    {
        return {{"payment_no", paymentNo}, {"merchant_id", merchant}, {"order_no", "O-" + paymentNo},
                {"amount_minor", amount},  {"currency", currency},    {"channel", "sandbox"},
                {"environment", "test"},   {"occurred_at", at(atMs)}};
    }
    // Emits the events in one outbox transaction and waits until every one is acknowledged (the
    // analytics effect is committed by then).
    void emitAndWait(const QJsonArray &events)
    {
        const HttpResult result =
            httpRequest("POST", url(kEmitterSeed, "/api/v1/emit"),
                        QJsonDocument(QJsonObject{{"events", events}}).toJson(), {}, 30000);
        QCOMPARE(result.status, 202);
        QSqlDatabase emitter = serviceDatabase(m_infra, "test-emitter", "paydesk_test_emitter");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QSqlQuery q(emitter);
                return q.exec("SELECT count(*) FROM outbox_events WHERE published_at IS NULL") && q.next() &&
                       q.value(0).toInt() == 0;
            }(),
            120000);
    }
    void redeliver(const QUuid &id, const QString &type, const QJsonObject &payload)
    {
        const Event again{.eventId = id,
                          .topic = "payment.events",
                          .type = type,
                          .aggregateType = "payment",
                          .aggregateId = payload.value("payment_no").toString(),
                          .payload = payload};
        for (int i = 0; i < 2; ++i) {
            QFuture<bool> ack = m_bus->publish(again);
            QTRY_VERIFY_WITH_TIMEOUT(ack.isFinished(), 10000);
            QVERIFY(ack.result());
        }
    }
    static QJsonObject byCurrency(const QJsonArray &volume, const QString &currency)
    {
        for (const QJsonValue &v : volume)
            if (v.toObject().value("currency").toString() == currency)
                return v.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, dataDir(), m_base, m_bus.get(), &env, &error,
                                     {{"workers_per_service", "4"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(analytics::createAnalyticsService(
            {"analytics-service", kAnalyticsSeed, "payment_analytics", "analytics"}));
        m_host->add(std::make_unique<EmitterService>(kEmitterSeed));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        m_t0 = QDateTime::fromSecsSinceEpoch(now - now % 60 - 600, Qt::UTC);
    }

    void knownSequenceGivesExactFigures()
    {
        const QString m = "m-an-" + m_run;
        // P1 USD 10.00: created +5 s, success +5.3 s (300 ms), refunded 4.00 at +125 s.
        const QJsonObject p1 = payment(m, "PY1-" + m_run, 1000, "USD", 5'000);
        QJsonObject p1Success = payment(m, "PY1-" + m_run, 1000, "USD", 5'300);
        p1Success["captured_minor"] = 1000;
        QJsonObject p1Refund = payment(m, "PY1-" + m_run, 1000, "USD", 125'000);
        p1Refund["refund_no"] = "RF1-" + m_run;
        p1Refund["refund_amount_minor"] = 400;
        // P2 USD 20.00: created +10 s, failed +61 s (51 s, in the next minute).
        // P3 EUR 5.00: success at +62 s delivered before its created at +61.9 s (100 ms).
        // P4 USD 7.00: created +70 s, cancelled +80 s.
        const QUuid p1SuccessId = QUuid::createUuid();
        const QUuid p3CreatedId = QUuid::createUuid();
        emitAndWait({event("payment.created", p1), event("payment.success", p1Success, p1SuccessId),
                     event("payment.created", payment(m, "PY2-" + m_run, 2000, "USD", 10'000)),
                     event("payment.failed", payment(m, "PY2-" + m_run, 2000, "USD", 61'000)),
                     event("payment.success", payment(m, "PY3-" + m_run, 500, "EUR", 62'000)),
                     event("payment.created", payment(m, "PY3-" + m_run, 500, "EUR", 61'900), p3CreatedId),
                     event("payment.created", payment(m, "PY4-" + m_run, 700, "USD", 70'000)),
                     event("payment.cancelled", payment(m, "PY4-" + m_run, 700, "USD", 80'000)),
                     event("payment.authorized", payment(m, "PY4-" + m_run, 700, "USD", 75'000)),
                     event("refund.success", p1Refund)});
        // At-least-once delivery: the same events again, straight through the bus, change nothing.
        redeliver(p1SuccessId, "payment.success", p1Success);
        redeliver(p3CreatedId, "payment.created", payment(m, "PY3-" + m_run, 500, "EUR", 61'900));
        // Another merchant's payment: in the all-merchants view only.
        emitAndWait(
            {event("payment.created", payment("other-" + m_run, "PY5-" + m_run, 900, "USD", 30'000))});

        const QString to =
            QString::fromLatin1(QUrl::toPercentEncoding(m_t0.addSecs(300).toString(Qt::ISODate)));
        const HttpResult r = get("/api/v1/analytics/summary?minutes=5&merchant_id=" + m + "&to=" + to);
        QCOMPARE(r.status, 200);
        const QJsonObject s = r.json();
        QCOMPARE(s.value("from").toString(), m_t0.toString(Qt::ISODate));
        QCOMPARE(s.value("created").toInteger(), 4);
        QCOMPARE(s.value("succeeded").toInteger(), 2);
        QCOMPARE(s.value("failed").toInteger(), 1);
        QCOMPARE(s.value("cancelled").toInteger(), 1);
        QCOMPARE(s.value("refunded").toInteger(), 1);
        QCOMPARE(s.value("success_rate").toDouble(), 0.6667); // 2 of 3 outcomes
        const QJsonObject ppm = s.value("payments_per_minute").toObject();
        QCOMPARE(ppm.value("average").toDouble(), 0.8);         // 4 in 5 minutes
        QCOMPARE(ppm.value("last_full_minute").toInteger(), 0); // minute 4 had none
        const QJsonObject usd = byCurrency(s.value("volume").toArray(), "USD");
        QCOMPARE(usd.value("created_count").toInteger(), 3);
        QCOMPARE(usd.value("created_minor").toInteger(), 3700);
        QCOMPARE(usd.value("succeeded_count").toInteger(), 1);
        QCOMPARE(usd.value("succeeded_minor").toInteger(), 1000);
        QCOMPARE(usd.value("refunded_minor").toInteger(), 400);
        const QJsonObject eur = byCurrency(s.value("volume").toArray(), "EUR");
        QCOMPARE(eur.value("succeeded_minor").toInteger(), 500);
        QCOMPARE(eur.value("created_count").toInteger(), 1);
        // Latencies 300 ms, 51 s and 100 ms (the out-of-order pair): nearest-rank p50 = 300 ms,
        // p95 in the ≤ 60 s bucket.
        QCOMPARE(s.value("latency_samples").toInteger(), 3);
        QCOMPARE(s.value("p50_ms").toInteger(), 300);
        QCOMPARE(s.value("p95_ms").toInteger(), 60000);
        const QJsonArray series = s.value("series").toArray();
        QCOMPARE(series.size(), 5);
        auto minute = [&](int i) {
            const QJsonObject o = series[i].toObject();
            return QStringLiteral("%1 c%2 s%3 f%4")
                .arg(o.value("minute").toString())
                .arg(o.value("created").toInteger())
                .arg(o.value("succeeded").toInteger())
                .arg(o.value("failed").toInteger());
        };
        QCOMPARE(minute(0), m_t0.toString(Qt::ISODate) + " c2 s1 f0");
        QCOMPARE(minute(1), m_t0.addSecs(60).toString(Qt::ISODate) + " c2 s1 f1");
        QCOMPARE(minute(2), m_t0.addSecs(120).toString(Qt::ISODate) + " c0 s0 f0");
        // p95 per minute: minute 0 has P1's 300 ms, minute 1 P2's 51 s and P3's 100 ms, minute 2 none.
        QCOMPARE(series[0].toObject().value("p95_ms").toInteger(), 300);
        QCOMPARE(series[1].toObject().value("p95_ms").toInteger(), 60000);
        QVERIFY(series[2].toObject().value("p95_ms").isNull());

        // A one-minute window of minute 1 only.
        const QString to2 =
            QString::fromLatin1(QUrl::toPercentEncoding(m_t0.addSecs(120).toString(Qt::ISODate)));
        const QJsonObject one =
            get("/api/v1/analytics/summary?minutes=1&merchant_id=" + m + "&to=" + to2).json();
        QCOMPARE(one.value("created").toInteger(), 2);
        QCOMPARE(one.value("payments_per_minute").toObject().value("last_full_minute").toInteger(), 2);
        QCOMPARE(one.value("latency_samples").toInteger(), 2); // P2's 51 s and P3's 100 ms
        QCOMPARE(one.value("p50_ms").toInteger(), 100);

        // All merchants: the other merchant's payment too.
        const QJsonObject all = get("/api/v1/analytics/summary?minutes=5&to=" + to).json();
        QVERIFY(all.value("created").toInteger() >= 5);
        QVERIFY(all.value("merchant_id").isNull());

        // Daily totals per currency (the window may straddle midnight: sum the days).
        const HttpResult daily = get(QStringLiteral("/api/v1/analytics/merchants/%1/daily?from=%2&to=%3")
                                         .arg(m, m_t0.date().addDays(-1).toString(Qt::ISODate),
                                              m_t0.date().addDays(1).toString(Qt::ISODate)));
        QCOMPARE(daily.status, 200);
        qint64 usdSucceeded = 0, usdCreated = 0, eurCreated = 0;
        for (const QJsonValue &v : daily.json().value("items").toArray()) {
            const QJsonObject o = v.toObject();
            QVERIFY(!o.value("date").toString().isEmpty());
            if (o.value("currency").toString() == "USD") {
                usdSucceeded += o.value("succeeded_minor").toInteger();
                usdCreated += o.value("created_count").toInteger();
            } else {
                eurCreated += o.value("created_count").toInteger();
            }
        }
        QCOMPARE(usdSucceeded, 1000);
        QCOMPARE(usdCreated, 3);
        QCOMPARE(eurCreated, 1);
    }

    void malformedEventsAreSkippedWithoutBlocking()
    {
        const QString m = "m-bad-" + m_run;
        emitAndWait({event("payment.created", payment(m, "PYB1-" + m_run, 100, "usd", 20'000)),
                     event("payment.created", payment(m, "PYB2-" + m_run, -5, "USD", 20'000)),
                     event("payment.created", payment("", "PYB3-" + m_run, 100, "USD", 20'000)),
                     event("payment.created", payment(m, "PYB4-" + m_run, 100, "USD", 20'000))});
        const QString to =
            QString::fromLatin1(QUrl::toPercentEncoding(m_t0.addSecs(60).toString(Qt::ISODate)));
        const QJsonObject s =
            get("/api/v1/analytics/summary?minutes=1&merchant_id=" + m + "&to=" + to).json();
        QCOMPARE(s.value("created").toInteger(), 1);
        QVERIFY(s.value("success_rate").isNull());
        QVERIFY(s.value("p95_ms").isNull());
    }

    void badParametersAre422()
    {
        QCOMPARE(get("/api/v1/analytics/summary?minutes=0").status, 422);
        QCOMPARE(get("/api/v1/analytics/summary?minutes=1441").status, 422);
        QCOMPARE(get("/api/v1/analytics/summary?minutes=x").status, 422);
        QCOMPARE(get("/api/v1/analytics/summary?to=yesterday").status, 422);
        QCOMPARE(get("/api/v1/analytics/summary?merchant_id=" + QString(65, 'm')).status, 422);
        QCOMPARE(get("/api/v1/analytics/merchants/m1/daily?from=2026-11-20&to=2026-11-10").status, 422);
        QCOMPARE(get("/api/v1/analytics/merchants/m1/daily?from=2024-01-01&to=2026-01-01").status, 422);
        QCOMPARE(get("/api/v1/analytics/merchants/m1/daily?from=nope").status, 422);
        const HttpResult empty = get("/api/v1/analytics/merchants/nobody-" + m_run + "/daily");
        QCOMPARE(empty.status, 200);
        QCOMPARE(empty.json().value("items").toArray().size(), 0);
        // The default window: 15 minutes ending with the current minute.
        const QJsonObject s = get("/api/v1/analytics/summary").json();
        QCOMPARE(s.value("minutes").toInt(), 15);
        QCOMPARE(s.value("series").toArray().size(), 15);
    }

    void readsNeedPaymentView()
    {
        QCOMPARE(get("/api/v1/analytics/summary", {}).status, 401);
        QCOMPARE(get("/api/v1/analytics/summary", {"order.view"}).status, 403);
        QCOMPARE(get("/api/v1/analytics/merchants/m1/daily", {"order.view"}).status, 403);
        QCOMPARE(get("/api/v1/analytics/summary", {"payment.view"}).status, 200);
        QCOMPARE(get("/api/v1/analytics/merchants/m1/daily", {"payment.view"}).status, 200);
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(AnalyticsTest)
#include "tst_analytics.moc"
