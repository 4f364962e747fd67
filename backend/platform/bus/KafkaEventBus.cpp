#include "platform/bus/KafkaEventBus.h"

#include <QJsonDocument>
#include <QPromise>
#include <QSemaphore>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>

namespace paydesk::platform {

namespace {
constexpr int kPollMs = 100;

// Sets every (name, value) on a fresh configuration; nullptr with *error on the first refusal.
rd_kafka_conf_t *configuration(const QList<QPair<QByteArray, QByteArray>> &values, QString *error)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char reason[512];
    for (const auto &[name, value] : values) {
        if (rd_kafka_conf_set(conf, name.constData(), value.constData(), reason, sizeof reason) !=
            RD_KAFKA_CONF_OK) {
            *error = QStringLiteral("kafka: %1=%2: %3")
                         .arg(QString::fromLatin1(name), QString::fromUtf8(value), QString::fromUtf8(reason));
            rd_kafka_conf_destroy(conf);
            return nullptr;
        }
    }
    return conf;
}

// Delivery report: completes the publish() future the message carries.
void onDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *)
{
    auto *promise = static_cast<QPromise<bool> *>(message->_private);
    if (!promise)
        return;
    promise->addResult(message->err == RD_KAFKA_RESP_ERR_NO_ERROR);
    promise->finish();
    delete promise;
}

} // namespace

struct KafkaEventBus::Consumer
{
    QString topic;
    QString group;
    QPointer<QObject> context;
    EventHandler handler;
    rd_kafka_t *handle = nullptr;
    std::atomic<bool> stop{false};
    std::thread thread;
};

std::unique_ptr<KafkaEventBus> KafkaEventBus::create(const KafkaSettings &settings, QString *error)
{
    rd_kafka_conf_t *conf =
        configuration({{"bootstrap.servers", settings.brokers.toUtf8()},
                       {"client.id", settings.clientId.toUtf8()},
                       {"enable.idempotence", "true"},
                       {"acks", "all"},
                       {"linger.ms", "2"},
                       {"log_level", "3"},
                       {"message.timeout.ms", QByteArray::number(settings.deliveryTimeoutMs)}},
                      error);
    if (!conf)
        return nullptr;
    rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
    char reason[512];
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    if (!producer) {
        rd_kafka_conf_destroy(conf);
        *error = QStringLiteral("kafka: cannot create the producer: %1").arg(QString::fromUtf8(reason));
        return nullptr;
    }
    return std::unique_ptr<KafkaEventBus>(new KafkaEventBus(settings, producer));
}

KafkaEventBus::KafkaEventBus(KafkaSettings settings, rd_kafka_t *producer)
    : m_settings(std::move(settings)), m_producer(producer)
{
    m_producerPoller = std::thread([this] {
        while (!m_stopping.load())
            rd_kafka_poll(m_producer, kPollMs);
    });
}

KafkaEventBus::~KafkaEventBus()
{
    m_stopping.store(true);
    {
        QMutexLocker lock(&m_mutex);
        for (auto &consumer : m_consumers)
            consumer->stop.store(true);
    }
    for (auto &consumer : m_consumers)
        if (consumer->thread.joinable())
            consumer->thread.join();
    m_producerPoller.join();
    // What is still queued completes false (the outbox keeps it for the next start).
    rd_kafka_flush(m_producer, 2000);
    rd_kafka_purge(m_producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(m_producer, 0);
    rd_kafka_destroy(m_producer);
}

QFuture<bool> KafkaEventBus::publish(const Event &event)
{
    const QByteArray topic = event.topic.toUtf8();
    const QByteArray key = event.aggregateId.toUtf8();
    QByteArray value = QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
    auto *promise = new QPromise<bool>();
    promise->start();
    QFuture<bool> future = promise->future();
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        m_producer, RD_KAFKA_V_TOPIC(topic.constData()), RD_KAFKA_V_KEY(key.constData(), size_t(key.size())),
        RD_KAFKA_V_VALUE(value.data(), size_t(value.size())), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(promise), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Queue full or unknown topic: a negative ack; the outbox relay tries again later.
        promise->addResult(false);
        promise->finish();
        delete promise;
    }
    return future;
}

