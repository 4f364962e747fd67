#pragma once
// Merchant tiers and what each one grants (spec §4.2, tier defaults). Amounts are integer minor
// units of the settlement currency; rates are basis points (1 bp = 0.01 %, so 0.80 % = 80 bp).

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::merchant {

enum class Tier { Starter, Business, Enterprise, Premium };

struct TierPolicy
{
    Tier tier;
    const char *name;
    qint64 singleLimitMinor;
    qint64 dailyLimitMinor;
    qint64 monthlyLimitMinor;
    int feeRateBps;
    qint64 minFeeMinor;
    qint64 withdrawalFeeFixedMinor;
    int withdrawalFeeRateBps;
    const char *settlementCycle; // T+1, T+0, D+0
    bool autoSettle;
    int apiRequestsPerMinute;
    int apiKeysMax;
};

const TierPolicy &tierPolicy(Tier tier);
QString toString(Tier tier);
std::optional<Tier> tierFrom(const QString &text);
QStringList tierNames();
QJsonObject toJson(const TierPolicy &policy);

} // namespace paydesk::services::merchant
