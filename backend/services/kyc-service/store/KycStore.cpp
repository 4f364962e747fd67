#include "services/kyc-service/store/KycStore.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::kyc {

namespace kyc_store_sql {
const QString kCaseColumns = QStringLiteral("c.id::text, c.merchant_id::text, c.target_level, c.status, "
                                            "c.reason, c.decided_by, c.decided_at, c.approved_at,"
                                            " c.expired_at, c.created_at");
const QString kDocumentColumns = QStringLiteral("id::text, case_id::text, merchant_id::text, document_type, "
                                                "content_type, file_name, storage_path, sha256,"
                                                " size_bytes, status, uploaded_by, created_at");

CaseRecord readCase(const QSqlQuery &q)
{
    CaseRecord r;
    r.id = q.value(0).toString();
    r.merchantId = q.value(1).toString();
    r.targetLevel = q.value(2).toString();
    r.status = q.value(3).toString();
    r.reason = q.value(4).toString();
    r.decidedBy = q.value(5).toString();
    r.decidedAt = q.value(6).toDateTime().toUTC();
    r.approvedAt = q.value(7).toDateTime().toUTC();
    r.expiredAt = q.value(8).toDateTime().toUTC();
    r.createdAt = q.value(9).toDateTime().toUTC();
    return r;
}

DocumentRecord readDocument(const QSqlQuery &q)
{
    DocumentRecord r;
    r.id = q.value(0).toString();
    r.caseId = q.value(1).toString();
    r.merchantId = q.value(2).toString();
    r.documentType = q.value(3).toString();
    r.contentType = q.value(4).toString();
    r.fileName = q.value(5).toString();
    r.storagePath = q.value(6).toString();
    r.sha256 = q.value(7).toString();
    r.sizeBytes = q.value(8).toLongLong();
    r.status = q.value(9).toString();
    r.uploadedBy = q.value(10).toString();
    r.createdAt = q.value(11).toDateTime().toUTC();
    return r;
}

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

// Times travel as ISO 8601 UTC text cast in SQL, independent of the session time zone.
QVariant nullable(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
}

QJsonValue timeJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toString(Qt::ISODateWithMs)) : QJsonValue();
}
} // namespace kyc_store_sql

using namespace kyc_store_sql;

QJsonObject CaseRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("target_level"), targetLevel},
            {QStringLiteral("status"), status},
            {QStringLiteral("reason"), reason.isEmpty() ? QJsonValue() : QJsonValue(reason)},
            {QStringLiteral("decided_by"), decidedBy.isEmpty() ? QJsonValue() : QJsonValue(decidedBy)},
            {QStringLiteral("decided_at"), timeJson(decidedAt)},
            {QStringLiteral("approved_at"), timeJson(approvedAt)},
            {QStringLiteral("expired_at"), timeJson(expiredAt)},
            {QStringLiteral("created_at"), timeJson(createdAt)},
            {QStringLiteral("document_count"), documentCount}};
}

QJsonObject DocumentRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("case_id"), caseId},
            {QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("type"), documentType},
            {QStringLiteral("content_type"), contentType},
            {QStringLiteral("file_name"), fileName},
            {QStringLiteral("sha256"), sha256},
            {QStringLiteral("size_bytes"), sizeBytes},
            {QStringLiteral("status"), status},
            {QStringLiteral("uploaded_by"), uploadedBy},
            {QStringLiteral("created_at"), timeJson(createdAt)},
            {QStringLiteral("content_url"), QStringLiteral("/api/v1/kyc/documents/%1/content").arg(id)}};
}

namespace kyc_store {

std::optional<CaseRecord> findCase(QSqlDatabase &db, const QString &id, bool forUpdate, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM kyc_cases c WHERE c.id = ?::uuid%2")
                      .arg(kCaseColumns, forUpdate ? QStringLiteral(" FOR UPDATE") : QString()));
    query.addBindValue(id);
    if (!platform::sql::exec(query, error) || !query.next())
        return std::nullopt;
    return readCase(query);
}

std::optional<CaseRecord> findPendingCase(QSqlDatabase &db, const QString &merchantId, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT %1 FROM kyc_cases c WHERE c.merchant_id = ?::uuid AND c.status = 'pending'"
                       " FOR UPDATE")
            .arg(kCaseColumns));
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error) || !query.next())
        return std::nullopt;
    return readCase(query);
}

bool insertCase(QSqlDatabase &db, CaseRecord *record, bool *inserted, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO kyc_cases (merchant_id, target_level) VALUES (?::uuid, ?)"
                                 " ON CONFLICT (merchant_id) WHERE status = 'pending' DO NOTHING"
                                 " RETURNING id::text, created_at"));
    query.addBindValue(record->merchantId);
    query.addBindValue(record->targetLevel);
    if (!platform::sql::exec(query, error))
        return false;
    *inserted = query.next();
    if (!*inserted)
        return true;
    record->id = query.value(0).toString();
    record->createdAt = query.value(1).toDateTime().toUTC();
    return true;
}

