#include "platform/bus/InProcessEventBus.h"

#include <QTest>
#include <QThread>

using namespace paydesk::platform;

class EventBusTest : public QObject
{
    Q_OBJECT
    static Event event(const QString &topic, qint64 sequence)
    {
        return Event{.eventId = QUuid::createUuid(),
                     .topic = topic,
                     .type = "t",
                     .aggregateType = "a",
                     .aggregateId = "1",
                     .sequence = sequence};
    }
    // Waits (processing events, so queued deliveries run) for the publish to complete.
    static bool await(QFuture<bool> future)
    {
        const bool finished = QTest::qWaitFor([&] { return future.isFinished(); }, 5000);
        return finished && future.resultCount() > 0 && future.result();
    }

private Q_SLOTS:
    void everyGroupReceivesTheEventOnItsOwnThread()
    {
        InProcessEventBus bus;
        QThread worker;
        worker.start();
        QObject onWorker;
        onWorker.moveToThread(&worker);
        QObject onMain;
        QThread *seenOn = nullptr;
        int mainCount = 0;
        bus.subscribe("payment.events", "accounting", &onWorker, [&](const Event &) {
            seenOn = QThread::currentThread();
            return true;
        });
        bus.subscribe("payment.events", "analytics", &onMain, [&](const Event &) {
            ++mainCount;
            return true;
        });
        QVERIFY(await(bus.publish(event("payment.events", 1))));
        QCOMPARE(seenOn, &worker);
        QCOMPARE(mainCount, 1);
        onWorker.moveToThread(QThread::currentThread());
        worker.quit();
        worker.wait();
    }

    void oneNegativeAcknowledgementFailsThePublish()
    {
        InProcessEventBus bus;
        QObject a, b;
        bus.subscribe("t", "a", &a, [](const Event &) { return true; });
        bus.subscribe("t", "b", &b, [](const Event &) { return false; });
        QVERIFY(!await(bus.publish(event("t", 1))));
    }

    void throwingConsumerIsANegativeAcknowledgement()
    {
        InProcessEventBus bus;
        QObject a;
        bus.subscribe("t", "a", &a, [](const Event &) -> bool { throw std::runtime_error("boom"); });
        QVERIFY(!await(bus.publish(event("t", 1))));
    }

    void topicWithoutSubscribersIsAcknowledged()
    {
        InProcessEventBus bus;
        QVERIFY(await(bus.publish(event("nobody.listens", 1))));
    }

    void destroyedSubscriberIsDropped()
    {
        InProcessEventBus bus;
        auto *gone = new QObject;
        bus.subscribe("t", "g", gone, [](const Event &) { return false; });
        delete gone;
        QCOMPARE(bus.subscriberCount("t"), 1);      // counted until the next subscribe prunes it...
        QVERIFY(await(bus.publish(event("t", 1)))); // ...but never delivered to
    }

    void resubscribingAGroupReplacesItsHandler()
    {
        InProcessEventBus bus;
        QObject owner;
        int first = 0, second = 0;
        bus.subscribe("t", "g", &owner, [&](const Event &) { return ++first > 0; });
        bus.subscribe("t", "g", &owner, [&](const Event &) { return ++second > 0; });
        QVERIFY(await(bus.publish(event("t", 1))));
        QCOMPARE(first, 0);
        QCOMPARE(second, 1);
    }

    void declaredConsumerThatHasNotSubscribedHoldsTheEventBack()
    {
        InProcessEventBus bus;
        bus.declareConsumer("payment.events", "accounting");
        QVERIFY(!await(bus.publish(event("payment.events", 1)))); // not acknowledged: stays in the outbox
        QObject owner;
        int received = 0;
        bus.subscribe("payment.events", "accounting", &owner, [&](const Event &) { return ++received > 0; });
        QVERIFY(await(bus.publish(event("payment.events", 1))));
        QCOMPARE(received, 1);
    }

    void eventJsonRoundTrips()
    {
        Event original = event("payment.events", 42);
        original.payload = {{"amount_minor", 1999}, {"currency", "EUR"}};
        original.occurredAt = QDateTime::currentDateTimeUtc();
        original.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const Event copy = Event::fromJson(original.toJson());
        QCOMPARE(copy.eventId, original.eventId);
        QCOMPARE(copy.payload, original.payload);
        QCOMPARE(copy.sequence, 42);
        QCOMPARE(copy.traceparent, original.traceparent);
        QCOMPARE(copy.occurredAt.toMSecsSinceEpoch(), original.occurredAt.toMSecsSinceEpoch());
    }
};

QTEST_GUILESS_MAIN(EventBusTest)
#include "tst_eventbus.moc"
