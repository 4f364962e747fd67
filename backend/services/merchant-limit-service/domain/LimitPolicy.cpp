#include "services/merchant-limit-service/domain/LimitPolicy.h"

#include <QTimeZone>

#include <algorithm>

namespace paydesk::services::limits {

namespace limit_policy {
struct TierRow
{
    const char *name;
    LimitSet limits;
};

// Spec §4.2 tier defaults (amounts in minor units); counts are PayDesk's choice.
constexpr TierRow kTiers[] = {
    {"starter", {1'000'000, 10'000'000, 30'000'000, 1'000, 30'000}},
    {"business", {5'000'000, 50'000'000, 150'000'000, 5'000, 150'000}},
    {"enterprise", {20'000'000, 200'000'000, 600'000'000, 20'000, 600'000}},
    {"premium", {100'000'000, 1'000'000'000, 3'000'000'000, 100'000, 3'000'000}},
};

// Spec §4.15 KYC level limits (minor units). KYC does not cap counts.
constexpr qint64 kNoCountCap = std::numeric_limits<qint64>::max();
constexpr TierRow kKycLevels[] = {
    {"basic", {1'000'000, 5'000'000, 100'000'000, kNoCountCap, kNoCountCap}},
    {"intermediate", {10'000'000, 50'000'000, 1'000'000'000, kNoCountCap, kNoCountCap}},
    {"advanced", {100'000'000, 500'000'000, 10'000'000'000, kNoCountCap, kNoCountCap}},
    {"enterprise", {1'000'000'000, 5'000'000'000, 100'000'000'000, kNoCountCap, kNoCountCap}},
};

template <size_t N> std::optional<LimitSet> find(const TierRow (&rows)[N], const QString &name)
{
    for (const TierRow &row : rows) {
        if (name == QLatin1String(row.name))
            return row.limits;
    }
    return std::nullopt;
}

template <size_t N> QStringList names(const TierRow (&rows)[N])
{
    QStringList result;
    for (const TierRow &row : rows)
        result.append(QString::fromLatin1(row.name));
    return result;
}

void pick(qint64 *field, const std::optional<qint64> &override, qint64 tier, qint64 kyc, const QString &name,
          QJsonObject *sources)
{
    if (override) {
        *field = *override;
        sources->insert(name, QStringLiteral("override"));
    } else {
        *field = std::min(tier, kyc);
        sources->insert(name, kyc < tier ? QStringLiteral("kyc") : QStringLiteral("tier"));
    }
}
} // namespace limit_policy

QJsonObject LimitSet::toJson() const
{
    return {{QStringLiteral("single_max_minor"), singleMaxMinor},
            {QStringLiteral("daily_max_minor"), dailyMaxMinor},
            {QStringLiteral("monthly_max_minor"), monthlyMaxMinor},
            {QStringLiteral("daily_count_max"), dailyCountMax},
            {QStringLiteral("monthly_count_max"), monthlyCountMax}};
}

QJsonObject LimitOverride::toJson() const
{
    QJsonObject object;
    auto put = [&](const char *name, const std::optional<qint64> &value) {
        if (value)
            object.insert(QString::fromLatin1(name), *value);
    };
    put("single_max_minor", singleMaxMinor);
    put("daily_max_minor", dailyMaxMinor);
    put("monthly_max_minor", monthlyMaxMinor);
    put("daily_count_max", dailyCountMax);
    put("monthly_count_max", monthlyCountMax);
    return object;
}

QStringList tierNames()
{
    return limit_policy::names(limit_policy::kTiers);
}

QStringList kycLevelNames()
{
    return limit_policy::names(limit_policy::kKycLevels);
}

std::optional<LimitSet> tierDefaults(const QString &tier)
{
    return limit_policy::find(limit_policy::kTiers, tier);
}

std::optional<LimitSet> kycLevelLimits(const QString &level)
{
    return limit_policy::find(limit_policy::kKycLevels, level);
}

EffectiveLimits effectiveLimits(const QString &tier, const QString &kycLevel, const LimitOverride &override)
{
    const LimitSet t = tierDefaults(tier).value_or(*tierDefaults(kDefaultTier));
    const LimitSet k = kycLevelLimits(kycLevel).value_or(*kycLevelLimits(kDefaultKycLevel));
    EffectiveLimits result;
    using limit_policy::pick;
    pick(&result.limits.singleMaxMinor, override.singleMaxMinor, t.singleMaxMinor, k.singleMaxMinor,
         QStringLiteral("single_max_minor"), &result.sources);
    pick(&result.limits.dailyMaxMinor, override.dailyMaxMinor, t.dailyMaxMinor, k.dailyMaxMinor,
         QStringLiteral("daily_max_minor"), &result.sources);
    pick(&result.limits.monthlyMaxMinor, override.monthlyMaxMinor, t.monthlyMaxMinor, k.monthlyMaxMinor,
         QStringLiteral("monthly_max_minor"), &result.sources);
    pick(&result.limits.dailyCountMax, override.dailyCountMax, t.dailyCountMax, k.dailyCountMax,
         QStringLiteral("daily_count_max"), &result.sources);
    pick(&result.limits.monthlyCountMax, override.monthlyCountMax, t.monthlyCountMax, k.monthlyCountMax,
         QStringLiteral("monthly_count_max"), &result.sources);
    return result;
}

QString windowName(Window window)
{
    return window == Window::Day ? QStringLiteral("day") : QStringLiteral("month");
}

QDate windowStart(Window window, const QDateTime &at)
{
    const QDate day = at.toUTC().date();
    return window == Window::Day ? day : QDate(day.year(), day.month(), 1);
}

QDateTime windowEnd(Window window, const QDate &start)
{
    const QDate next = window == Window::Day ? start.addDays(1) : start.addMonths(1);
    return QDateTime(next, QTime(0, 0), QTimeZone::utc());
}

int warningLevel(qint64 used, qint64 limit)
{
    Q_ASSERT(used >= 0 && limit >= 0);
    if (limit == 0)
        return used > 0 ? kWarnPercentHigh : 0;
    // used * 100 >= limit * percent, without the products (they overflow near INT64_MAX):
    // limit * percent / 100 rounded up = (limit / 100) * percent + ceil((limit % 100) * percent / 100).
    const auto reaches = [&](int percent) {
        return used >= limit / 100 * percent + ((limit % 100) * percent + 99) / 100;
    };
    if (reaches(kWarnPercentHigh))
        return kWarnPercentHigh;
    if (reaches(kWarnPercentLow))
        return kWarnPercentLow;
    return 0;
}

} // namespace paydesk::services::limits
