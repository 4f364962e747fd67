// The Kafka event bus against librdkafka's mock cluster (real Kafka protocol on loopback sockets,
// no broker package exists here): delivery reports, every consumer group sees every event, order
// per aggregate, a refused event is redelivered before the ones after it, a group that subscribes
// late still reads from the start, a down cluster makes publish answer false; and a whole
// paydesk-server whose services talk through Kafka.

#include "platform/bus/KafkaEventBus.h"

#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

using namespace paydesk::platform;
using namespace paydesk::testing;

namespace {
constexpr int kGroupJoinMs = 20000; // a consumer group join takes seconds on the mock cluster

// A mock cluster lives inside an rd_kafka_t handle of this process.
class MockCluster
{
public:
    MockCluster()
    {
        char reason[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", reason, sizeof reason);
        m_handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
        m_cluster = rd_kafka_mock_cluster_new(m_handle, 3);
    }
    ~MockCluster()
    {
        rd_kafka_mock_cluster_destroy(m_cluster);
        rd_kafka_destroy(m_handle);
    }
    QString bootstrap() const { return QString::fromLatin1(rd_kafka_mock_cluster_bootstraps(m_cluster)); }
    void createTopic(const QString &topic, int partitions)
    {
        rd_kafka_mock_topic_create(m_cluster, topic.toUtf8().constData(), partitions, 3);
    }
    void setDown(bool down)
    {
        for (int broker = 1; broker <= 3; ++broker)
            down ? rd_kafka_mock_broker_set_down(m_cluster, broker)
                 : rd_kafka_mock_broker_set_up(m_cluster, broker);
    }

private:
    rd_kafka_t *m_handle = nullptr;
    rd_kafka_mock_cluster_t *m_cluster = nullptr;
};

Event makeEvent(const QString &topic, const QString &aggregate, int n)
{
    Event e;
    e.eventId = QUuid::createUuid();
    e.topic = topic;
    e.type = QStringLiteral("thing.happened");
    e.aggregateType = QStringLiteral("thing");
    e.aggregateId = aggregate;
    e.payload = {{"n", n}, {"aggregate", aggregate}};
    e.source = QStringLiteral("producer");
    e.occurredAt = QDateTime::currentDateTimeUtc();
    e.sequence = n;
    return e;
}

bool publishAll(KafkaEventBus &bus, const QList<Event> &events)
{
    QList<QFuture<bool>> acks;
    for (const Event &e : events)
        acks.append(bus.publish(e));
    for (QFuture<bool> &ack : acks) {
        ack.waitForFinished();
        if (ack.resultCount() == 0 || !ack.result())
            return false;
    }
    return true;
}

// Collects what a subscriber received, on the subscriber's (this test's) thread.
struct Received
{
    QList<Event> events;
    QHash<QString, QList<int>> perAggregate;
    void add(const Event &e)
    {
        events.append(e);
        perAggregate[e.aggregateId].append(e.payload.value("n").toInt());
    }
};
} // namespace

class KafkaBusTest : public QObject
{
    Q_OBJECT

private slots:
    void everyGroupSeesEveryEventInOrderPerAggregate()
    {
        MockCluster cluster;
        cluster.createTopic("orders.test", 4);
        QString error;
        auto bus = KafkaEventBus::create({.brokers = cluster.bootstrap()}, &error);
        QVERIFY2(bus, qPrintable(error));

        QList<Event> events;
        for (int n = 0; n < 300; ++n)
            events.append(makeEvent("orders.test", QStringLiteral("agg-%1").arg(n % 7), n));
        QVERIFY(publishAll(*bus, events)); // delivery reports: all acknowledged by the cluster

        Received a, b;
        QObject contextA, contextB;
        bus->subscribe("orders.test", "group-a", &contextA, [&](const Event &e) {
            a.add(e);
            return true;
        });
        bus->subscribe("orders.test", "group-b", &contextB, [&](const Event &e) {
            b.add(e);
            return true;
        });
        QTRY_COMPARE_WITH_TIMEOUT(a.events.size(), 300, kGroupJoinMs);
        QTRY_COMPARE_WITH_TIMEOUT(b.events.size(), 300, kGroupJoinMs);
        for (const Received *r : {&a, &b}) {
            for (auto it = r->perAggregate.begin(); it != r->perAggregate.end(); ++it) {
                QList<int> sorted = it.value();
                std::sort(sorted.begin(), sorted.end());
                QCOMPARE(it.value(), sorted); // one aggregate's events arrive in the order produced
            }
        }
        // The payload survives the trip exactly.
        const Event &first = *std::find_if(a.events.begin(), a.events.end(),
                                           [](const Event &e) { return e.payload.value("n").toInt() == 0; });
        QCOMPARE(first.eventId, events[0].eventId);
        QCOMPARE(first.aggregateId, QStringLiteral("agg-0"));
        QCOMPARE(first.type, QStringLiteral("thing.happened"));
        QCOMPARE(first.source, QStringLiteral("producer"));
    }

