#include "services/merchant-service/domain/MerchantTier.h"

#include <array>

namespace paydesk::services::merchant {

namespace merchant_tier {
// Spec §4.2 "Tier defaults", in the order of the Tier enum.
constexpr std::array<TierPolicy, 4> kPolicies{{
    {Tier::Starter, "starter", 1'000'000, 10'000'000, 30'000'000, 80, 100, 200, 10, "T+1", false, 100, 2},
    {Tier::Business, "business", 5'000'000, 50'000'000, 150'000'000, 60, 50, 100, 5, "T+1", true, 500, 5},
    {Tier::Enterprise, "enterprise", 20'000'000, 200'000'000, 600'000'000, 45, 20, 0, 0, "T+0", true, 2000,
     10},
    {Tier::Premium, "premium", 100'000'000, 1'000'000'000, 3'000'000'000, 30, 0, 0, 0, "D+0", true, 10000,
     50},
}};
} // namespace merchant_tier

const TierPolicy &tierPolicy(Tier tier)
{
    return merchant_tier::kPolicies.at(static_cast<std::size_t>(tier));
}

QString toString(Tier tier)
{
    return QString::fromLatin1(tierPolicy(tier).name);
}

std::optional<Tier> tierFrom(const QString &text)
{
    for (const TierPolicy &policy : merchant_tier::kPolicies) {
        if (text == QLatin1String(policy.name))
            return policy.tier;
    }
    return std::nullopt;
}

QStringList tierNames()
{
    QStringList names;
    for (const TierPolicy &policy : merchant_tier::kPolicies)
        names.append(QString::fromLatin1(policy.name));
    return names;
}

QJsonObject toJson(const TierPolicy &policy)
{
    return {
        {QStringLiteral("tier"), QString::fromLatin1(policy.name)},
        {QStringLiteral("single_limit_minor"), policy.singleLimitMinor},
        {QStringLiteral("daily_limit_minor"), policy.dailyLimitMinor},
        {QStringLiteral("monthly_limit_minor"), policy.monthlyLimitMinor},
        {QStringLiteral("fee_rate_bps"), policy.feeRateBps},
        {QStringLiteral("min_fee_minor"), policy.minFeeMinor},
        {QStringLiteral("withdrawal_fee_fixed_minor"), policy.withdrawalFeeFixedMinor},
        {QStringLiteral("withdrawal_fee_rate_bps"), policy.withdrawalFeeRateBps},
        {QStringLiteral("settlement_cycle"), QString::fromLatin1(policy.settlementCycle)},
        {QStringLiteral("auto_settle"), policy.autoSettle},
        {QStringLiteral("api_requests_per_minute"), policy.apiRequestsPerMinute},
        {QStringLiteral("api_keys_max"), policy.apiKeysMax},
    };
}

} // namespace paydesk::services::merchant
