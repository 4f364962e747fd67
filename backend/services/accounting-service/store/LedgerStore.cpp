#include "services/accounting-service/store/LedgerStore.h"

#include "platform/db/Sql.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::accounting::store {

using platform::sql::exec;

namespace ledger_store {
// Timestamps leave the database as UTC ISO 8601 text, whatever the session's time zone.
QString utc(const QString &column)
{
    return QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')").arg(column);
}

QVariant text(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(value);
}

QJsonValue textOrNull(const QVariant &value)
{
    return value.isNull() ? QJsonValue() : QJsonValue(value.toString());
}

struct AccountRow
{
    qint64 id = 0;
    Side normalSide = Side::Debit;
};

// The account's id, created with its balance row on first use.
bool ensureAccount(QSqlDatabase &db, const AccountKey &key, AccountRow *row, QString *error)
{
    const AccountTypeInfo &info = accountTypeInfo(key.type);
    row->normalSide = info.normalSide;
    QSqlQuery q(db);
    auto find = [&] {
        return exec(q, QStringLiteral("SELECT id FROM ledger_accounts WHERE code = ?"), {key.code()}, error);
    };
    // Looked up first: almost every posting hits existing accounts, and an INSERT attempt would
    // burn a sequence value each time.
    if (!find())
        return false;
    if (q.next()) {
        row->id = q.value(0).toLongLong();
        return true;
    }
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO ledger_accounts (code, type, merchant_id, channel, currency, normal_side) "
                  "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING id"),
              {key.code(), info.name, text(info.perMerchant ? key.merchantId : QString()),
               text(info.perChannel ? key.channel : QString()), key.currency, sideName(info.normalSide)},
              error))
        return false;
    if (q.next()) {
        row->id = q.value(0).toLongLong();
        QSqlQuery balance(db);
        return exec(balance, QStringLiteral("INSERT INTO ledger_balances (account_id) VALUES (?)"), {row->id},
                    error);
    }
    // A concurrent poster created it (the INSERT waited for its commit): read it now.
    if (!find())
        return false;
    if (!q.next()) {
        *error = QStringLiteral("account %1 vanished").arg(key.code());
        return false;
    }
    row->id = q.value(0).toLongLong();
    return true;
}

QJsonObject accountJson(const QSqlQuery &q, int first)
{
    // Columns from `first`: code, type, merchant_id, channel, currency, normal_side.
    return {{QStringLiteral("account"), q.value(first).toString()},
            {QStringLiteral("type"), q.value(first + 1).toString()},
            {QStringLiteral("merchant_id"), textOrNull(q.value(first + 2))},
            {QStringLiteral("channel"), textOrNull(q.value(first + 3))},
            {QStringLiteral("currency"), q.value(first + 4).toString()},
            {QStringLiteral("normal_side"), q.value(first + 5).toString()}};
}

QString idArray(const QList<qint64> &ids)
{
    QStringList parts;
    for (qint64 id : ids)
        parts.append(QString::number(id));
    return u'{' + parts.join(u',') + u'}';
}
} // namespace ledger_store

bool loadTier(QSqlDatabase &db, const QString &merchantId, QString *tier, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT tier FROM merchant_tiers WHERE merchant_id = ?"), {merchantId},
              error))
        return false;
    *tier = q.next() ? q.value(0).toString() : QString();
    return true;
}

bool saveTier(QSqlDatabase &db, const QString &merchantId, const QString &tier, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("INSERT INTO merchant_tiers (merchant_id, tier) VALUES (?, ?) ON CONFLICT "
                               "(merchant_id) DO UPDATE SET tier = EXCLUDED.tier, updated_at = now()"),
                {merchantId, tier}, error);
}

