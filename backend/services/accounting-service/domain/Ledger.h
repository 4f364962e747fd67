#pragma once
// The double-entry rules of accounting-service, free of SQL and HTTP: the chart of accounts, the
// merchant fee (tier rate, half-up), and the posting each payment.events event makes. A Posting
// is one journal entry: lines in one currency whose debits equal their credits.

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::accounting {

enum class Side { Debit, Credit };
QString sideName(Side side);

enum class AccountType {
    MerchantPayable,   // liability: what PayDesk owes the merchant (captures less fee, less refunds)
    ChannelClearing,   // asset: what the acquirer (channel) owes PayDesk
    FeeRevenue,        // revenue: merchant fees (MDR) PayDesk earned
    ChannelFeeExpense, // expense: fees the channel charged PayDesk
};

struct AccountTypeInfo
{
    AccountType type;
    QString name;     // "merchant_payable"
    Side normalSide;  // the side that increases the balance
    bool perMerchant; // one account per (merchant, currency)
    bool perChannel;  // one account per (channel, currency)
    QString category; // asset | liability | revenue | expense
    QString description;
};

// Every account type PayDesk posts to, in a stable order.
const QList<AccountTypeInfo> &chartOfAccounts();
const AccountTypeInfo &accountTypeInfo(AccountType type);
std::optional<AccountType> accountTypeFromName(const QString &name);

struct AccountKey
{
    AccountType type = AccountType::FeeRevenue;
    QString merchantId; // perMerchant types only
    QString channel;    // perChannel types only
    QString currency;

    // "merchant_payable:m-1:USD", "channel_clearing:sandbox:USD", "fee_revenue:USD": unique per account.
    QString code() const;
    bool operator==(const AccountKey &other) const { return code() == other.code(); }
};

// A balance in the account's normal side: debits − credits for debit-normal accounts, the other
// way round for credit-normal ones.
qint64 normalBalance(Side normalSide, qint64 debitMinor, qint64 creditMinor);

struct PostingLine
{
    AccountKey account;
    qint64 debitMinor = 0;
    qint64 creditMinor = 0;
};

struct Posting
{
    QString kind; // payment_capture | refund | reversal
    QString currency;
    QList<PostingLine> lines;

    qint64 debitTotal() const;
    qint64 creditTotal() const;
    // At least two lines, each with exactly one positive side in the posting's currency, and
    // debits equal to credits.
    bool isBalanced(QString *why = nullptr) const;
};

// Merchant fee rates in basis points (1/100 %) per tier, spec §4.2. Unknown or empty → starter.
inline constexpr int kStarterRateBp = 80;
int merchantFeeRateBp(const QString &tier);
QStringList tierNames();
// rateBp/10,000 of amountMinor, rounded half up to the minor unit (amounts are already in minor
// units, so the currency's exponent does not change the rule: JPY 1,063 at 0.45 % = 4.78 → 5).
// amountMinor must be in [0, kMaxAmountMinor].
qint64 feeHalfUp(qint64 amountMinor, int rateBp);

// The largest single amount accepted from an event; keeps every product and sum inside int64.
inline constexpr qint64 kMaxAmountMinor = 1'000'000'000'000'000; // 10^15

// payment.success: capture A with channel fee Fc, merchant fee Fm:
//   Dr channel_clearing A; Cr merchant_payable A − Fm; Cr fee_revenue Fm;
//   Dr channel_fee_expense Fc; Cr channel_clearing Fc.  (zero lines left out)
Posting capturePosting(const QString &merchantId, const QString &channel, const QString &currency,
                       qint64 capturedMinor, qint64 channelFeeMinor, qint64 merchantFeeMinor);
// refund.success R: Dr merchant_payable R; Cr channel_clearing R. Fees are not returned.
Posting refundPosting(const QString &merchantId, const QString &channel, const QString &currency,
                      qint64 refundMinor);
// The correction of a posted entry: the same lines with debit and credit swapped.
Posting reversalOf(const Posting &posting);

// What one payment.events event means to the ledger.
struct EventPlan
{
    enum class Action { Post, Ignore, Reject } action = Action::Ignore;
    QString reason; // Reject: why the event cannot be posted; Ignore: why nothing is posted
    Posting posting;
    QString merchantId;
    QString paymentNo;
    QString refundNo;
    QString channel;
    qint64 amountMinor = 0;      // A or R
    qint64 merchantFeeMinor = 0; // Fm (captures)
    qint64 channelFeeMinor = 0;  // Fc (captures)
    int feeRateBp = 0;           // the rate Fm was computed with (captures)
};

// Reads `payload` (docs/contracts/payment-flow.md, Events) for `eventType`. `tier` is the
// merchant's tier as known to accounting-service (empty when unknown).
EventPlan planForEvent(const QString &eventType, const QJsonObject &payload, const QString &tier);

// Event types that post; the other payment.events types post nothing (see README).
QStringList postingEventTypes();

} // namespace paydesk::services::accounting
