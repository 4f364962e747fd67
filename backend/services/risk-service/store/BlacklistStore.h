#pragma once
// SQL for the blacklist of payment_risk (migrations/0001_risk.sql): values are stored normalised
// (domain/RiskScoring.h normaliseValue); removal keeps the row as history. Same conventions as
// RiskStore.h: the caller's connection and transaction, false with *error on a database error,
// worker threads only.

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QSqlDatabase>

#include <optional>

namespace paydesk::services::risk::store {

struct BlacklistEntry
{
    qint64 id = 0;
    QString entityType;
    QString entityValue;
    QString reason;
    QString status;
    QDateTime expiresAt; // invalid: never
    QString addedBy;
    QDateTime createdAt;
    QString removedBy;
    QDateTime removedAt;
    QJsonObject toJson() const;
};
// Active, unexpired entries among the (type, value) pairs: one query.
bool findBlacklisted(QSqlDatabase &db, const QList<QPair<QString, QString>> &keys,
                     QList<BlacklistEntry> *hits, QString *error);
// *conflict true when the value is already actively blacklisted (nothing inserted).
bool insertBlacklist(QSqlDatabase &db, const BlacklistEntry &entry, qint64 *id, bool *conflict,
                     QString *error);
bool loadBlacklist(QSqlDatabase &db, qint64 id, std::optional<BlacklistEntry> *entry, QString *error);
// Marks an active entry removed; *removed false when it was not active (or unknown).
bool removeBlacklist(QSqlDatabase &db, qint64 id, const QString &actor, bool *removed, QString *error);
struct BlacklistFilter
{
    QString entityType;
    QString entityValue;
    QString status; // active | removed | empty: both
    int limit = 20;
    int offset = 0;
};
bool listBlacklist(QSqlDatabase &db, const BlacklistFilter &filter, QList<BlacklistEntry> *entries,
                   qint64 *total, QString *error);

} // namespace paydesk::services::risk::store
