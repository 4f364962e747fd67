#pragma once
// The review state machine of a KYC case (one merchant, one target level):
//
//   pending ──approve──▶ approved ──(365 days later)──▶ expired
//      └─────reject────▶ rejected
//
// rejected and expired are final; a merchant starts a new case. A rejection needs a reason.
// An approval is valid for kReviewValidityDays, after which the periodic sweep expires it and
// the merchant must be reviewed again.

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::kyc {

enum class CaseStatus { Pending, Approved, Rejected, Expired };

inline constexpr int kReviewValidityDays = 365;

QString toString(CaseStatus status);
std::optional<CaseStatus> caseStatusFrom(const QString &text);
QStringList caseStatusNames();

enum class CaseVerdict {
    Allowed,
    Illegal,        // 409 ILLEGAL_TRANSITION
    ReasonRequired, // 422
};

bool isLegalCaseTransition(CaseStatus from, CaseStatus to);
CaseVerdict checkCaseTransition(CaseStatus from, CaseStatus to, const QString &reason);

// True when an approval given at `approvedAt` has run out at `now`.
bool approvalExpired(const QDateTime &approvedAt, const QDateTime &now);
// The latest approval time that has run out at `now` (the sweep's cut-off).
QDateTime expiryCutoff(const QDateTime &now);

} // namespace paydesk::services::kyc
