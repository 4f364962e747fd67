#include "services/merchant-limit-service/store/LimitStore.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::limits::store {

namespace limit_store {
QVariant optional(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType(QMetaType::LongLong));
}

std::optional<qint64> fromColumn(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<qint64>(value.toLongLong());
}

QVariantList keyValues(const WindowKey &key)
{
    return {key.merchantId, key.currency, windowName(key.window), key.start.toString(Qt::ISODate)};
}

const char *const kWindowWhere =
    "merchant_id = ? AND currency = ? AND window_kind = ? AND window_start = ?::date";
} // namespace limit_store

bool loadProfile(QSqlDatabase &db, const QString &merchantId, MerchantProfile *profile, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT tier, kyc_level FROM merchant_profiles WHERE merchant_id = ?"));
    if (!platform::sql::exec(q, {merchantId}, error))
        return false;
    *profile = {};
    if (q.next()) {
        profile->tier = q.value(0).toString();
        profile->kycLevel = q.value(1).toString();
    }
    return true;
}

bool saveProfile(QSqlDatabase &db, const QString &merchantId, const std::optional<QString> &tier,
                 const std::optional<QString> &kycLevel, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO merchant_profiles (merchant_id, tier, kyc_level) VALUES (?, ?, ?) "
        "ON CONFLICT (merchant_id) DO UPDATE SET tier = COALESCE(EXCLUDED.tier, merchant_profiles.tier), "
        "kyc_level = COALESCE(EXCLUDED.kyc_level, merchant_profiles.kyc_level), updated_at = now()"));
    const QVariant nullText(QMetaType(QMetaType::QString));
    return platform::sql::exec(
        q, {merchantId, tier ? QVariant(*tier) : nullText, kycLevel ? QVariant(*kycLevel) : nullText}, error);
}

bool loadOverride(QSqlDatabase &db, const QString &merchantId, const QString &currency,
                  std::optional<LimitOverride> *override, QString *error)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT single_max_minor, daily_max_minor, monthly_max_minor, daily_count_max, "
                       "monthly_count_max FROM limit_overrides WHERE merchant_id = ? AND currency = ?"));
    if (!platform::sql::exec(q, {merchantId, currency}, error))
        return false;
    override->reset();
    if (q.next()) {
        using limit_store::fromColumn;
        *override = LimitOverride{fromColumn(q.value(0)), fromColumn(q.value(1)), fromColumn(q.value(2)),
                                  fromColumn(q.value(3)), fromColumn(q.value(4))};
    }
    return true;
}

bool saveOverride(QSqlDatabase &db, const QString &merchantId, const QString &currency,
                  const LimitOverride &o, const QString &actor, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO limit_overrides (merchant_id, currency, single_max_minor, daily_max_minor, "
        "monthly_max_minor, "
        "daily_count_max, monthly_count_max, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (merchant_id, currency) DO UPDATE SET single_max_minor = EXCLUDED.single_max_minor, "
        "daily_max_minor = EXCLUDED.daily_max_minor, monthly_max_minor = EXCLUDED.monthly_max_minor, "
        "daily_count_max = EXCLUDED.daily_count_max, monthly_count_max = EXCLUDED.monthly_count_max, "
        "updated_by = EXCLUDED.updated_by, updated_at = now()"));
    using limit_store::optional;
    return platform::sql::exec(q,
                               {merchantId, currency, optional(o.singleMaxMinor), optional(o.dailyMaxMinor),
                                optional(o.monthlyMaxMinor), optional(o.dailyCountMax),
                                optional(o.monthlyCountMax), actor},
                               error);
}

bool deleteOverride(QSqlDatabase &db, const QString &merchantId, const QString &currency, bool *existed,
                    QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM limit_overrides WHERE merchant_id = ? AND currency = ?"));
    if (!platform::sql::exec(q, {merchantId, currency}, error))
        return false;
    *existed = q.numRowsAffected() > 0;
    return true;
}

bool knownCurrencies(QSqlDatabase &db, const QString &merchantId, const QDate &dayStart,
                     const QDate &monthStart, QStringList *currencies, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT currency FROM limit_overrides WHERE merchant_id = ? UNION "
                             "SELECT currency FROM limit_usage WHERE merchant_id = ? AND ((window_kind = "
                             "'day' AND window_start = ?::date) "
                             "OR (window_kind = 'month' AND window_start = ?::date)) ORDER BY 1"));
    if (!platform::sql::exec(
            q, {merchantId, merchantId, dayStart.toString(Qt::ISODate), monthStart.toString(Qt::ISODate)},
            error))
        return false;
    currencies->clear();
    while (q.next())
        currencies->append(q.value(0).toString());
    return true;
}