bool postEntry(QSqlDatabase &db, const EntryHeader &header, const Posting &posting, PostedEntry *posted,
               bool *duplicate, QString *error)
{
    using namespace ledger_store;
    *duplicate = false;
    QString why;
    if (!posting.isBalanced(&why)) {
        *error = QStringLiteral("refusing to post an unbalanced entry: %1").arg(why);
        return false;
    }
    // The entry number is derived from the id, so both come from one nextval.
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO journal_entries (id, entry_no, kind, source_event_id, reverses_entry_id, "
                  "payment_no, refund_no, merchant_id, currency, channel, amount_minor, merchant_fee_minor, "
                  "fee_rate_bp, description, occurred_at) "
                  "SELECT n, 'JE' || lpad(n::text, 10, '0'), ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?::timestamptz FROM (SELECT nextval('journal_entries_id_seq') AS n) s "
                  "ON CONFLICT DO NOTHING RETURNING id, entry_no"),
              {header.kind,
               header.sourceEventId.isNull() ? QVariant(QMetaType(QMetaType::QString))
                                             : QVariant(header.sourceEventId.toString(QUuid::WithoutBraces)),
               header.reversesEntryId > 0 ? QVariant(header.reversesEntryId)
                                          : QVariant(QMetaType(QMetaType::LongLong)),
               text(header.paymentNo), text(header.refundNo), text(header.merchantId), posting.currency,
               text(header.channel), header.amountMinor, header.merchantFeeMinor,
               header.feeRateBp ? QVariant(*header.feeRateBp) : QVariant(QMetaType(QMetaType::Int)),
               text(header.description),
               header.occurredAt.isValid() ? QVariant(header.occurredAt.toUTC().toString(Qt::ISODateWithMs))
                                           : QVariant(QMetaType(QMetaType::QString))},
              error))
        return false;
    if (!q.next()) {
        *duplicate = true;
        return true;
    }
    posted->id = q.value(0).toLongLong();
    posted->entryNo = q.value(1).toString();

    struct Delta
    {
        Side normalSide = Side::Debit;
        qint64 debit = 0;
        qint64 credit = 0;
        qint64 lines = 0;
    };
    QMap<qint64, Delta> deltas; // ordered by account id: the lock order
    QSqlQuery line(db);
    line.prepare(
        QStringLiteral("INSERT INTO entry_lines (entry_id, line_no, account_id, currency, debit_minor, "
                       "credit_minor) VALUES (?, ?, ?, ?, ?, ?)"));
    // Accounts are resolved (and created) in code order, so two posters creating the same new
    // accounts wait for each other in one order instead of deadlocking.
    QMap<QString, AccountKey> keys; // ordered by code
    for (const PostingLine &posting_line : posting.lines)
        keys.insert(posting_line.account.code(), posting_line.account);
    QHash<QString, AccountRow> accounts;
    for (auto it = keys.cbegin(); it != keys.cend(); ++it) {
        if (!ensureAccount(db, it.value(), &accounts[it.key()], error))
            return false;
    }
    int lineNo = 0;
    for (const PostingLine &posting_line : posting.lines) {
        const AccountRow account = accounts.value(posting_line.account.code());
        if (!exec(line,
                  {posted->id, ++lineNo, account.id, posting.currency, posting_line.debitMinor,
                   posting_line.creditMinor},
                  error))
            return false;
        Delta &delta = deltas[account.id];
        delta.normalSide = account.normalSide;
        delta.debit += posting_line.debitMinor;
        delta.credit += posting_line.creditMinor;
        ++delta.lines;
    }
    QSqlQuery balance(db);
    balance.prepare(QStringLiteral(
        "INSERT INTO ledger_balances AS b (account_id, debit_minor, credit_minor, balance_minor, line_count) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
        "debit_minor = b.debit_minor + EXCLUDED.debit_minor, credit_minor = b.credit_minor + "
        "EXCLUDED.credit_minor, balance_minor = b.balance_minor + EXCLUDED.balance_minor, "
        "line_count = b.line_count + EXCLUDED.line_count, updated_at = now()"));
    for (auto it = deltas.cbegin(); it != deltas.cend(); ++it) {
        const Delta &d = it.value();
        if (!exec(balance,
                  {it.key(), d.debit, d.credit, normalBalance(d.normalSide, d.debit, d.credit), d.lines},
                  error))
            return false;
    }
    return true;
}

bool recordUnposted(QSqlDatabase &db, const QUuid &eventId, const QString &type, const QString &reason,
                    const QJsonObject &payload, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("INSERT INTO unposted_events (event_id, event_type, reason, payload) "
                               "VALUES (?::uuid, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING"),
                {eventId.toString(QUuid::WithoutBraces), type, reason,
                 QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact))},
                error);
}

QJsonObject VerifyReport::toJson() const
{
    return {{QStringLiteral("ok"), ok()},
            {QStringLiteral("checked_entries"), checkedEntries},
            {QStringLiteral("checked_accounts"), checkedAccounts},
            {QStringLiteral("checked_lines"), checkedLines},
            {QStringLiteral("unposted_events"), unpostedEvents},
            {QStringLiteral("differences"), differences}};
}

