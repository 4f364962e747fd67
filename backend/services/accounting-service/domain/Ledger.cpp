#include "services/accounting-service/domain/Ledger.h"

#include <QRegularExpression>

namespace paydesk::services::accounting {

namespace ledger_domain {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));
const QRegularExpression kChannel(QStringLiteral("^[a-z0-9][a-z0-9_.-]{0,63}$"));

// Reads an integer amount; absent → 0. False for fractions, strings, negatives and huge values.
bool amountField(const QJsonObject &payload, const QString &field, qint64 *value)
{
    const QJsonValue raw = payload.value(field);
    if (raw.isUndefined() || raw.isNull()) {
        *value = 0;
        return true;
    }
    if (!raw.isDouble())
        return false;
    const double number = raw.toDouble();
    const qint64 integer = raw.toInteger(-1);
    if (static_cast<double>(integer) != number || integer < 0 || integer > kMaxAmountMinor)
        return false;
    *value = integer;
    return true;
}

EventPlan reject(const QString &reason)
{
    EventPlan plan;
    plan.action = EventPlan::Action::Reject;
    plan.reason = reason;
    return plan;
}
} // namespace ledger_domain

QString sideName(Side side)
{
    return side == Side::Debit ? QStringLiteral("debit") : QStringLiteral("credit");
}

const QList<AccountTypeInfo> &chartOfAccounts()
{
    static const QList<AccountTypeInfo> chart{
        {AccountType::MerchantPayable, QStringLiteral("merchant_payable"), Side::Credit, true, false,
         QStringLiteral("liability"),
         QStringLiteral("What PayDesk owes the merchant: captures less merchant fees, less refunds")},
        {AccountType::ChannelClearing, QStringLiteral("channel_clearing"), Side::Debit, false, true,
         QStringLiteral("asset"),
         QStringLiteral("Receivable from the acquirer (channel): captures less channel fees, less refunds")},
        {AccountType::FeeRevenue, QStringLiteral("fee_revenue"), Side::Credit, false, false,
         QStringLiteral("revenue"), QStringLiteral("Merchant fees (tier rate x capture) earned by PayDesk")},
        {AccountType::ChannelFeeExpense, QStringLiteral("channel_fee_expense"), Side::Debit, false, false,
         QStringLiteral("expense"), QStringLiteral("Fees the channel charged PayDesk for captures")},
    };
    return chart;
}

const AccountTypeInfo &accountTypeInfo(AccountType type)
{
    for (const AccountTypeInfo &info : chartOfAccounts()) {
        if (info.type == type)
            return info;
    }
    Q_UNREACHABLE();
}

std::optional<AccountType> accountTypeFromName(const QString &name)
{
    for (const AccountTypeInfo &info : chartOfAccounts()) {
        if (info.name == name)
            return info.type;
    }
    return std::nullopt;
}

QString AccountKey::code() const
{
    const AccountTypeInfo &info = accountTypeInfo(type);
    if (info.perMerchant)
        return info.name + u':' + merchantId + u':' + currency;
    if (info.perChannel)
        return info.name + u':' + channel + u':' + currency;
    return info.name + u':' + currency;
}

qint64 normalBalance(Side normalSide, qint64 debitMinor, qint64 creditMinor)
{
    return normalSide == Side::Debit ? debitMinor - creditMinor : creditMinor - debitMinor;
}

qint64 Posting::debitTotal() const
{
    qint64 total = 0;
    for (const PostingLine &line : lines)
        total += line.debitMinor;
    return total;
}

qint64 Posting::creditTotal() const
{
    qint64 total = 0;
    for (const PostingLine &line : lines)
        total += line.creditMinor;
    return total;
}

