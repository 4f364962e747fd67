#include "services/merchant-service/domain/MerchantStatus.h"

namespace paydesk::services::merchant {

namespace merchant_status {
const QStringList kMerchantStatusNames{QStringLiteral("pending"), QStringLiteral("active"),
                                       QStringLiteral("suspended"), QStringLiteral("rejected")};
const QStringList kKycStatusNames{QStringLiteral("none"), QStringLiteral("pending"),
                                  QStringLiteral("verified"), QStringLiteral("rejected"),
                                  QStringLiteral("expired")};
} // namespace merchant_status

QString toString(MerchantStatus status)
{
    return merchant_status::kMerchantStatusNames.at(static_cast<int>(status));
}

QString toString(KycStatus status)
{
    return merchant_status::kKycStatusNames.at(static_cast<int>(status));
}

std::optional<MerchantStatus> merchantStatusFrom(const QString &text)
{
    const qsizetype index = merchant_status::kMerchantStatusNames.indexOf(text);
    if (index < 0)
        return std::nullopt;
    return static_cast<MerchantStatus>(index);
}

std::optional<KycStatus> kycStatusFrom(const QString &text)
{
    const qsizetype index = merchant_status::kKycStatusNames.indexOf(text);
    if (index < 0)
        return std::nullopt;
    return static_cast<KycStatus>(index);
}

QStringList merchantStatusNames()
{
    return merchant_status::kMerchantStatusNames;
}

QStringList kycStatusNames()
{
    return merchant_status::kKycStatusNames;
}

bool isLegalTransition(MerchantStatus from, MerchantStatus to)
{
    switch (from) {
    case MerchantStatus::Pending:
        return to == MerchantStatus::Active || to == MerchantStatus::Rejected;
    case MerchantStatus::Active:
        return to == MerchantStatus::Suspended;
    case MerchantStatus::Suspended:
        return to == MerchantStatus::Active;
    case MerchantStatus::Rejected:
        return false;
    }
    return false;
}

TransitionVerdict checkTransition(const TransitionRequest &request)
{
    if (request.reason.trimmed().isEmpty())
        return TransitionVerdict::ReasonRequired;
    if (!isLegalTransition(request.from, request.to))
        return TransitionVerdict::Illegal;
    if (request.to == MerchantStatus::Active && request.kycStatus != KycStatus::Verified && !request.force)
        return TransitionVerdict::KycNotVerified;
    return TransitionVerdict::Allowed;
}

std::optional<KycStatus> kycStatusAfterEvent(const QString &eventType, bool verifiedLevelRemains)
{
    if (eventType == QStringLiteral("kyc.approved"))
        return KycStatus::Verified;
    if (verifiedLevelRemains &&
        (eventType == QStringLiteral("kyc.submitted") || eventType == QStringLiteral("kyc.rejected") ||
         eventType == QStringLiteral("kyc.expired")))
        return KycStatus::Verified;
    if (eventType == QStringLiteral("kyc.submitted"))
        return KycStatus::Pending;
    if (eventType == QStringLiteral("kyc.rejected"))
        return KycStatus::Rejected;
    if (eventType == QStringLiteral("kyc.expired"))
        return KycStatus::Expired;
    return std::nullopt;
}

} // namespace paydesk::services::merchant
