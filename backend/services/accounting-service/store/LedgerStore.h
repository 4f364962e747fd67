#pragma once
// SQL for payment_accounting (migrations/0001_ledger.sql). Every function runs on the caller's
// connection, inside the caller's transaction, and returns false with *error on a database error.
// Worker threads, and the service thread for the event consumers.

#include "services/accounting-service/domain/Ledger.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QUuid>

#include <optional>

namespace paydesk::services::accounting::store {

// The merchant's tier; empty when no merchant.events told it yet.
bool loadTier(QSqlDatabase &db, const QString &merchantId, QString *tier, QString *error);
bool saveTier(QSqlDatabase &db, const QString &merchantId, const QString &tier, QString *error);

struct EntryHeader
{
    QString kind;               // Posting::kind
    QUuid sourceEventId;        // null for reversals
    qint64 reversesEntryId = 0; // reversals only
    QString paymentNo;
    QString refundNo;
    QString merchantId;
    QString channel;
    qint64 amountMinor = 0;
    qint64 merchantFeeMinor = 0;
    std::optional<int> feeRateBp;
    QString description;
    QDateTime occurredAt;
};

struct PostedEntry
{
    qint64 id = 0;
    QString entryNo;
};

// Inserts the entry and its lines, creating accounts on first use, and adds the lines to the
// cached balances (one UPSERT per account, in account id order, so the rows are locked in one
// order by every poster). `posting` must be balanced (checked again here and by the database at
// commit). *duplicate true, and nothing written, when the source event, the reversed entry, the
// payment's capture or the refund already has an entry.
bool postEntry(QSqlDatabase &db, const EntryHeader &header, const Posting &posting, PostedEntry *posted,
               bool *duplicate, QString *error);

// Remembers a money event that could not be posted (first report wins).
bool recordUnposted(QSqlDatabase &db, const QUuid &eventId, const QString &type, const QString &reason,
                    const QJsonObject &payload, QString *error);

struct VerifyReport
{
    qint64 checkedEntries = 0;
    qint64 checkedAccounts = 0;
    qint64 checkedLines = 0;
    qint64 unpostedEvents = 0;
    QJsonArray differences;
    bool ok() const { return differences.isEmpty(); }
    QJsonObject toJson() const;
};
// Recomputes every account's totals from the lines and compares them with the cache, checks that
// every entry balances per currency and that every line's account exists. Run it in a
// REPEATABLE READ transaction (beginSnapshot) so that postings committing meanwhile cannot show
// up as differences.
bool verify(QSqlDatabase &db, VerifyReport *report, QString *error);
// First statement of a transaction: one snapshot for every following query.
bool beginSnapshot(QSqlDatabase &db, QString *error);

struct BalanceFilter
{
    QString merchantId;
    QString currency;
    QString type;
};
// Accounts with their cached balances, merchant accounts first, by code; *total before paging.
bool listBalances(QSqlDatabase &db, const BalanceFilter &filter, int limit, int offset, QJsonArray *items,
                  qint64 *total, QString *error);

struct JournalFilter
{
    QString merchantId;
    QString paymentNo;
    QString entryNo;
    QDateTime from; // inclusive
    QDateTime to;   // exclusive
};
// Entries newest first, each with its lines.
bool listJournal(QSqlDatabase &db, const JournalFilter &filter, int limit, int offset, QJsonArray *items,
                 qint64 *total, QString *error);

// The lines of a posted entry as a Posting (for its reversal); nullopt when the entry is unknown.
bool loadPosting(QSqlDatabase &db, const QString &entryNo, std::optional<Posting> *posting, qint64 *entryId,
                 QJsonObject *entry, QString *error);

} // namespace paydesk::services::accounting::store
