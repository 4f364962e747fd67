#pragma once
// Which limits apply to a merchant in one currency, and the UTC windows usage is counted in.
// Pure functions and constant tables: no I/O, unit-tested (tests/unit/tst_limit_config_domain.cpp).
//
// Effective limits, per field (single, daily, monthly amount; daily, monthly count):
//   admin override for (merchant, currency) when that field is set, otherwise
//   min(tier default, KYC level limit).
// Tier defaults are spec §4.2 (merchant-service tiers); KYC level limits are spec §4.15. Both are
// in minor units and apply to every currency in that currency's minor units. A merchant whose
// tier is not known yet counts as "starter", one without an approved KYC level as "basic": the
// most restrictive rows, so a merchant we know nothing about gets the smallest limits.
//
// Count limits are PayDesk's own (the seed had none): the tier tables below; KYC levels do not
// limit counts.

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::limits {

struct LimitSet
{
    qint64 singleMaxMinor = 0;
    qint64 dailyMaxMinor = 0;
    qint64 monthlyMaxMinor = 0;
    qint64 dailyCountMax = 0;
    qint64 monthlyCountMax = 0;

    bool operator==(const LimitSet &) const = default;
    QJsonObject toJson() const;
};

// An admin override: each field optional (absent = not overridden).
struct LimitOverride
{
    std::optional<qint64> singleMaxMinor;
    std::optional<qint64> dailyMaxMinor;
    std::optional<qint64> monthlyMaxMinor;
    std::optional<qint64> dailyCountMax;
    std::optional<qint64> monthlyCountMax;

    bool isEmpty() const
    {
        return !singleMaxMinor && !dailyMaxMinor && !monthlyMaxMinor && !dailyCountMax && !monthlyCountMax;
    }
    QJsonObject toJson() const; // only the fields that are set
};

inline const QString kDefaultTier = QStringLiteral("starter");
inline const QString kDefaultKycLevel = QStringLiteral("basic");

QStringList tierNames();     // starter, business, enterprise, premium
QStringList kycLevelNames(); // basic, intermediate, advanced, enterprise
std::optional<LimitSet> tierDefaults(const QString &tier);
std::optional<LimitSet> kycLevelLimits(const QString &level);

// Where each effective field came from: "override", "tier" or "kyc".
struct EffectiveLimits
{
    LimitSet limits;
    QJsonObject sources;
};

// Unknown tier / level names fall back to kDefaultTier / kDefaultKycLevel.
EffectiveLimits effectiveLimits(const QString &tier, const QString &kycLevel, const LimitOverride &override);

// Usage windows. A window is keyed by its first day (UTC), so a new day or month simply uses a new
// usage row starting at zero: no reset job exists or is needed, and old rows are history.
enum class Window { Day, Month };
QString windowName(Window window);                      // "day" | "month"
QDate windowStart(Window window, const QDateTime &at);  // at is converted to UTC first
QDateTime windowEnd(Window window, const QDate &start); // exclusive, UTC midnight

// Warning thresholds on a window (percent of the limit used, amount or count, whichever is higher).
constexpr int kWarnPercentLow = 80;
constexpr int kWarnPercentHigh = 95;
// 0, 80 or 95: the highest threshold that `used` reaches of `limit`. A zero limit is fully used.
int warningLevel(qint64 used, qint64 limit);

} // namespace paydesk::services::limits
