#pragma once
// SQL for payment_merchant_limit (migrations/0001_limits.sql). Every function runs on the caller's
// connection, inside the caller's transaction when it has one, and returns false with *error on
// a database error. Worker threads (and the service thread for event consumers) only.

#include "services/merchant-limit-service/domain/LimitPolicy.h"

#include <QSqlDatabase>
#include <QUuid>

#include <optional>

namespace paydesk::services::limits::store {

struct MerchantProfile
{
    QString tier;     // empty when not known yet
    QString kycLevel; // empty when not known yet
};

bool loadProfile(QSqlDatabase &db, const QString &merchantId, MerchantProfile *profile, QString *error);
// Sets the fields that are given; keeps the others.
bool saveProfile(QSqlDatabase &db, const QString &merchantId, const std::optional<QString> &tier,
                 const std::optional<QString> &kycLevel, QString *error);

bool loadOverride(QSqlDatabase &db, const QString &merchantId, const QString &currency,
                  std::optional<LimitOverride> *override, QString *error);
bool saveOverride(QSqlDatabase &db, const QString &merchantId, const QString &currency,
                  const LimitOverride &override, const QString &actor, QString *error);
bool deleteOverride(QSqlDatabase &db, const QString &merchantId, const QString &currency, bool *existed,
                    QString *error);
// Currencies with an override or usage in the given windows, sorted.
bool knownCurrencies(QSqlDatabase &db, const QString &merchantId, const QDate &dayStart,
                     const QDate &monthStart, QStringList *currencies, QString *error);

struct Usage
{
    qint64 usedMinor = 0;
    qint64 usedCount = 0;
    int warnedLevel = 0;
};
struct WindowKey
{
    QString merchantId;
    QString currency;
    Window window;
    QDate start;
};
bool loadUsage(QSqlDatabase &db, const WindowKey &key, Usage *usage, QString *error);
// Adds `amountMinor` and one count to the window only if both stay within the limits; the row is
// locked by the UPDATE until the transaction ends, so concurrent consumes serialise on it and
// each re-checks against the committed total. *accepted false leaves the row unchanged.
bool addUsage(QSqlDatabase &db, const WindowKey &key, qint64 amountMinor, qint64 maxMinor, qint64 countMax,
              bool *accepted, Usage *after, QString *error);
bool subtractUsage(QSqlDatabase &db, const WindowKey &key, qint64 amountMinor, QString *error);
bool setWarnedLevel(QSqlDatabase &db, const WindowKey &key, int level, QString *error);

struct Consumption
{
    QString reference;
    QString merchantId;
    QString currency;
    qint64 amountMinor = 0;
    QDateTime consumedAt;
    QDate dayStart;
    QDate monthStart;
    bool released = false;
    QJsonObject toJson() const;
};
// *inserted false when the reference exists (concurrent duplicates wait for the first to commit).
bool insertConsumption(QSqlDatabase &db, const Consumption &consumption, bool *inserted, QString *error);
bool loadConsumption(QSqlDatabase &db, const QString &reference, std::optional<Consumption> *consumption,
                     QString *error);
// Marks an unreleased consumption released; *marked false when it was already released or unknown.
bool markReleased(QSqlDatabase &db, const QString &reference, bool *marked, QString *error);

} // namespace paydesk::services::limits::store
