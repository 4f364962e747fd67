#include "services/payment-gateway/domain/PaymentState.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <array>

namespace paydesk::services::gateway {

namespace {
constexpr std::array<const char *, 7> kPaymentNames{"pending", "processing", "authorized", "success",
                                                    "failed",  "cancelled",  "expired"};
constexpr std::array<const char *, 4> kRefundNames{"pending", "processing", "success", "failed"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse(QStringView text, const std::array<const char *, N> &names)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (text == QLatin1StringView(names[i]))
            return static_cast<Enum>(i);
    }
    return std::nullopt;
}

QString newNumber(const char *prefix)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss"));
    const quint64 random = QRandomGenerator::system()->bounded(quint64(1'000'000'000'000));
    return QLatin1StringView(prefix) + stamp + QStringLiteral("%1").arg(random, 12, 10, QChar(u'0'));
}
} // namespace

QString toString(PaymentStatus status)
{
    return QString::fromLatin1(kPaymentNames[static_cast<std::size_t>(status)]);
}

std::optional<PaymentStatus> paymentStatus(QStringView text)
{
    return parse<PaymentStatus>(text, kPaymentNames);
}

bool canTransition(PaymentStatus from, PaymentStatus to)
{
    using S = PaymentStatus;
    switch (from) {
    case S::Pending:
        return to != S::Pending;
    case S::Processing:
        // Authorized: an asynchronous pre-authorisation answered by callback.
        return to == S::Success || to == S::Authorized || to == S::Failed || to == S::Cancelled ||
               to == S::Expired;
    case S::Authorized:
        return to == S::Success || to == S::Cancelled || to == S::Expired;
    case S::Success:
    case S::Failed:
    case S::Cancelled:
    case S::Expired:
        return false;
    }
    return false;
}

bool isFinal(PaymentStatus status)
{
    return status == PaymentStatus::Success || status == PaymentStatus::Failed ||
           status == PaymentStatus::Cancelled || status == PaymentStatus::Expired;
}

QString eventType(PaymentStatus from, PaymentStatus to)
{
    if (to == PaymentStatus::Processing)
        return {};
    if (from == PaymentStatus::Authorized && to == PaymentStatus::Cancelled)
        return QStringLiteral("payment.voided");
    return QStringLiteral("payment.") + toString(to);
}

QString toString(RefundStatus status)
{
    return QString::fromLatin1(kRefundNames[static_cast<std::size_t>(status)]);
}

std::optional<RefundStatus> refundStatus(QStringView text)
{
    return parse<RefundStatus>(text, kRefundNames);
}

bool canTransition(RefundStatus from, RefundStatus to)
{
    using S = RefundStatus;
    switch (from) {
    case S::Pending:
        return to == S::Processing || to == S::Success || to == S::Failed;
    case S::Processing:
        return to == S::Success || to == S::Failed;
    case S::Success:
    case S::Failed:
        return false;
    }
    return false;
}

std::optional<ChannelOutcome> channelOutcome(QStringView text)
{
    static constexpr std::array<const char *, 5> kNames{"succeeded", "authorized", "pending", "declined",
                                                        "failed"};
    return parse<ChannelOutcome>(text, kNames);
}

PaymentStatus statusAfter(ChannelOutcome outcome)
{
    switch (outcome) {
    case ChannelOutcome::Succeeded:
        return PaymentStatus::Success;
    case ChannelOutcome::Authorized:
        return PaymentStatus::Authorized;
    case ChannelOutcome::Pending:
        return PaymentStatus::Processing;
    case ChannelOutcome::Declined:
    case ChannelOutcome::Failed:
        return PaymentStatus::Failed;
    }
    return PaymentStatus::Failed;
}

qint64 refundableMinor(qint64 capturedMinor, qint64 reservedMinor)
{
    return qMax<qint64>(0, capturedMinor - reservedMinor);
}

RefundVerdict checkRefund(PaymentStatus status, qint64 capturedMinor, qint64 reservedMinor,
                          qint64 amountMinor)
{
    Q_ASSERT(amountMinor > 0 && reservedMinor >= 0);
    if (status != PaymentStatus::Success)
        return RefundVerdict::PaymentNotRefundable;
    // Compared without adding: reserved + amount could overflow for absurd inputs.
    if (amountMinor > refundableMinor(capturedMinor, reservedMinor))
        return RefundVerdict::ExceedsRemaining;
    return RefundVerdict::Allowed;
}

CaptureVerdict checkCapture(PaymentStatus status, bool captureRequested, qint64 authorizedMinor,
                            qint64 amountMinor)
{
    if (status != PaymentStatus::Authorized)
        return CaptureVerdict::NotAuthorized;
    if (captureRequested)
        return CaptureVerdict::AlreadyRequested;
    if (amountMinor <= 0 || amountMinor > authorizedMinor)
        return CaptureVerdict::ExceedsAuthorized;
    return CaptureVerdict::Allowed;
}

QString newPaymentNo()
{
    return newNumber("PY");
}

QString newRefundNo()
{
    return newNumber("RF");
}

} // namespace paydesk::services::gateway
