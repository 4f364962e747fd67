#include "services/merchant-service/store/BankAccountStore.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::merchant {

namespace bank_account_sql {
const QString kColumns = QStringLiteral("id::text, merchant_id::text, account_holder, scheme, "
                                        "account_number_encrypted, account_number_masked, bank_code,"
                                        " currency, is_default, created_at, updated_at");

BankAccountRecord read(const QSqlQuery &query)
{
    BankAccountRecord r;
    r.id = query.value(0).toString();
    r.merchantId = query.value(1).toString();
    r.accountHolder = query.value(2).toString();
    r.scheme = query.value(3).toString();
    r.accountNumberEncrypted = query.value(4).toByteArray();
    r.accountNumberMasked = query.value(5).toString();
    r.bankCode = query.value(6).toString();
    r.currency = query.value(7).toString();
    r.isDefault = query.value(8).toBool();
    r.createdAt = query.value(9).toDateTime().toUTC();
    r.updatedAt = query.value(10).toDateTime().toUTC();
    return r;
}

// account_holder, scheme, account_number_encrypted, account_number_masked, bank_code, currency,
// is_default: the columns insert and update write, in that order.
void bindColumns(QSqlQuery &query, const BankAccountRecord &record)
{
    query.addBindValue(record.accountHolder);
    query.addBindValue(record.scheme);
    query.addBindValue(record.accountNumberEncrypted);
    query.addBindValue(record.accountNumberMasked);
    query.addBindValue(record.bankCode.isEmpty() ? QVariant() : QVariant(record.bankCode));
    query.addBindValue(record.currency);
    query.addBindValue(record.isDefault);
}

// The partial unique index allows one default per merchant: clear the others first.
bool clearDefault(QSqlDatabase &db, const BankAccountRecord &keep, QString *error)
{
    if (!keep.isDefault)
        return true;
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE merchant_bank_accounts SET is_default = false, updated_at = now()"
                       " WHERE merchant_id = ?::uuid AND is_default AND (?::uuid IS NULL OR id <> ?::uuid)"));
    query.addBindValue(keep.merchantId);
    const QVariant id = keep.id.isEmpty() ? QVariant() : QVariant(keep.id);
    query.addBindValue(id);
    query.addBindValue(id);
    return platform::sql::exec(query, error);
}
} // namespace bank_account_sql

using namespace bank_account_sql;

QJsonObject BankAccountRecord::toJson() const
{
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("merchant_id"), merchantId},
        {QStringLiteral("account_holder"), accountHolder},
        {QStringLiteral("scheme"), scheme},
        {QStringLiteral("account_number_masked"), accountNumberMasked},
        {QStringLiteral("bank_code"), bankCode.isEmpty() ? QJsonValue() : QJsonValue(bankCode)},
        {QStringLiteral("currency"), currency},
        {QStringLiteral("is_default"), isDefault},
        {QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs)},
    };
}

namespace bank_account_store {

std::optional<BankAccountRecord> find(QSqlDatabase &db, const QString &merchantId, const QString &id,
                                      QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT %1 FROM merchant_bank_accounts WHERE id = ?::uuid AND merchant_id = ?::uuid")
            .arg(kColumns));
    query.addBindValue(id);
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error) || !query.next())
        return std::nullopt;
    return read(query);
}

bool list(QSqlDatabase &db, const QString &merchantId, QList<BankAccountRecord> *accounts, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM merchant_bank_accounts WHERE merchant_id = ?::uuid"
                                 " ORDER BY created_at, id")
                      .arg(kColumns));
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next())
        accounts->append(read(query));
    return true;
}

bool insert(QSqlDatabase &db, BankAccountRecord *record, QString *error)
{
    if (!clearDefault(db, *record, error))
        return false;
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO merchant_bank_accounts (merchant_id, account_holder, scheme, account_number_encrypted,"
        " account_number_masked, bank_code, currency, is_default) VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id::text, created_at, updated_at"));
    query.addBindValue(record->merchantId);
    bindColumns(query, *record);
    if (!platform::sql::exec(query, error) || !query.next())
        return false;
    record->id = query.value(0).toString();
    record->createdAt = query.value(1).toDateTime().toUTC();
    record->updatedAt = query.value(2).toDateTime().toUTC();
    return true;
}

bool update(QSqlDatabase &db, BankAccountRecord *record, QString *error)
{
    if (!clearDefault(db, *record, error))
        return false;
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "UPDATE merchant_bank_accounts SET account_holder = ?, scheme = ?, account_number_encrypted = ?,"
        " account_number_masked = ?, bank_code = ?, currency = ?, is_default = ?, updated_at = now()"
        " WHERE id = ?::uuid RETURNING updated_at"));
    bindColumns(query, *record);
    query.addBindValue(record->id);
    if (!platform::sql::exec(query, error) || !query.next())
        return false;
    record->updatedAt = query.value(0).toDateTime().toUTC();
    return true;
}

bool remove(QSqlDatabase &db, const QString &id, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("DELETE FROM merchant_bank_accounts WHERE id = ?::uuid"));
    query.addBindValue(id);
    return platform::sql::exec(query, error);
}

} // namespace bank_account_store
} // namespace paydesk::services::merchant
