#include "services/kyc-service/domain/KycCase.h"

namespace paydesk::services::kyc {

namespace kyc_case {
const QStringList kNames{QStringLiteral("pending"), QStringLiteral("approved"), QStringLiteral("rejected"),
                         QStringLiteral("expired")};
} // namespace kyc_case

QString toString(CaseStatus status)
{
    return kyc_case::kNames.at(static_cast<int>(status));
}

std::optional<CaseStatus> caseStatusFrom(const QString &text)
{
    const qsizetype index = kyc_case::kNames.indexOf(text);
    if (index < 0)
        return std::nullopt;
    return static_cast<CaseStatus>(index);
}

QStringList caseStatusNames()
{
    return kyc_case::kNames;
}

bool isLegalCaseTransition(CaseStatus from, CaseStatus to)
{
    switch (from) {
    case CaseStatus::Pending:
        return to == CaseStatus::Approved || to == CaseStatus::Rejected;
    case CaseStatus::Approved:
        return to == CaseStatus::Expired;
    case CaseStatus::Rejected:
    case CaseStatus::Expired:
        return false;
    }
    return false;
}

CaseVerdict checkCaseTransition(CaseStatus from, CaseStatus to, const QString &reason)
{
    if (!isLegalCaseTransition(from, to))
        return CaseVerdict::Illegal;
    if (to == CaseStatus::Rejected && reason.trimmed().isEmpty())
        return CaseVerdict::ReasonRequired;
    return CaseVerdict::Allowed;
}

bool approvalExpired(const QDateTime &approvedAt, const QDateTime &now)
{
    return approvedAt <= expiryCutoff(now);
}

QDateTime expiryCutoff(const QDateTime &now)
{
    return now.addDays(-kReviewValidityDays);
}

} // namespace paydesk::services::kyc
