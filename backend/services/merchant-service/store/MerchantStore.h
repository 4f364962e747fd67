#pragma once
// SQL for merchants and their status history (database payment_merchant). Every function runs
// on the caller's connection, usually inside its transaction; on a database error it returns
// false / nullopt and sets *error, and "not found" is nullopt with *error left empty.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace paydesk::services::merchant {

struct MerchantRecord
{
    QString id;
    QString name;
    QString email;
    QString phone;
    QString companyName;
    QString businessType;
    QString country;
    QString website;
    QString tier = QStringLiteral("starter");
    QString status = QStringLiteral("pending");
    QString kycStatus = QStringLiteral("none");
    QString kycLevel = QStringLiteral("basic");
    bool isTestMode = true;
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const;
};

struct MerchantFilter
{
    QString status;
    QString kycStatus;
    QString tier;
    QString text; // matched against name, email and company name
};

struct StatusChange
{
    QString merchantId;
    QString fromStatus; // empty for the creation
    QString toStatus;
    QString reason;
    QString actor;
    bool forced = false;
};

namespace merchant_store {

std::optional<MerchantRecord> find(QSqlDatabase &db, const QString &id, bool forUpdate, QString *error);
// True when another merchant (not `exceptId`) already uses `email`, compared case-insensitively.
bool emailTaken(QSqlDatabase &db, const QString &email, const QString &exceptId, bool *taken, QString *error);
// Inserts and fills id, created_at and updated_at. *inserted is false when the e-mail address is
// taken (also by a concurrent insert: the unique index decides, not an earlier check).
bool insert(QSqlDatabase &db, MerchantRecord *record, bool *inserted, QString *error);
// Writes every mutable column of `record` and refreshes updated_at.
bool update(QSqlDatabase &db, MerchantRecord *record, QString *error);
bool list(QSqlDatabase &db, const MerchantFilter &filter, int limit, int offset, QList<MerchantRecord> *page,
          qint64 *total, QString *error);

bool appendHistory(QSqlDatabase &db, const StatusChange &change, QString *error);
bool history(QSqlDatabase &db, const QString &merchantId, QJsonArray *entries, QString *error);

} // namespace merchant_store
} // namespace paydesk::services::merchant
