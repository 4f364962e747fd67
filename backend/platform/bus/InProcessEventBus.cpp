#include "platform/bus/InProcessEventBus.h"

#include <QPromise>

#include <memory>

namespace paydesk::platform {

void InProcessEventBus::subscribe(const QString &topic, const QString &group, QObject *context,
                                  EventHandler handler)
{
    Q_ASSERT(context && handler);
    QMutexLocker lock(&m_mutex);
    auto &list = m_subscriptions[topic];
    list.removeIf([&](const Subscription &s) { return s.group == group || s.context.isNull(); });
    list.append({group, context, std::move(handler)});
}

void InProcessEventBus::declareConsumer(const QString &topic, const QString &group)
{
    QMutexLocker lock(&m_mutex);
    if (!m_declaredGroups[topic].contains(group))
        m_declaredGroups[topic].append(group);
}

int InProcessEventBus::subscriberCount(const QString &topic) const
{
    QMutexLocker lock(&m_mutex);
    return static_cast<int>(m_subscriptions.value(topic).size());
}

QFuture<bool> InProcessEventBus::publish(const Event &event)
{
    QList<Subscription> targets;
    bool consumerMissing = false;
    {
        QMutexLocker lock(&m_mutex);
        QStringList waitingFor = m_declaredGroups.value(event.topic);
        for (const Subscription &s : m_subscriptions.value(event.topic)) {
            if (!s.context.isNull()) {
                targets.append(s);
                waitingFor.removeAll(s.group);
            }
        }
        consumerMissing = !waitingFor.isEmpty();
    }
    // Completion state shared by the deliveries: the promise resolves after the last answer.
    struct Pending
    {
        QPromise<bool> promise;
        QAtomicInt remaining;
        QAtomicInt failed{0};
    };
    auto pending = std::make_shared<Pending>();
    QFuture<bool> future = pending->promise.future();
    pending->promise.start();
    if (consumerMissing || targets.isEmpty()) {
        pending->promise.addResult(!consumerMissing);
        pending->promise.finish();
        return future;
    }
    pending->remaining.storeRelaxed(static_cast<int>(targets.size()));
    for (const Subscription &s : targets) {
        auto deliver = [pending, handler = s.handler, event] {
            bool ok = false;
            try {
                ok = handler(event);
            } catch (...) {
                ok = false; // a throwing consumer is a negative acknowledgement, not a crash
            }
            if (!ok)
                pending->failed.storeRelaxed(1);
            if (pending->remaining.fetchAndSubRelaxed(1) == 1) {
                pending->promise.addResult(pending->failed.loadRelaxed() == 0);
                pending->promise.finish();
            }
        };
        if (!QMetaObject::invokeMethod(s.context.data(), deliver, Qt::QueuedConnection)) {
            pending->failed.storeRelaxed(1);
            if (pending->remaining.fetchAndSubRelaxed(1) == 1) {
                pending->promise.addResult(false);
                pending->promise.finish();
            }
        }
    }
    return future;
}

} // namespace paydesk::platform