bool loadUsage(QSqlDatabase &db, const WindowKey &key, Usage *usage, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT used_minor, used_count, warned_level FROM limit_usage WHERE ") +
              QLatin1String(limit_store::kWindowWhere));
    if (!platform::sql::exec(q, limit_store::keyValues(key), error))
        return false;
    *usage = {};
    if (q.next())
        *usage = {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toInt()};
    return true;
}

bool addUsage(QSqlDatabase &db, const WindowKey &key, qint64 amountMinor, qint64 maxMinor, qint64 countMax,
              bool *accepted, Usage *after, QString *error)
{
    QSqlQuery ensure(db);
    ensure.prepare(
        QStringLiteral("INSERT INTO limit_usage (merchant_id, currency, window_kind, window_start) "
                       "VALUES (?, ?, ?, ?::date) ON CONFLICT DO NOTHING"));
    if (!platform::sql::exec(ensure, limit_store::keyValues(key), error))
        return false;
    // Compared as "limit - used >= amount" so that the sum cannot overflow bigint.
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
                  "UPDATE limit_usage SET used_minor = used_minor + ?, used_count = used_count + 1 WHERE ") +
              QLatin1String(limit_store::kWindowWhere) +
              QStringLiteral(" AND ?::bigint - used_minor >= ? AND ?::bigint - used_count >= 1 "
                             "RETURNING used_minor, used_count, warned_level"));
    QVariantList values{amountMinor};
    values += limit_store::keyValues(key);
    values += QVariantList{maxMinor, amountMinor, countMax};
    if (!platform::sql::exec(q, values, error))
        return false;
    *accepted = q.next();
    if (*accepted)
        *after = {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toInt()};
    return true;
}

bool subtractUsage(QSqlDatabase &db, const WindowKey &key, qint64 amountMinor, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE limit_usage SET used_minor = GREATEST(used_minor - ?, 0), "
                             "used_count = GREATEST(used_count - 1, 0) WHERE ") +
              QLatin1String(limit_store::kWindowWhere));
    QVariantList values{amountMinor};
    values += limit_store::keyValues(key);
    return platform::sql::exec(q, values, error);
}

bool setWarnedLevel(QSqlDatabase &db, const WindowKey &key, int level, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE limit_usage SET warned_level = ? WHERE ") +
              QLatin1String(limit_store::kWindowWhere));
    QVariantList values{level};
    values += limit_store::keyValues(key);
    return platform::sql::exec(q, values, error);
}

QJsonObject Consumption::toJson() const
{
    return {{QStringLiteral("reference"), reference},
            {QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("currency"), currency},
            {QStringLiteral("amount_minor"), amountMinor},
            {QStringLiteral("consumed_at"), consumedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("released"), released}};
}

bool insertConsumption(QSqlDatabase &db, const Consumption &c, bool *inserted, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO limit_consumptions (reference, merchant_id, currency, "
                             "amount_minor, consumed_at, day_start, "
                             "month_start) VALUES (?, ?, ?, ?, ?::timestamptz, ?::date, ?::date) ON CONFLICT "
                             "(reference) DO NOTHING"));
    if (!platform::sql::exec(q,
                             {c.reference, c.merchantId, c.currency, c.amountMinor,
                              c.consumedAt.toUTC().toString(Qt::ISODateWithMs),
                              c.dayStart.toString(Qt::ISODate), c.monthStart.toString(Qt::ISODate)},
                             error))
        return false;
    *inserted = q.numRowsAffected() == 1;
    return true;
}

bool loadConsumption(QSqlDatabase &db, const QString &reference, std::optional<Consumption> *consumption,
                     QString *error)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT merchant_id, currency, amount_minor, consumed_at, day_start, month_start, "
                       "released_at IS NOT NULL FROM limit_consumptions WHERE reference = ?"));
    if (!platform::sql::exec(q, {reference}, error))
        return false;
    consumption->reset();
    if (q.next()) {
        *consumption = Consumption{reference,
                                   q.value(0).toString(),
                                   q.value(1).toString().trimmed(),
                                   q.value(2).toLongLong(),
                                   q.value(3).toDateTime().toUTC(),
                                   q.value(4).toDate(),
                                   q.value(5).toDate(),
                                   q.value(6).toBool()};
    }
    return true;
}

bool markReleased(QSqlDatabase &db, const QString &reference, bool *marked, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "UPDATE limit_consumptions SET released_at = now() WHERE reference = ? AND released_at IS NULL"));
    if (!platform::sql::exec(q, {reference}, error))
        return false;
    *marked = q.numRowsAffected() == 1;
    return true;
}

} // namespace paydesk::services::limits::store
