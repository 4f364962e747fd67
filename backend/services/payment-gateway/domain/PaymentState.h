#pragma once
// The payment and refund state machines (docs/contracts/payment-flow.md "Statuses"), the mapping
// of channel answers onto them, and the money rules of capture and refund. Pure: no I/O.

#include <QString>
#include <QStringView>

#include <optional>

namespace paydesk::services::gateway {

enum class PaymentStatus { Pending, Processing, Authorized, Success, Failed, Cancelled, Expired };
QString toString(PaymentStatus status);
std::optional<PaymentStatus> paymentStatus(QStringView text);
// pending → processing|authorized|success|failed|cancelled|expired; processing → success|authorized
// (asynchronous pre-authorisation)|failed|cancelled|expired; authorized → success (capture)|cancelled
// (void)|expired. Nothing leaves success, failed, cancelled or expired (a refund does not change the
// payment's status).
bool canTransition(PaymentStatus from, PaymentStatus to);
bool isFinal(PaymentStatus status);
// The payment.events type announcing a change to `to` ("payment.success"); a void (authorized →
// cancelled) is "payment.voided". Empty for statuses no event announces (processing).
QString eventType(PaymentStatus from, PaymentStatus to);

enum class RefundStatus { Pending, Processing, Success, Failed };
QString toString(RefundStatus status);
std::optional<RefundStatus> refundStatus(QStringView text);
bool canTransition(RefundStatus from, RefundStatus to);

// What channel-adapter answered for a payment (create, or a verified callback).
enum class ChannelOutcome { Succeeded, Authorized, Pending, Declined, Failed };
std::optional<ChannelOutcome> channelOutcome(QStringView text);
PaymentStatus statusAfter(ChannelOutcome outcome);

// Refunds reserve their amount while pending or processing, so that two concurrent refunds cannot
// both pass the check (spec §0.8, done under the payment's row lock).
enum class RefundVerdict { Allowed, PaymentNotRefundable, ExceedsRemaining };
RefundVerdict checkRefund(PaymentStatus status, qint64 capturedMinor, qint64 reservedMinor,
                          qint64 amountMinor);
qint64 refundableMinor(qint64 capturedMinor, qint64 reservedMinor);

// A pre-authorisation is captured once, for at most the authorised amount (default: all of it).
enum class CaptureVerdict { Allowed, NotAuthorized, AlreadyRequested, ExceedsAuthorized };
CaptureVerdict checkCapture(PaymentStatus status, bool captureRequested, qint64 authorizedMinor,
                            qint64 amountMinor);

// "PY" / "RF" + UTC date-time to the second + 12 random digits: unique, sortable by creation.
QString newPaymentNo();
QString newRefundNo();

} // namespace paydesk::services::gateway
