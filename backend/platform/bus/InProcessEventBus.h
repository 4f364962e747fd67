#pragma once
// EventBus for single-site installs: delivers to subscribers in this process by queued calls onto
// each subscriber's thread. Thread-safe: publish and subscribe may be called from any thread.

#include "platform/bus/EventBus.h"

#include <QHash>
#include <QMutex>
#include <QPointer>

namespace paydesk::platform {

class InProcessEventBus : public EventBus
{
public:
    QFuture<bool> publish(const Event &event) override;
    void subscribe(const QString &topic, const QString &group, QObject *context,
                   EventHandler handler) override;
    void declareConsumer(const QString &topic, const QString &group) override;
    int subscriberCount(const QString &topic) const;

private:
    struct Subscription
    {
        QString group;
        QPointer<QObject> context;
        EventHandler handler;
    };
    mutable QMutex m_mutex; // guards m_subscriptions only; never held while a handler runs
    QHash<QString, QList<Subscription>> m_subscriptions;
    QHash<QString, QStringList> m_declaredGroups; // topic -> groups that must be subscribed
};

} // namespace paydesk::platform
