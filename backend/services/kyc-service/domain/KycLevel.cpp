#include "services/kyc-service/domain/KycLevel.h"

#include <array>

namespace paydesk::services::kyc {

namespace kyc_level {
const QStringList kLevelNames{QStringLiteral("basic"), QStringLiteral("intermediate"),
                              QStringLiteral("advanced"), QStringLiteral("enterprise")};
const QStringList kDocumentTypeNames{QStringLiteral("id_card"),        QStringLiteral("passport"),
                                     QStringLiteral("driver_license"), QStringLiteral("business_license"),
                                     QStringLiteral("bank_statement"), QStringLiteral("tax_cert"),
                                     QStringLiteral("other")};
// Spec §4.15 level limits, in the order of the KycLevel enum.
constexpr std::array<LevelLimits, 4> kLimits{{
    {1'000'000, 5'000'000, 100'000'000},
    {10'000'000, 50'000'000, 1'000'000'000},
    {100'000'000, 500'000'000, 10'000'000'000},
    {1'000'000'000, 5'000'000'000, 100'000'000'000},
}};
} // namespace kyc_level

QString toString(KycLevel level)
{
    return kyc_level::kLevelNames.at(static_cast<int>(level));
}

std::optional<KycLevel> kycLevelFrom(const QString &text)
{
    const qsizetype index = kyc_level::kLevelNames.indexOf(text);
    if (index < 0)
        return std::nullopt;
    return static_cast<KycLevel>(index);
}

QStringList kycLevelNames()
{
    return kyc_level::kLevelNames;
}

std::optional<KycLevel> nextLevel(KycLevel level)
{
    if (level == KycLevel::Enterprise)
        return std::nullopt;
    return static_cast<KycLevel>(static_cast<int>(level) + 1);
}

QString toString(DocumentType type)
{
    return kyc_level::kDocumentTypeNames.at(static_cast<int>(type));
}

std::optional<DocumentType> documentTypeFrom(const QString &text)
{
    const qsizetype index = kyc_level::kDocumentTypeNames.indexOf(text);
    if (index < 0)
        return std::nullopt;
    return static_cast<DocumentType>(index);
}

QStringList documentTypeNames()
{
    return kyc_level::kDocumentTypeNames;
}

const LevelLimits &levelLimits(KycLevel level)
{
    return kyc_level::kLimits.at(static_cast<std::size_t>(level));
}

QJsonObject toJson(KycLevel level)
{
    const LevelLimits &limits = levelLimits(level);
    return {{QStringLiteral("level"), toString(level)},
            {QStringLiteral("single_limit_minor"), limits.singleMinor},
            {QStringLiteral("daily_limit_minor"), limits.dailyMinor},
            {QStringLiteral("monthly_limit_minor"), limits.monthlyMinor}};
}

QList<QList<DocumentType>> requirementsFor(KycLevel level)
{
    QList<QList<DocumentType>> requirements;
    if (level >= KycLevel::Intermediate)
        requirements.append({DocumentType::IdCard, DocumentType::Passport});
    if (level >= KycLevel::Advanced)
        requirements.append({DocumentType::BusinessLicense});
    if (level >= KycLevel::Enterprise) {
        requirements.append({DocumentType::TaxCert});
        requirements.append({DocumentType::BankStatement});
    }
    return requirements;
}

QStringList missingDocuments(KycLevel level, const QSet<DocumentType> &available)
{
    QStringList missing;
    for (const QList<DocumentType> &anyOf : requirementsFor(level)) {
        bool met = false;
        QStringList names;
        for (DocumentType type : anyOf) {
            met = met || available.contains(type);
            names.append(toString(type));
        }
        if (!met)
            missing.append(names.join(u'|'));
    }
    return missing;
}

} // namespace paydesk::services::kyc