bool beginSnapshot(QSqlDatabase &db, QString *error)
{
    // Not prepared: PostgreSQL cannot PREPARE a SET statement.
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")))
        return true;
    *error = q.lastError().text();
    return false;
}

bool verify(QSqlDatabase &db, VerifyReport *report, QString *error)
{
    *report = {};
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT (SELECT count(*) FROM journal_entries), (SELECT count(*) FROM "
                             "ledger_accounts), (SELECT count(*) FROM entry_lines), (SELECT count(*) FROM "
                             "unposted_events)"),
              {}, error) ||
        !q.next())
        return false;
    report->checkedEntries = q.value(0).toLongLong();
    report->checkedAccounts = q.value(1).toLongLong();
    report->checkedLines = q.value(2).toLongLong();
    report->unpostedEvents = q.value(3).toLongLong();

    // 1. The cache against the lines, every account (a missing cache row counts as a difference).
    if (!exec(
            q,
            QStringLiteral(
                "SELECT a.code, a.normal_side, b.account_id IS NOT NULL, b.debit_minor, b.credit_minor, "
                "b.balance_minor, coalesce(l.debit, 0), coalesce(l.credit, 0) "
                "FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id "
                "LEFT JOIN (SELECT account_id, sum(debit_minor)::bigint AS debit, sum(credit_minor)::bigint "
                "AS credit FROM entry_lines GROUP BY account_id) l ON l.account_id = a.id ORDER BY a.code"),
            {}, error))
        return false;
    while (q.next()) {
        const Side side = q.value(1).toString() == QStringLiteral("debit") ? Side::Debit : Side::Credit;
        const qint64 debit = q.value(6).toLongLong();
        const qint64 credit = q.value(7).toLongLong();
        const qint64 computed = normalBalance(side, debit, credit);
        const bool cached = q.value(2).toBool();
        if (cached && q.value(3).toLongLong() == debit && q.value(4).toLongLong() == credit &&
            q.value(5).toLongLong() == computed)
            continue;
        report->differences.append(QJsonObject{
            {QStringLiteral("kind"), QStringLiteral("balance")},
            {QStringLiteral("account"), q.value(0).toString()},
            {QStringLiteral("cached"), cached ? QJsonValue(q.value(5).toLongLong()) : QJsonValue()},
            {QStringLiteral("computed"), computed},
            {QStringLiteral("cached_debit"), cached ? QJsonValue(q.value(3).toLongLong()) : QJsonValue()},
            {QStringLiteral("cached_credit"), cached ? QJsonValue(q.value(4).toLongLong()) : QJsonValue()},
            {QStringLiteral("computed_debit"), debit},
            {QStringLiteral("computed_credit"), credit}});
    }
    // Cache rows of accounts that do not exist.
    if (!exec(q,
              QStringLiteral("SELECT b.account_id, b.balance_minor FROM ledger_balances b LEFT JOIN "
                             "ledger_accounts a ON a.id = b.account_id WHERE a.id IS NULL ORDER BY 1"),
              {}, error))
        return false;
    while (q.next())
        report->differences.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("balance")},
                                               {QStringLiteral("account"), q.value(0).toString()},
                                               {QStringLiteral("cached"), q.value(1).toLongLong()},
                                               {QStringLiteral("computed"), QJsonValue()}});

    // 2. Every entry balances per currency and has lines.
    if (!exec(q,
              QStringLiteral(
                  "SELECT e.entry_no, l.currency, coalesce(sum(l.debit_minor), 0)::bigint, "
                  "coalesce(sum(l.credit_minor), 0)::bigint, count(l.id) "
                  "FROM journal_entries e LEFT JOIN entry_lines l ON l.entry_id = e.id "
                  "GROUP BY e.id, e.entry_no, l.currency "
                  "HAVING count(l.id) < 1 OR sum(l.debit_minor) <> sum(l.credit_minor) ORDER BY e.id"),
              {}, error))
        return false;
    while (q.next())
        report->differences.append(
            QJsonObject{{QStringLiteral("kind"), QStringLiteral("unbalanced_entry")},
                        {QStringLiteral("entry_no"), q.value(0).toString()},
                        {QStringLiteral("currency"), ledger_store::textOrNull(q.value(1))},
                        {QStringLiteral("debit"), q.value(2).toLongLong()},
                        {QStringLiteral("credit"), q.value(3).toLongLong()}});

    // 3. Every line's account exists (the foreign key says so; verify does not take it on trust).
    if (!exec(q,
              QStringLiteral("SELECT e.entry_no, l.line_no, l.account_id FROM entry_lines l "
                             "JOIN journal_entries e ON e.id = l.entry_id LEFT JOIN ledger_accounts a ON "
                             "a.id = l.account_id WHERE a.id IS NULL ORDER BY l.id"),
              {}, error))
        return false;
    while (q.next())
        report->differences.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("missing_account")},
                                               {QStringLiteral("entry_no"), q.value(0).toString()},
                                               {QStringLiteral("line_no"), q.value(1).toInt()},
                                               {QStringLiteral("account_id"), q.value(2).toLongLong()}});
    return true;
}