QByteArray KafkaEventBus::kafkaGroupId(const QString &topic, const QString &group)
{
    return (group + QLatin1Char('.') + topic).toUtf8();
}

void KafkaEventBus::declareConsumer(const QString &, const QString &) {}

void KafkaEventBus::subscribe(const QString &topic, const QString &group, QObject *context,
                              EventHandler handler)
{
    Q_ASSERT(context && handler);
    QString error;
    rd_kafka_conf_t *conf = configuration({{"bootstrap.servers", m_settings.brokers.toUtf8()},
                                           {"client.id", m_settings.clientId.toUtf8()},
                                           {"group.id", kafkaGroupId(topic, group)},
                                           {"enable.auto.commit", "false"},
                                           {"auto.offset.reset", "earliest"},
                                           {"allow.auto.create.topics", "true"},
                                           {"log_level", "3"}},
                                          &error);
    char reason[512];
    rd_kafka_t *handle = conf ? rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason) : nullptr;
    if (!handle) {
        if (conf)
            rd_kafka_conf_destroy(conf);
        qWarning("kafka: cannot consume %s as %s: %s", qPrintable(topic), qPrintable(group),
                 error.isEmpty() ? reason : qPrintable(error));
        return;
    }
    rd_kafka_poll_set_consumer(handle);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic.toUtf8().constData(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(handle, topics);
    rd_kafka_topic_partition_list_destroy(topics);

    auto consumer = std::make_unique<Consumer>();
    consumer->topic = topic;
    consumer->group = group;
    consumer->context = context;
    consumer->handler = std::move(handler);
    consumer->handle = handle;
    Consumer *raw = consumer.get();
    QMutexLocker lock(&m_mutex);
    // One handler per (topic, group), as on the in-process bus: a new subscription replaces the old.
    for (auto &existing : m_consumers)
        if (existing->topic == topic && existing->group == group)
            existing->stop.store(true);
    m_consumers.push_back(std::move(consumer));
    raw->thread = std::thread([this, raw] { consume(*raw); });
}

void KafkaEventBus::consume(Consumer &consumer)
{
    auto stopped = [&] { return m_stopping.load() || consumer.stop.load() || consumer.context.isNull(); };
    while (!stopped()) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer.handle, kPollMs);
        if (!message)
            continue;
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_message_destroy(message);
            continue;
        }
        const Event event =
            Event::fromJson(QJsonDocument::fromJson(QByteArray(static_cast<const char *>(message->payload),
                                                               qsizetype(message->len)))
                                .object());
        bool handled = false;
        int backoffMs = 100;
        while (!handled && !stopped()) {
            // The handler runs on the subscriber's thread; this thread waits for its answer but
            // gives up when the bus stops (the subscriber's loop may already be gone).
            struct Answer
            {
                QSemaphore done;
                std::atomic<bool> ok{false};
            };
            auto answer = std::make_shared<Answer>();
            const bool queued = QMetaObject::invokeMethod(
                consumer.context.data(),
                [answer, handler = consumer.handler, event] {
                    bool ok = false;
                    try {
                        ok = handler(event);
                    } catch (...) {
                        ok = false; // a throwing consumer is a refusal, not a crash
                    }
                    answer->ok.store(ok);
                    answer->done.release();
                },
                Qt::QueuedConnection);
            bool answered = false;
            while (queued && !(answered = answer->done.tryAcquire(1, kPollMs)))
                if (stopped())
                    break;
            handled = answered && answer->ok.load();
            if (!handled && !stopped()) {
                // Same message again after a pause: the partition keeps its order.
                for (int waited = 0; waited < backoffMs && !stopped(); waited += 20)
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                backoffMs = std::min(backoffMs * 2, m_settings.retryBackoffMaxMs);
            }
        }
        if (handled)
            rd_kafka_commit_message(consumer.handle, message, 1 /* async */);
        rd_kafka_message_destroy(message);
    }
    rd_kafka_consumer_close(consumer.handle);
    rd_kafka_destroy(consumer.handle);
}

} // namespace paydesk::platform
