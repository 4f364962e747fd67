#include "services/channel-adapter/domain/Routing.h"

#include <QJsonArray>

#include <algorithm>

namespace paydesk::services::channels {

namespace {
QJsonValue optionalJson(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}
} // namespace

QJsonObject RouteRule::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("channel"), channel},
            {QStringLiteral("priority"), priority},
            {QStringLiteral("enabled"), enabled},
            {QStringLiteral("conditions"),
             QJsonObject{{QStringLiteral("currencies"), QJsonArray::fromStringList(currencies)},
                         {QStringLiteral("min_amount_minor"), optionalJson(minAmountMinor)},
                         {QStringLiteral("max_amount_minor"), optionalJson(maxAmountMinor)},
                         {QStringLiteral("merchant_ids"), QJsonArray::fromStringList(merchantIds)}}}};
}

bool RouteRule::matches(const QString &merchantId, qint64 amountMinor, const QString &currency) const
{
    return enabled && (currencies.isEmpty() || currencies.contains(currency)) &&
           (!minAmountMinor || amountMinor >= *minAmountMinor) &&
           (!maxAmountMinor || amountMinor <= *maxAmountMinor) &&
           (merchantIds.isEmpty() || merchantIds.contains(merchantId));
}

bool canTake(const ChannelOffer &offer, const RoutingInput &input, QString *why)
{
    if (!offer.enabled)
        *why = QStringLiteral("channel %1 is disabled").arg(offer.name);
    else if (!offer.currencies.contains(input.currency))
        *why = QStringLiteral("channel %1 does not accept %2").arg(offer.name, input.currency);
    else if (!offer.payMethods.isEmpty() && !offer.payMethods.contains(input.payMethod))
        *why = QStringLiteral("channel %1 does not accept pay_method %2").arg(offer.name, input.payMethod);
    else if (offer.minAmountMinor && input.amountMinor < *offer.minAmountMinor)
        *why = QStringLiteral("channel %1 takes at least %2").arg(offer.name).arg(*offer.minAmountMinor);
    else if (offer.maxAmountMinor && input.amountMinor > *offer.maxAmountMinor)
        *why = QStringLiteral("channel %1 takes at most %2").arg(offer.name).arg(*offer.maxAmountMinor);
    else
        return true;
    return false;
}

RoutingDecision decideRoute(const RoutingInput &input, const QList<ChannelOffer> &offers,
                            QList<RouteRule> rules)
{
    const auto find = [&](const QString &name) -> const ChannelOffer * {
        for (const ChannelOffer &offer : offers)
            if (offer.name == name)
                return &offer;
        return nullptr;
    };
    QString why;
    if (!input.explicitChannel.isEmpty()) {
        const ChannelOffer *offer = find(input.explicitChannel);
        if (!offer)
            return {{}, {}, QStringLiteral("no channel named %1").arg(input.explicitChannel)};
        if (!canTake(*offer, input, &why))
            return {{}, {}, why};
        return {offer->name, QStringLiteral("explicit"), {}};
    }
    std::stable_sort(rules.begin(), rules.end(), [](const RouteRule &a, const RouteRule &b) {
        return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
    });
    for (const RouteRule &rule : std::as_const(rules)) {
        if (!rule.matches(input.merchantId, input.amountMinor, input.currency))
            continue;
        const ChannelOffer *offer = find(rule.channel);
        if (offer && canTake(*offer, input, &why)) // else the next rule may still route it
            return {offer->name, QStringLiteral("rule:") + rule.name, {}};
    }
    const ChannelOffer *best = nullptr;
    qint64 bestFee = 0;
    for (const ChannelOffer &offer : offers) {
        if (!canTake(offer, input, &why))
            continue;
        const qint64 fee = offer.fees.feeFor(input.amountMinor, input.currency);
        if (!best || fee < bestFee ||
            (fee == bestFee && (offer.priority < best->priority ||
                                (offer.priority == best->priority && offer.name < best->name)))) {
            best = &offer;
            bestFee = fee;
        }
    }
    if (!best)
        return {
            {},
            {},
            QStringLiteral("no enabled channel accepts %1 %2").arg(input.amountMinor).arg(input.currency)};
    return {best->name, QStringLiteral("default"), {}};
}

} // namespace paydesk::services::channels
