#include "services/merchant-service/store/MerchantStore.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

namespace paydesk::services::merchant {

namespace merchant_store_sql {
const QString kColumns = QStringLiteral(
    "id::text, name, email, phone, company_name, business_type, country, website, tier, status, kyc_status,"
    " kyc_level, is_test_mode, created_at, updated_at");

MerchantRecord read(const QSqlQuery &query)
{
    MerchantRecord r;
    r.id = query.value(0).toString();
    r.name = query.value(1).toString();
    r.email = query.value(2).toString();
    r.phone = query.value(3).toString();
    r.companyName = query.value(4).toString();
    r.businessType = query.value(5).toString();
    r.country = query.value(6).toString();
    r.website = query.value(7).toString();
    r.tier = query.value(8).toString();
    r.status = query.value(9).toString();
    r.kycStatus = query.value(10).toString();
    r.kycLevel = query.value(11).toString();
    r.isTestMode = query.value(12).toBool();
    r.createdAt = query.value(13).toDateTime().toUTC();
    r.updatedAt = query.value(14).toDateTime().toUTC();
    return r;
}

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

} // namespace merchant_store_sql

using namespace merchant_store_sql;

QJsonObject MerchantRecord::toJson() const
{
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("email"), email},
        {QStringLiteral("phone"), phone},
        {QStringLiteral("company_name"), companyName},
        {QStringLiteral("business_type"), businessType},
        {QStringLiteral("country"), country},
        {QStringLiteral("website"), website},
        {QStringLiteral("tier"), tier},
        {QStringLiteral("status"), status},
        {QStringLiteral("kyc_status"), kycStatus},
        {QStringLiteral("kyc_level"), kycLevel},
        {QStringLiteral("is_test_mode"), isTestMode},
        {QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs)},
    };
}

namespace merchant_store {

std::optional<MerchantRecord> find(QSqlDatabase &db, const QString &id, bool forUpdate, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM merchants WHERE id = ?::uuid%2")
                      .arg(kColumns, forUpdate ? QStringLiteral(" FOR UPDATE") : QString()));
    query.addBindValue(id);
    if (!platform::sql::exec(query, error) || !query.next())
        return std::nullopt;
    return read(query);
}

bool emailTaken(QSqlDatabase &db, const QString &email, const QString &exceptId, bool *taken, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT count(*) FROM merchants WHERE lower(email) = lower(?)"
                                 " AND (?::uuid IS NULL OR id <> ?::uuid)"));
    query.addBindValue(email);
    query.addBindValue(nullable(exceptId));
    query.addBindValue(nullable(exceptId));
    if (!platform::sql::exec(query, error) || !query.next())
        return false;
    *taken = query.value(0).toLongLong() > 0;
    return true;
}

bool insert(QSqlDatabase &db, MerchantRecord *record, bool *inserted, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO merchants (name, email, phone, company_name, business_type, country, website, tier, "
        "status,"
        " kyc_status, kyc_level, is_test_mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT ((lower(email))) DO NOTHING RETURNING id::text, created_at, updated_at"));
    for (const QString &value : {record->name, record->email, record->phone, record->companyName,
                                 record->businessType, record->country, record->website, record->tier,
                                 record->status, record->kycStatus, record->kycLevel})
        query.addBindValue(nullable(value));
    query.addBindValue(record->isTestMode);
    if (!platform::sql::exec(query, error))
        return false;
    *inserted = query.next();
    if (!*inserted)
        return true;
    record->id = query.value(0).toString();
    record->createdAt = query.value(1).toDateTime().toUTC();
    record->updatedAt = query.value(2).toDateTime().toUTC();
    return true;
}

