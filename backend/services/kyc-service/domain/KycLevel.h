#pragma once
// KYC levels, the limits each one grants and the documents each one needs (spec §4.15, fact 15).
//
// Levels are cumulative: basic → intermediate → advanced → enterprise. A case for a target level
// is approvable when the documents of the case, together with documents approved in earlier
// cases that are still approved, cover every requirement up to that level:
//   intermediate  an identity document: id_card or passport
//   advanced      + business_license
//   enterprise    + tax_cert and bank_statement (the business qualification)
// driver_license and other are accepted as supporting documents but satisfy no requirement.

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::kyc {

enum class KycLevel { Basic, Intermediate, Advanced, Enterprise };
enum class DocumentType { IdCard, Passport, DriverLicense, BusinessLicense, BankStatement, TaxCert, Other };

// Transaction limits of a level, in integer minor units of the settlement currency.
struct LevelLimits
{
    qint64 singleMinor;
    qint64 dailyMinor;
    qint64 monthlyMinor;
};

QString toString(KycLevel level);
std::optional<KycLevel> kycLevelFrom(const QString &text);
QStringList kycLevelNames();
std::optional<KycLevel> nextLevel(KycLevel level); // nullopt above enterprise

QString toString(DocumentType type);
std::optional<DocumentType> documentTypeFrom(const QString &text);
QStringList documentTypeNames();

const LevelLimits &levelLimits(KycLevel level);
// {"level", "single_limit_minor", "daily_limit_minor", "monthly_limit_minor"}
QJsonObject toJson(KycLevel level);

// Each inner list is one requirement satisfied by any of its types.
QList<QList<DocumentType>> requirementsFor(KycLevel level);
// The unmet requirements for `level` given the available document types, as "id_card|passport".
QStringList missingDocuments(KycLevel level, const QSet<DocumentType> &available);

} // namespace paydesk::services::kyc