bool Posting::isBalanced(QString *why) const
{
    auto fail = [why](const QString &reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (lines.size() < 2)
        return fail(QStringLiteral("an entry needs at least two lines"));
    for (const PostingLine &line : lines) {
        if (line.debitMinor < 0 || line.creditMinor < 0 || (line.debitMinor > 0) == (line.creditMinor > 0))
            return fail(
                QStringLiteral("line on %1 must have exactly one positive side").arg(line.account.code()));
        if (line.account.currency != currency)
            return fail(QStringLiteral("line on %1 is not in %2").arg(line.account.code(), currency));
    }
    if (debitTotal() != creditTotal())
        return fail(QStringLiteral("debits %1 != credits %2").arg(debitTotal()).arg(creditTotal()));
    return true;
}

int merchantFeeRateBp(const QString &tier)
{
    if (tier == QStringLiteral("business"))
        return 60;
    if (tier == QStringLiteral("enterprise"))
        return 45;
    if (tier == QStringLiteral("premium"))
        return 30;
    return kStarterRateBp;
}

QStringList tierNames()
{
    return {QStringLiteral("starter"), QStringLiteral("business"), QStringLiteral("enterprise"),
            QStringLiteral("premium")};
}

qint64 feeHalfUp(qint64 amountMinor, int rateBp)
{
    Q_ASSERT(amountMinor >= 0 && amountMinor <= kMaxAmountMinor && rateBp >= 0 && rateBp <= 10'000);
    // amount ≤ 10^15 and rate ≤ 10^4 keep the product below 2^63; + 5,000 rounds the half up.
    return (amountMinor * rateBp + 5'000) / 10'000;
}

Posting capturePosting(const QString &merchantId, const QString &channel, const QString &currency,
                       qint64 capturedMinor, qint64 channelFeeMinor, qint64 merchantFeeMinor)
{
    const AccountKey clearing{AccountType::ChannelClearing, {}, channel, currency};
    Posting posting{QStringLiteral("payment_capture"), currency, {}};
    auto add = [&posting](const AccountKey &account, qint64 debit, qint64 credit) {
        if (debit > 0 || credit > 0)
            posting.lines.append({account, debit, credit});
    };
    add(clearing, capturedMinor, 0);
    add({AccountType::MerchantPayable, merchantId, {}, currency}, 0, capturedMinor - merchantFeeMinor);
    add({AccountType::FeeRevenue, {}, {}, currency}, 0, merchantFeeMinor);
    add({AccountType::ChannelFeeExpense, {}, {}, currency}, channelFeeMinor, 0);
    add(clearing, 0, channelFeeMinor);
    return posting;
}

Posting refundPosting(const QString &merchantId, const QString &channel, const QString &currency,
                      qint64 refundMinor)
{
    return {QStringLiteral("refund"),
            currency,
            {{{AccountType::MerchantPayable, merchantId, {}, currency}, refundMinor, 0},
             {{AccountType::ChannelClearing, {}, channel, currency}, 0, refundMinor}}};
}

Posting reversalOf(const Posting &posting)
{
    Posting reversal{QStringLiteral("reversal"), posting.currency, {}};
    for (const PostingLine &line : posting.lines)
        reversal.lines.append({line.account, line.creditMinor, line.debitMinor});
    return reversal;
}

QStringList postingEventTypes()
{
    return {QStringLiteral("payment.success"), QStringLiteral("refund.success")};
}

EventPlan planForEvent(const QString &eventType, const QJsonObject &payload, const QString &tier)
{
    using namespace ledger_domain;
    if (!postingEventTypes().contains(eventType)) {
        EventPlan plan;
        plan.reason = QStringLiteral("%1 moves no money").arg(eventType);
        return plan;
    }
    EventPlan plan;
    plan.merchantId = payload.value(QStringLiteral("merchant_id")).toString();
    plan.paymentNo = payload.value(QStringLiteral("payment_no")).toString();
    plan.refundNo = payload.value(QStringLiteral("refund_no")).toString();
    // A missing channel still posts, to channel_clearing:unknown, so no money goes unrecorded.
    plan.channel = payload.value(QStringLiteral("channel")).toString();
    if (plan.channel.isEmpty())
        plan.channel = QStringLiteral("unknown");
    const QString currency = payload.value(QStringLiteral("currency")).toString();
    if (plan.merchantId.isEmpty() || plan.merchantId.size() > 64)
        return reject(QStringLiteral("merchant_id must have 1 to 64 characters"));
    if (plan.paymentNo.isEmpty() || plan.paymentNo.size() > 64)
        return reject(QStringLiteral("payment_no must have 1 to 64 characters"));
    if (!kCurrency.match(currency).hasMatch())
        return reject(QStringLiteral("currency must be an ISO 4217 code, got '%1'").arg(currency));
    if (!kChannel.match(plan.channel).hasMatch())
        return reject(QStringLiteral("channel '%1' is not a channel name").arg(plan.channel));

    if (eventType == QStringLiteral("payment.success")) {
        qint64 amount = 0;
        qint64 captured = 0;
        qint64 channelFee = 0;
        if (!amountField(payload, QStringLiteral("amount_minor"), &amount) ||
            !amountField(payload, QStringLiteral("captured_minor"), &captured) ||
            !amountField(payload, QStringLiteral("channel_fee_minor"), &channelFee))
            return reject(QStringLiteral("amount_minor, captured_minor and channel_fee_minor must be "
                                         "integers in [0, 10^15]"));
        // A partial capture of a pre-auth settles captured_minor; a direct sale its amount.
        plan.amountMinor = captured > 0 ? captured : amount;
        if (plan.amountMinor == 0)
            return reject(QStringLiteral("payment.success without an amount"));
        plan.feeRateBp = merchantFeeRateBp(tier);
        plan.merchantFeeMinor = feeHalfUp(plan.amountMinor, plan.feeRateBp);
        plan.channelFeeMinor = channelFee;
        plan.posting = capturePosting(plan.merchantId, plan.channel, currency, plan.amountMinor, channelFee,
                                      plan.merchantFeeMinor);
    } else {
        qint64 refund = 0;
        if (!amountField(payload, QStringLiteral("refund_amount_minor"), &refund) || refund == 0)
            return reject(QStringLiteral("refund_amount_minor must be an integer in [1, 10^15]"));
        if (plan.refundNo.isEmpty() || plan.refundNo.size() > 64)
            return reject(QStringLiteral("refund_no must have 1 to 64 characters"));
        plan.amountMinor = refund;
        plan.posting = refundPosting(plan.merchantId, plan.channel, currency, refund);
    }
    QString why;
    if (!plan.posting.isBalanced(&why))
        return reject(why); // cannot happen for well-formed amounts; never post an unbalanced entry
    plan.action = EventPlan::Action::Post;
    return plan;
}

} // namespace paydesk::services::accounting