bool listBalances(QSqlDatabase &db, const BalanceFilter &filter, int limit, int offset, QJsonArray *items,
                  qint64 *total, QString *error)
{
    using namespace ledger_store;
    const QString where = QStringLiteral(
        " WHERE (?::text IS NULL OR a.merchant_id = ?) AND (?::text IS NULL OR a.currency = ?) "
        "AND (?::text IS NULL OR a.type = ?)");
    const QVariantList values{text(filter.merchantId), text(filter.merchantId), text(filter.currency),
                              text(filter.currency),   text(filter.type),       text(filter.type)};
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM ledger_accounts a") + where, values, error) ||
        !q.next())
        return false;
    *total = q.value(0).toLongLong();
    QVariantList paged = values;
    paged << limit << offset;
    if (!exec(
            q,
            QStringLiteral(
                "SELECT a.code, a.type, a.merchant_id, a.channel, a.currency, a.normal_side, "
                "coalesce(b.balance_minor, 0), coalesce(b.debit_minor, 0), coalesce(b.credit_minor, "
                "0), coalesce(b.line_count, 0), ") +
                utc(QStringLiteral("b.updated_at")) +
                QStringLiteral(" FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id") +
                where +
                QStringLiteral(" ORDER BY a.merchant_id IS NULL, a.merchant_id, a.currency, a.code LIMIT ? "
                               "OFFSET ?"),
            paged, error))
        return false;
    while (q.next()) {
        QJsonObject row = accountJson(q, 0);
        row.insert(QStringLiteral("balance_minor"), q.value(6).toLongLong());
        row.insert(QStringLiteral("debit_minor"), q.value(7).toLongLong());
        row.insert(QStringLiteral("credit_minor"), q.value(8).toLongLong());
        row.insert(QStringLiteral("line_count"), q.value(9).toLongLong());
        row.insert(QStringLiteral("updated_at"), textOrNull(q.value(10)));
        items->append(row);
    }
    return true;
}