bool updateCase(QSqlDatabase &db, const CaseRecord &record, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "UPDATE kyc_cases SET status = ?, reason = ?, decided_by = ?, decided_at = ?::timestamptz,"
        " approved_at = ?::timestamptz, expired_at = ?::timestamptz, updated_at = now() WHERE id = ?::uuid"));
    query.addBindValue(record.status);
    query.addBindValue(nullable(record.reason));
    query.addBindValue(nullable(record.decidedBy));
    query.addBindValue(nullable(record.decidedAt));
    query.addBindValue(nullable(record.approvedAt));
    query.addBindValue(nullable(record.expiredAt));
    query.addBindValue(record.id);
    return platform::sql::exec(query, error);
}

bool queue(QSqlDatabase &db, const QString &status, int limit, int offset, QList<CaseRecord> *cases,
           qint64 *total, QString *error)
{
    QSqlQuery count(db);
    count.prepare(QStringLiteral("SELECT count(*) FROM kyc_cases WHERE status = ?"));
    count.addBindValue(status);
    if (!platform::sql::exec(count, error) || !count.next())
        return false;
    *total = count.value(0).toLongLong();
    // Oldest first: the review queue is worked in arrival order.
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT %1, (SELECT count(*) FROM kyc_documents d WHERE d.case_id = c.id)"
                       " FROM kyc_cases c WHERE c.status = ? ORDER BY c.created_at, c.id LIMIT ? OFFSET ?")
            .arg(kCaseColumns));
    query.addBindValue(status);
    query.addBindValue(limit);
    query.addBindValue(offset);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next()) {
        CaseRecord record = readCase(query);
        record.documentCount = query.value(10).toInt();
        cases->append(record);
    }
    return true;
}

bool casesOfMerchant(QSqlDatabase &db, const QString &merchantId, QList<CaseRecord> *cases, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT %1 FROM kyc_cases c WHERE c.merchant_id = ?::uuid ORDER BY c.created_at, c.id")
            .arg(kCaseColumns));
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next())
        cases->append(readCase(query));
    return true;
}

bool approvedBefore(QSqlDatabase &db, const QDateTime &cutoff, int limit, QList<CaseRecord> *cases,
                    QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral(
            "SELECT %1 FROM kyc_cases c WHERE c.status = 'approved' AND c.approved_at <= ?::timestamptz"
            " ORDER BY c.approved_at, c.id LIMIT ? FOR UPDATE SKIP LOCKED")
            .arg(kCaseColumns));
    query.addBindValue(nullable(cutoff));
    query.addBindValue(limit);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next())
        cases->append(readCase(query));
    return true;
}

bool currentLevel(QSqlDatabase &db, const QString &merchantId, KycLevel *level, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT DISTINCT target_level FROM kyc_cases WHERE merchant_id = ?::uuid"
                                 " AND status = 'approved'"));
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error))
        return false;
    *level = KycLevel::Basic;
    while (query.next())
        *level = qMax(*level, kycLevelFrom(query.value(0).toString()).value_or(KycLevel::Basic));
    return true;
}

bool insertDocument(QSqlDatabase &db, DocumentRecord *record, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO kyc_documents (case_id, merchant_id, document_type, "
                                 "content_type, file_name, storage_path, sha256,"
                                 " size_bytes, uploaded_by) VALUES (?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?) "
                                 "RETURNING id::text, created_at"));
    for (const QString &value : {record->caseId, record->merchantId, record->documentType,
                                 record->contentType, record->fileName, record->storagePath, record->sha256})
        query.addBindValue(value);
    query.addBindValue(record->sizeBytes);
    query.addBindValue(record->uploadedBy);
    if (!platform::sql::exec(query, error) || !query.next())
        return false;
    record->id = query.value(0).toString();
    record->createdAt = query.value(1).toDateTime().toUTC();
    return true;
}

std::optional<DocumentRecord> findDocument(QSqlDatabase &db, const QString &id, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM kyc_documents WHERE id = ?::uuid").arg(kDocumentColumns));
    query.addBindValue(id);
    if (!platform::sql::exec(query, error) || !query.next())
        return std::nullopt;
    return readDocument(query);
}

bool documentsOfCase(QSqlDatabase &db, const QString &caseId, QList<DocumentRecord> *documents,
                     QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT %1 FROM kyc_documents WHERE case_id = ?::uuid ORDER BY created_at, id")
            .arg(kDocumentColumns));
    query.addBindValue(caseId);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next())
        documents->append(readDocument(query));
    return true;
}

bool setDocumentsStatus(QSqlDatabase &db, const QString &caseId, const QString &status, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE kyc_documents SET status = ? WHERE case_id = ?::uuid"));
    query.addBindValue(status);
    query.addBindValue(caseId);
    return platform::sql::exec(query, error);
}

bool approvedDocumentTypes(QSqlDatabase &db, const QString &merchantId, QSet<DocumentType> *types,
                           QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "SELECT DISTINCT d.document_type FROM kyc_documents d JOIN kyc_cases c ON c.id = d.case_id"
        " WHERE d.merchant_id = ?::uuid AND d.status = 'approved' AND c.status = 'approved'"));
    query.addBindValue(merchantId);
    if (!platform::sql::exec(query, error))
        return false;
    while (query.next()) {
        if (const auto type = documentTypeFrom(query.value(0).toString()))
            types->insert(*type);
    }
    return true;
}

} // namespace kyc_store
} // namespace paydesk::services::kyc
