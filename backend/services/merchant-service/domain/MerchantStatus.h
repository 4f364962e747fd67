#pragma once
// The merchant lifecycle and the KYC status merchant-service mirrors from kyc-service.
//
//   pending ──activate──▶ active ──suspend──▶ suspended
//      │                    ▲                     │
//      └──reject──▶ rejected└──────activate───────┘
//
// rejected is final. Every transition carries a non-empty reason (it lands in
// merchant_status_history). Becoming active requires kyc_status = verified, unless an admin with
// the extra permission kForceActivatePermission passes `force: true` (recorded as forced).

#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::merchant {

enum class MerchantStatus { Pending, Active, Suspended, Rejected };
enum class KycStatus { None, Pending, Verified, Rejected, Expired };

QString toString(MerchantStatus status);
QString toString(KycStatus status);
std::optional<MerchantStatus> merchantStatusFrom(const QString &text);
std::optional<KycStatus> kycStatusFrom(const QString &text);
QStringList merchantStatusNames();
QStringList kycStatusNames();

// The permission that lets an admin activate a merchant whose KYC is not verified. Deliberately
// not implied by merchant.update: bypassing KYC is a separate, rarer grant (merchant.* has it).
inline const QString kForceActivatePermission = QStringLiteral("compliance.override");

enum class TransitionVerdict {
    Allowed,
    Illegal,        // 409 ILLEGAL_TRANSITION
    ReasonRequired, // 422
    KycNotVerified, // 409 KYC_NOT_VERIFIED
};

struct TransitionRequest
{
    MerchantStatus from = MerchantStatus::Pending;
    MerchantStatus to = MerchantStatus::Active;
    QString reason;
    KycStatus kycStatus = KycStatus::None;
    bool force = false; // the caller's permission to force is checked by the route, not here
};

bool isLegalTransition(MerchantStatus from, MerchantStatus to);
TransitionVerdict checkTransition(const TransitionRequest &request);

// kyc_status after a kyc-service event. `verifiedLevelRemains` is true when the merchant still
// holds an approved KYC level above basic after the event (the event's current_level): an upgrade
// that is pending, rejected or expired must not take "verified" away from a merchant whose lower
// level is still approved, or a suspended merchant could not be reactivated during a review.
// nullopt for event types that do not change kyc_status.
std::optional<KycStatus> kycStatusAfterEvent(const QString &eventType, bool verifiedLevelRemains);

} // namespace paydesk::services::merchant
