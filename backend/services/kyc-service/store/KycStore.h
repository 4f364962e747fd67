#pragma once
// SQL for KYC cases and documents (database payment_kyc). Error conventions: false / nullopt
// with *error set on a database error; "not found" is nullopt with *error left empty.

#include "services/kyc-service/domain/KycLevel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace paydesk::services::kyc {

struct CaseRecord
{
    QString id;
    QString merchantId;
    QString targetLevel;
    QString status = QStringLiteral("pending");
    QString reason;
    QString decidedBy;
    QDateTime decidedAt;
    QDateTime approvedAt;
    QDateTime expiredAt;
    QDateTime createdAt;
    int documentCount = 0; // filled by queue listings

    QJsonObject toJson() const;
};

struct DocumentRecord
{
    QString id;
    QString caseId;
    QString merchantId;
    QString documentType;
    QString contentType;
    QString fileName;
    QString storagePath; // relative to the data directory
    QString sha256;      // lower-case hex
    qint64 sizeBytes = 0;
    QString status = QStringLiteral("pending");
    QString uploadedBy;
    QDateTime createdAt;

    QJsonObject toJson() const; // without the storage path
};

namespace kyc_store {

std::optional<CaseRecord> findCase(QSqlDatabase &db, const QString &id, bool forUpdate, QString *error);
std::optional<CaseRecord> findPendingCase(QSqlDatabase &db, const QString &merchantId, QString *error);
// *inserted is false when the merchant already has a pending case (one opened concurrently).
bool insertCase(QSqlDatabase &db, CaseRecord *record, bool *inserted, QString *error);
// Writes status, reason, decided_by/at, approved_at and expired_at.
bool updateCase(QSqlDatabase &db, const CaseRecord &record, QString *error);
bool queue(QSqlDatabase &db, const QString &status, int limit, int offset, QList<CaseRecord> *cases,
           qint64 *total, QString *error);
bool casesOfMerchant(QSqlDatabase &db, const QString &merchantId, QList<CaseRecord> *cases, QString *error);
// Approved cases whose approval is at or before `cutoff`, locked, oldest first, at most `limit`.
bool approvedBefore(QSqlDatabase &db, const QDateTime &cutoff, int limit, QList<CaseRecord> *cases,
                    QString *error);
// The highest level among the merchant's approved cases (basic when none).
bool currentLevel(QSqlDatabase &db, const QString &merchantId, KycLevel *level, QString *error);

bool insertDocument(QSqlDatabase &db, DocumentRecord *record, QString *error);
std::optional<DocumentRecord> findDocument(QSqlDatabase &db, const QString &id, QString *error);
bool documentsOfCase(QSqlDatabase &db, const QString &caseId, QList<DocumentRecord> *documents,
                     QString *error);
bool setDocumentsStatus(QSqlDatabase &db, const QString &caseId, const QString &status, QString *error);
// Types of the merchant's approved documents in cases that are still approved.
bool approvedDocumentTypes(QSqlDatabase &db, const QString &merchantId, QSet<DocumentType> *types,
                           QString *error);

} // namespace kyc_store
} // namespace paydesk::services::kyc