bool update(QSqlDatabase &db, MerchantRecord *record, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE merchants SET name = ?, email = ?, phone = ?, company_name = ?, "
                                 "business_type = ?, country = ?,"
                                 " website = ?, tier = ?, status = ?, kyc_status = ?, kyc_level = ?, "
                                 "is_test_mode = ?, updated_at = now()"
                                 " WHERE id = ?::uuid RETURNING updated_at"));
    for (const QString &value : {record->name, record->email, record->phone, record->companyName,
                                 record->businessType, record->country, record->website, record->tier,
                                 record->status, record->kycStatus, record->kycLevel})
        query.addBindValue(nullable(value));
    query.addBindValue(record->isTestMode);
    query.addBindValue(record->id);
    if (!platform::sql::exec(query, error))
        return false;
    if (!query.next()) {
        *error = QStringLiteral("merchant %1 vanished during the update").arg(record->id);
        return false;
    }
    record->updatedAt = query.value(0).toDateTime().toUTC();
    return true;
}

bool list(QSqlDatabase &db, const MerchantFilter &filter, int limit, int offset, QList<MerchantRecord> *page,
          qint64 *total, QString *error)
{
    // Every filter is a bound parameter; an empty one disables its condition.
    const QString where =
        QStringLiteral(" WHERE (?::text IS NULL OR status = ?) AND (?::text IS NULL OR kyc_status = ?)"
                       " AND (?::text IS NULL OR tier = ?) AND (?::text IS NULL OR name ILIKE ? OR email "
                       "ILIKE ? OR company_name ILIKE ?)");
    QString pattern = filter.text;
    pattern.replace(u'\\', QStringLiteral("\\\\"))
        .replace(u'%', QStringLiteral("\\%"))
        .replace(u'_', QStringLiteral("\\_"));
    pattern = filter.text.isEmpty() ? QString() : u'%' + pattern + u'%';
    auto bindFilter = [&](QSqlQuery &query) {
        for (const QString &value : {filter.status, filter.kycStatus, filter.tier}) {
            query.addBindValue(nullable(value));
            query.addBindValue(nullable(value));
        }
        query.addBindValue(nullable(pattern));
        for (int i = 0; i < 3; ++i)
            query.addBindValue(nullable(pattern));
    };
    QSqlQuery count(db);
    count.prepare(QStringLiteral("SELECT count(*) FROM merchants") + where);
    bindFilter(count);
    if (!platform::sql::exec(count, error) || !count.next())
        return false;
    *total = count.value(0).toLongLong();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM merchants").arg(kColumns) + where +
                  QStringLiteral(" ORDER BY created_at DESC, id LIMIT ? OFFSET ?"));
    bindFilter(query);
    query.addBindValue(limit);
    query.addBindValue(offset);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next())
        page->append(read(query));
    return true;
}

bool appendHistory(QSqlDatabase &db, const StatusChange &change, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO merchant_status_history (merchant_id, from_status, to_status, reason, actor,"
        " forced) VALUES (?::uuid, ?, ?, ?, ?, ?)"));
    query.addBindValue(change.merchantId);
    query.addBindValue(nullable(change.fromStatus));
    query.addBindValue(change.toStatus);
    query.addBindValue(change.reason);
    query.addBindValue(change.actor);
    query.addBindValue(change.forced);
    return platform::sql::exec(query, error);
}

bool history(QSqlDatabase &db, const QString &merchantId, QJsonArray *entries, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT from_status, to_status, reason, actor, forced, at FROM merchant_status_history"
                       " WHERE merchant_id = ?::uuid ORDER BY id"));
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next()) {
        entries->append(QJsonObject{
            {QStringLiteral("from"),
             query.value(0).isNull() ? QJsonValue() : QJsonValue(query.value(0).toString())},
            {QStringLiteral("to"), query.value(1).toString()},
            {QStringLiteral("reason"), query.value(2).toString()},
            {QStringLiteral("actor"), query.value(3).toString()},
            {QStringLiteral("forced"), query.value(4).toBool()},
            {QStringLiteral("at"), query.value(5).toDateTime().toUTC().toString(Qt::ISODateWithMs)},
        });
    }
    return true;
}

} // namespace merchant_store
} // namespace paydesk::services::merchant
