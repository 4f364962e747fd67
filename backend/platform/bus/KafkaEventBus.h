#pragma once
// EventBus on Kafka (librdkafka) for installations whose services run in several processes.
// publish() produces the event as JSON, keyed by its aggregate id (so one aggregate's events stay
// in one partition, in order), with acks=all and idempotence; its future completes with the
// broker's delivery report. subscribe() runs one consumer per (topic, group) on a thread of its
// own: each message is handed to the handler on the subscriber's thread, and its offset is
// committed only after the handler said true; false retries the same message with back-off, so a
// partition never skips an event. declareConsumer() has nothing to do: the log keeps events for
// groups that subscribe later (auto.offset.reset = earliest).
// The Kafka consumer group of a subscription is "<group>.<topic>": a service that follows two
// topics runs two independent groups, so a member joining for one topic never makes the other
// topic's consumers rebalance (offsets are kept per group and partition either way).

#include "platform/bus/EventBus.h"

#include <QMutex>
#include <QPointer>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

typedef struct rd_kafka_s rd_kafka_t;

namespace paydesk::platform {

struct KafkaSettings
{
    QString brokers; // host:port,host:port
    QString clientId = QStringLiteral("paydesk");
    int deliveryTimeoutMs = 10000; // a publish not acknowledged by then completes false
    int retryBackoffMaxMs = 5000;  // cap of the back-off between retries of a refused event
};

class KafkaEventBus : public EventBus
{
public:
    // Nullptr with *error set when librdkafka refuses the configuration.
    static std::unique_ptr<KafkaEventBus> create(const KafkaSettings &settings, QString *error);
    ~KafkaEventBus() override;

    QFuture<bool> publish(const Event &event) override;
    void subscribe(const QString &topic, const QString &group, QObject *context,
                   EventHandler handler) override;
    void declareConsumer(const QString &topic, const QString &group) override;
    static QByteArray kafkaGroupId(const QString &topic, const QString &group);

private:
    struct Consumer;
    explicit KafkaEventBus(KafkaSettings settings, rd_kafka_t *producer);
    void consume(Consumer &consumer);

    const KafkaSettings m_settings;
    rd_kafka_t *m_producer = nullptr;
    std::atomic<bool> m_stopping{false};
    std::thread m_producerPoller; // serves delivery reports
    QMutex m_mutex;               // guards m_consumers
    std::vector<std::unique_ptr<Consumer>> m_consumers;
};

} // namespace paydesk::platform
