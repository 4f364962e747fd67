#pragma once
// Which channel takes a payment (pure: no database, no plugins). An explicit channel wins; else the
// first payment_routes rule by priority whose conditions hold and whose channel can take the
// payment; else the enabled channel with the lowest fee for this amount that supports the currency.

#include "services/channel-adapter/plugin/ChannelPlugin.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::channels {

// A channel as routing sees it: its effective configuration.
struct ChannelOffer
{
    QString name;
    bool enabled = true;
    QStringList currencies; // what the channel accepts (plugin ∩ config restriction)
    QStringList payMethods;
    std::optional<qint64> minAmountMinor;
    std::optional<qint64> maxAmountMinor;
    int priority = 100; // lower first (tie-break)
    ::paydesk::channels::FeeSchedule fees;
};

struct RouteRule
{
    qint64 id = 0;
    QString name;
    QString channel;
    int priority = 100; // lower is evaluated first
    bool enabled = true;
    QStringList currencies; // empty: any
    std::optional<qint64> minAmountMinor;
    std::optional<qint64> maxAmountMinor;
    QStringList merchantIds; // empty: any

    QJsonObject toJson() const;
    bool matches(const QString &merchantId, qint64 amountMinor, const QString &currency) const;
};

struct RoutingInput
{
    QString explicitChannel; // empty: route
    QString merchantId;
    qint64 amountMinor = 0;
    QString currency;
    QString payMethod = QStringLiteral("card");
};

struct RoutingDecision
{
    QString channel; // empty: nothing can take the payment
    QString reason;  // explicit | rule:<name> | default
    QString why;     // when no channel: what was missing
    bool ok() const { return !channel.isEmpty(); }
};

// Whether `offer` can take this payment; `why` says what is missing.
bool canTake(const ChannelOffer &offer, const RoutingInput &input, QString *why);

RoutingDecision decideRoute(const RoutingInput &input, const QList<ChannelOffer> &offers,
                            QList<RouteRule> rules);

} // namespace paydesk::services::channels