bool listJournal(QSqlDatabase &db, const JournalFilter &filter, int limit, int offset, QJsonArray *items,
                 qint64 *total, QString *error)
{
    using namespace ledger_store;
    const QVariant nullTime(QMetaType(QMetaType::QString));
    auto time = [&nullTime](const QDateTime &t) {
        return t.isValid() ? QVariant(t.toUTC().toString(Qt::ISODateWithMs)) : nullTime;
    };
    const QString where = QStringLiteral(
        " WHERE (?::text IS NULL OR e.merchant_id = ?) AND (?::text IS NULL OR e.payment_no = ?) "
        "AND (?::text IS NULL OR e.entry_no = ?) AND (?::timestamptz IS NULL OR e.created_at >= "
        "?::timestamptz) "
        "AND (?::timestamptz IS NULL OR e.created_at < ?::timestamptz)");
    const QVariantList values{text(filter.merchantId), text(filter.merchantId), text(filter.paymentNo),
                              text(filter.paymentNo),  text(filter.entryNo),    text(filter.entryNo),
                              time(filter.from),       time(filter.from),       time(filter.to),
                              time(filter.to)};
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM journal_entries e") + where, values, error) ||
        !q.next())
        return false;
    *total = q.value(0).toLongLong();
    QVariantList paged = values;
    paged << limit << offset;
    if (!exec(q,
              QStringLiteral(
                  "SELECT e.id, e.entry_no, e.kind, e.source_event_id::text, r.entry_no, e.payment_no, "
                  "e.refund_no, e.merchant_id, e.currency, e.channel, e.amount_minor, "
                  "e.merchant_fee_minor, e.fee_rate_bp, e.description, ") +
                  utc(QStringLiteral("e.occurred_at")) + u',' + utc(QStringLiteral("e.created_at")) +
                  QStringLiteral(" FROM journal_entries e LEFT JOIN journal_entries r ON r.id = "
                                 "e.reverses_entry_id") +
                  where + QStringLiteral(" ORDER BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?"),
              paged, error))
        return false;
    QList<qint64> ids;
    QList<QJsonObject> entries;
    while (q.next()) {
        ids.append(q.value(0).toLongLong());
        entries.append(
            {{QStringLiteral("entry_no"), q.value(1).toString()},
             {QStringLiteral("kind"), q.value(2).toString()},
             {QStringLiteral("source_event_id"), textOrNull(q.value(3))},
             {QStringLiteral("reverses_entry_no"), textOrNull(q.value(4))},
             {QStringLiteral("payment_no"), textOrNull(q.value(5))},
             {QStringLiteral("refund_no"), textOrNull(q.value(6))},
             {QStringLiteral("merchant_id"), textOrNull(q.value(7))},
             {QStringLiteral("currency"), q.value(8).toString()},
             {QStringLiteral("channel"), textOrNull(q.value(9))},
             {QStringLiteral("amount_minor"), q.value(10).toLongLong()},
             {QStringLiteral("merchant_fee_minor"), q.value(11).toLongLong()},
             {QStringLiteral("fee_rate_bp"), q.value(12).isNull() ? QJsonValue() : q.value(12).toInt()},
             {QStringLiteral("description"), textOrNull(q.value(13))},
             {QStringLiteral("occurred_at"), textOrNull(q.value(14))},
             {QStringLiteral("created_at"), q.value(15).toString()}});
    }
    QHash<qint64, QJsonArray> lines;
    if (!ids.isEmpty()) {
        if (!exec(
                q,
                QStringLiteral("SELECT l.entry_id, l.line_no, a.code, a.type, l.debit_minor, l.credit_minor "
                               "FROM entry_lines l JOIN ledger_accounts a ON a.id = l.account_id "
                               "WHERE l.entry_id = ANY(?::bigint[]) ORDER BY l.entry_id, l.line_no"),
                {idArray(ids)}, error))
            return false;
        while (q.next())
            lines[q.value(0).toLongLong()].append(
                QJsonObject{{QStringLiteral("line_no"), q.value(1).toInt()},
                            {QStringLiteral("account"), q.value(2).toString()},
                            {QStringLiteral("account_type"), q.value(3).toString()},
                            {QStringLiteral("debit_minor"), q.value(4).toLongLong()},
                            {QStringLiteral("credit_minor"), q.value(5).toLongLong()}});
    }
    for (qsizetype i = 0; i < entries.size(); ++i) {
        entries[i].insert(QStringLiteral("lines"), lines.value(ids[i]));
        items->append(entries[i]);
    }
    return true;
}

bool loadPosting(QSqlDatabase &db, const QString &entryNo, std::optional<Posting> *posting, qint64 *entryId,
                 QJsonObject *entry, QString *error)
{
    posting->reset();
    QJsonArray found;
    qint64 total = 0;
    if (!listJournal(db, {.entryNo = entryNo}, 1, 0, &found, &total, error))
        return false;
    if (found.isEmpty())
        return true;
    *entry = found.first().toObject();
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT e.id, e.kind, e.currency, a.type, a.merchant_id, a.channel, l.debit_minor, "
                  "l.credit_minor FROM journal_entries e JOIN entry_lines l ON l.entry_id = e.id "
                  "JOIN ledger_accounts a ON a.id = l.account_id WHERE e.entry_no = ? ORDER BY l.line_no"),
              {entryNo}, error))
        return false;
    Posting loaded;
    while (q.next()) {
        *entryId = q.value(0).toLongLong();
        loaded.kind = q.value(1).toString();
        loaded.currency = q.value(2).toString();
        const std::optional<AccountType> type = accountTypeFromName(q.value(3).toString());
        if (!type) {
            *error = QStringLiteral("entry %1 uses an unknown account type").arg(entryNo);
            return false;
        }
        loaded.lines.append({{*type, q.value(4).toString(), q.value(5).toString(), loaded.currency},
                             q.value(6).toLongLong(),
                             q.value(7).toLongLong()});
    }
    *posting = loaded;
    return true;
}

} // namespace paydesk::services::accounting::store