    void aRefusedEventComesBackBeforeTheNextOne()
    {
        MockCluster cluster;
        cluster.createTopic("retry.test", 1);
        QString error;
        auto bus = KafkaEventBus::create({.brokers = cluster.bootstrap(), .retryBackoffMaxMs = 200}, &error);
        QVERIFY2(bus, qPrintable(error));
        QList<Event> events;
        for (int n = 0; n < 5; ++n)
            events.append(makeEvent("retry.test", "one", n));
        QVERIFY(publishAll(*bus, events));

        QList<int> seen;
        int refusals = 0;
        QObject context;
        bus->subscribe("retry.test", "g", &context, [&](const Event &e) {
            const int n = e.payload.value("n").toInt();
            seen.append(n);
            if (n == 2 && refusals < 2) {
                ++refusals; // e.g. the consumer's database is away for a moment
                return false;
            }
            return true;
        });
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 7, kGroupJoinMs);
        QCOMPARE(seen, QList<int>({0, 1, 2, 2, 2, 3, 4}));
    }

    void aGroupThatSubscribesLateReadsFromTheStart()
    {
        MockCluster cluster;
        cluster.createTopic("late.test", 2);
        QString error;
        auto bus = KafkaEventBus::create({.brokers = cluster.bootstrap()}, &error);
        QVERIFY2(bus, qPrintable(error));
        QList<Event> events;
        for (int n = 0; n < 20; ++n)
            events.append(makeEvent("late.test", QStringLiteral("x%1").arg(n % 3), n));
        QVERIFY(publishAll(*bus, events));

        // A second bus (another process, in a cluster) whose group has never run before.
        auto other = KafkaEventBus::create({.brokers = cluster.bootstrap(), .clientId = "other"}, &error);
        QVERIFY2(other, qPrintable(error));
        Received late;
        QObject context;
        other->subscribe("late.test", "newcomer", &context, [&](const Event &e) {
            late.add(e);
            return true;
        });
        QTRY_COMPARE_WITH_TIMEOUT(late.events.size(), 20, kGroupJoinMs);
    }

    void publishAnswersFalseWhenTheClusterIsDown()
    {
        MockCluster cluster;
        cluster.createTopic("down.test", 1);
        QString error;
        auto bus = KafkaEventBus::create({.brokers = cluster.bootstrap(), .deliveryTimeoutMs = 1500}, &error);
        QVERIFY2(bus, qPrintable(error));
        QVERIFY(publishAll(*bus, {makeEvent("down.test", "a", 1)}));
        cluster.setDown(true);
        QFuture<bool> ack = bus->publish(makeEvent("down.test", "a", 2));
        ack.waitForFinished();
        QVERIFY(ack.resultCount() == 1);
        QCOMPARE(ack.result(), false); // the outbox keeps it and the relay tries again later
        cluster.setDown(false);
        // Back up: the producer reconnects (with its own back-off) and publishing succeeds again.
        QTRY_VERIFY_WITH_TIMEOUT(publishAll(*bus, {makeEvent("down.test", "a", 3)}), 20000);
    }

    void aWholeServerTalksThroughKafka()
    {
        // merchant-service publishes merchant.events; merchant-limit-service learns the merchant's
        // tier from them. With kafka_brokers set, that path goes through the mock cluster.
        MockCluster cluster;
        QTemporaryDir dir;
        ServerProcess server(dir.path() + "/data", freeBasePort(), {},
                             {{"PAYDESK_KAFKA_BROKERS", cluster.bootstrap()}});
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY2(server.waitAllReady(120000, &error), qPrintable(error + server.output()));
        QVERIFY(server.output().contains("event bus: Kafka at"));
        const QByteArray token = adminToken(dir.path() + "/data", {"*"});
        const QHash<QByteArray, QByteArray> headers{{"Authorization", "Bearer " + token},
                                                    {"Content-Type", "application/json"}};
        const HttpResult created = httpRequest(
            "POST", server.url(40002, "/api/v1/merchants"),
            R"({"name":"Kafka Shop","email":"k@shop.example","country":"DE","business_type":"individual","tier":"business"})",
            headers);
        QCOMPARE(created.status, 201);
        const QString id = created.json().value("id").toString();
        QElapsedTimer propagation;
        propagation.start();
        QTRY_COMPARE_WITH_TIMEOUT(
            httpRequest("GET", server.url(40022, "/api/v1/merchants/" + id + "/limits"), {}, headers)
                .json()
                .value("tier")
                .toString(),
            QStringLiteral("business"), 120000); // generous: group joins are slow on a loaded 2-core CI box
        qInfo("merchant.events reached merchant-limit-service through Kafka after %lld ms",
              propagation.elapsed());
        QCOMPARE(server.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(KafkaBusTest)
#include "tst_kafka_bus.moc"
