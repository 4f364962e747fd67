// Pure rules of accounting-service: merchant fee rounding (half up, in minor units of any
// exponent), the chart of accounts, and the posting each payment.events event makes.

#include "services/accounting-service/domain/Ledger.h"

#include <QRandomGenerator>
#include <QTest>

using namespace paydesk::services::accounting;

namespace {
qint64 side(const Posting &posting, const QString &code, bool debit)
{
    qint64 total = 0;
    for (const PostingLine &line : posting.lines) {
        if (line.account.code() == code)
            total += debit ? line.debitMinor : line.creditMinor;
    }
    return total;
}

QJsonObject success(qint64 amount, qint64 fee, const QString &currency = "USD")
{
    return {{"payment_no", "PY1"},      {"merchant_id", "m-1"}, {"amount_minor", amount},
            {"captured_minor", amount}, {"currency", currency}, {"channel", "sandbox"},
            {"channel_fee_minor", fee}};
}
} // namespace

class LedgerDomainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void feeRoundsHalfUpToTheMinorUnit_data()
    {
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<int>("rate");
        QTest::addColumn<qint64>("fee");
        // USD (2 decimals): 10.00 at 0.8 % = 0.08.
        QTest::newRow("usd exact") << qint64(1000) << 80 << qint64(8);
        // 63 cents at 0.8 % = 0.504 cent → 1; 62 cents = 0.496 cent → 0.
        QTest::newRow("usd .504 up") << qint64(63) << 80 << qint64(1);
        QTest::newRow("usd .496 down") << qint64(62) << 80 << qint64(0);
        // JPY has no minor digits, so yen are the minor units: 0.45 % of 1,000 yen = 4.5 → 5 (half up).
        QTest::newRow("jpy half up") << qint64(1000) << 45 << qint64(5);
        QTest::newRow("jpy 1063 at 0.45%") << qint64(1063) << 45 << qint64(5); // 4.7835
        QTest::newRow("jpy 1 yen") << qint64(1) << 80 << qint64(0);
        // KWD (3 decimals): 12.345 KWD = 12,345 fils at 0.3 % = 37.035 → 37 fils.
        QTest::newRow("kwd") << qint64(12345) << 30 << qint64(37);
        // 0.6 % of 2,500 fils = 15 exactly; of 2,583 = 15.498 → 15; of 2,584 = 15.504 → 16.
        QTest::newRow("kwd exact") << qint64(2500) << 60 << qint64(15);
        QTest::newRow("kwd below half") << qint64(2583) << 60 << qint64(15);
        QTest::newRow("kwd above half") << qint64(2584) << 60 << qint64(16);
        QTest::newRow("half exactly") << qint64(625) << 80 << qint64(5);  // 5.0
        QTest::newRow("x.5 exactly") << qint64(6875) << 80 << qint64(55); // 55.0
        QTest::newRow("0.5 exactly") << qint64(1250) << 4 << qint64(1);   // 0.5 → 1
        QTest::newRow("zero") << qint64(0) << 80 << qint64(0);
        QTest::newRow("largest") << kMaxAmountMinor << 80 << qint64(8'000'000'000'000); // no overflow
    }
    void feeRoundsHalfUpToTheMinorUnit()
    {
        QFETCH(qint64, amount);
        QFETCH(int, rate);
        QFETCH(qint64, fee);
        QCOMPARE(feeHalfUp(amount, rate), fee);
    }

    void tierRates()
    {
        QCOMPARE(merchantFeeRateBp("starter"), 80);
        QCOMPARE(merchantFeeRateBp("business"), 60);
        QCOMPARE(merchantFeeRateBp("enterprise"), 45);
        QCOMPARE(merchantFeeRateBp("premium"), 30);
        QCOMPARE(merchantFeeRateBp(""), 80);
        QCOMPARE(merchantFeeRateBp("platinum"), 80); // unknown → starter
        QCOMPARE(tierNames().size(), 4);
    }

    void chartOfAccountsHasNormalSides()
    {
        QCOMPARE(chartOfAccounts().size(), 4);
        QCOMPARE(accountTypeInfo(AccountType::MerchantPayable).normalSide, Side::Credit);
        QCOMPARE(accountTypeInfo(AccountType::FeeRevenue).normalSide, Side::Credit);
        QCOMPARE(accountTypeInfo(AccountType::ChannelClearing).normalSide, Side::Debit);
        QCOMPARE(accountTypeInfo(AccountType::ChannelFeeExpense).normalSide, Side::Debit);
        QStringList names;
        for (const AccountTypeInfo &info : chartOfAccounts()) {
            names << info.name;
            QCOMPARE(accountTypeFromName(info.name), std::optional<AccountType>(info.type));
            // Assets and expenses grow on the debit side, liabilities and revenue on the credit side.
            const bool debitNormal = info.category == "asset" || info.category == "expense";
            QCOMPARE(info.normalSide == Side::Debit, debitNormal);
        }
        QCOMPARE(names.removeDuplicates(), 0);
        QVERIFY(!accountTypeFromName("bank"));
        QCOMPARE((AccountKey{AccountType::MerchantPayable, "m-1", {}, "USD"}.code()),
                 QStringLiteral("merchant_payable:m-1:USD"));
        QCOMPARE((AccountKey{AccountType::ChannelClearing, {}, "sandbox", "EUR"}.code()),
                 QStringLiteral("channel_clearing:sandbox:EUR"));
        QCOMPARE((AccountKey{AccountType::FeeRevenue, "ignored", "ignored", "JPY"}.code()),
                 QStringLiteral("fee_revenue:JPY"));
        QCOMPARE(normalBalance(Side::Debit, 100, 30), 70);
        QCOMPARE(normalBalance(Side::Credit, 100, 30), -70);
    }

    void captureMatchesThePostingTable()
    {
        // A = 10,000, Fm = 0.8 % = 80, Fc = 59.
        const EventPlan plan = planForEvent("payment.success", success(10'000, 59), "");
        QCOMPARE(plan.action, EventPlan::Action::Post);
        QCOMPARE(plan.feeRateBp, 80);
        QCOMPARE(plan.merchantFeeMinor, 80);
        const Posting &p = plan.posting;
        QCOMPARE(p.kind, QStringLiteral("payment_capture"));
        QVERIFY(p.isBalanced());
        QCOMPARE(p.lines.size(), 5);
        QCOMPARE(side(p, "channel_clearing:sandbox:USD", true), 10'000);
        QCOMPARE(side(p, "channel_clearing:sandbox:USD", false), 59);
        QCOMPARE(side(p, "merchant_payable:m-1:USD", false), 9'920);
        QCOMPARE(side(p, "fee_revenue:USD", false), 80);
        QCOMPARE(side(p, "channel_fee_expense:USD", true), 59);
        QCOMPARE(p.debitTotal(), 10'059);
        QCOMPARE(p.creditTotal(), 10'059);
    }

    void captureUsesTheTierAndTheCapturedAmount()
    {
        QJsonObject partial = success(10'000, 0);
        partial["captured_minor"] = 4'000; // partial capture of a pre-auth
        const EventPlan plan = planForEvent("payment.success", partial, "premium");
        QCOMPARE(plan.amountMinor, 4'000);
        QCOMPARE(plan.merchantFeeMinor, 12);    // 0.3 %
        QCOMPARE(plan.posting.lines.size(), 3); // no channel fee lines when Fc = 0
        QVERIFY(plan.posting.isBalanced());
        partial.remove("captured_minor");
        QCOMPARE(planForEvent("payment.success", partial, "premium").amountMinor, 10'000);
        // A fee too small to round to a minor unit leaves no fee line.
        const EventPlan tiny = planForEvent("payment.success", success(1, 0, "JPY"), "starter");
        QCOMPARE(tiny.action, EventPlan::Action::Post);
        QCOMPARE(tiny.posting.lines.size(), 2);
        QVERIFY(tiny.posting.isBalanced());
    }

    void refundDebitsTheMerchant()
    {
        QJsonObject refund = success(10'000, 59, "KWD");
        refund["refund_no"] = "RF1";
        refund["refund_amount_minor"] = 2'500;
        const EventPlan plan = planForEvent("refund.success", refund, "business");
        QCOMPARE(plan.action, EventPlan::Action::Post);
        const Posting &p = plan.posting;
        QCOMPARE(p.kind, QStringLiteral("refund"));
        QVERIFY(p.isBalanced());
        QCOMPARE(p.lines.size(), 2);
        QCOMPARE(side(p, "merchant_payable:m-1:KWD", true), 2'500);
        QCOMPARE(side(p, "channel_clearing:sandbox:KWD", false), 2'500); // fees are not returned
        QCOMPARE(plan.refundNo, QStringLiteral("RF1"));
    }

    void otherEventsPostNothing()
    {
        for (const char *type :
             {"payment.created", "payment.authorized", "payment.failed", "payment.cancelled",
              "payment.expired", "payment.voided", "refund.failed", "payment.unknown"}) {
            const EventPlan plan = planForEvent(type, success(1000, 10), "");
            QCOMPARE(plan.action, EventPlan::Action::Ignore);
            QVERIFY(plan.posting.lines.isEmpty());
        }
    }

    void malformedEventsAreRejectedNotPosted_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("no merchant") << "payment.success"
                                     << "merchant_id" << QJsonValue("");
        QTest::newRow("no payment") << "payment.success"
                                    << "payment_no" << QJsonValue();
        QTest::newRow("bad currency") << "payment.success"
                                      << "currency" << QJsonValue("usd");
        QTest::newRow("fraction") << "payment.success"
                                  << "captured_minor" << QJsonValue(10.5);
        QTest::newRow("string amount") << "payment.success"
                                       << "captured_minor" << QJsonValue("100");
        QTest::newRow("negative fee") << "payment.success"
                                      << "channel_fee_minor" << QJsonValue(-1);
        QTest::newRow("huge") << "payment.success"
                              << "captured_minor" << QJsonValue(1e18);
        QTest::newRow("zero") << "payment.success"
                              << "captured_minor" << QJsonValue(0);
        QTest::newRow("bad channel") << "payment.success"
                                     << "channel" << QJsonValue("Sand Box");
        QTest::newRow("refund no amount") << "refund.success"
                                          << "refund_amount_minor" << QJsonValue(0);
        QTest::newRow("refund no refund_no") << "refund.success"
                                             << "refund_no" << QJsonValue("");
    }
    void malformedEventsAreRejectedNotPosted()
    {
        QFETCH(QString, type);
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QJsonObject payload = success(1000, 10);
        payload["refund_no"] = "RF1";
        payload["refund_amount_minor"] = 100;
        if (field == "captured_minor" && value == QJsonValue(0))
            payload["amount_minor"] = 0;
        payload[field] = value;
        const EventPlan plan = planForEvent(type, payload, "");
        QCOMPARE(plan.action, EventPlan::Action::Reject);
        QVERIFY(!plan.reason.isEmpty());
    }

    void missingChannelPostsToUnknownClearing()
    {
        QJsonObject payload = success(1000, 0);
        payload.remove("channel");
        const EventPlan plan = planForEvent("payment.success", payload, "");
        QCOMPARE(plan.action, EventPlan::Action::Post);
        QCOMPARE(side(plan.posting, "channel_clearing:unknown:USD", true), 1000);
    }

    void everyBuiltPostingBalances()
    {
        // Random amounts, fees and tiers for both posting kinds, and their reversals.
        QRandomGenerator random(20261125);
        const QStringList tiers{"starter", "business", "enterprise", "premium", "", "odd"};
        for (int i = 0; i < 5000; ++i) {
            const qint64 amount = 1 + random.bounded(1'000'000'000);
            const qint64 fee = random.bounded(amount / 10 + 1);
            const EventPlan capture =
                planForEvent("payment.success", success(amount, fee), tiers[random.bounded(tiers.size())]);
            QVERIFY(capture.posting.isBalanced());
            QCOMPARE(side(capture.posting, "merchant_payable:m-1:USD", false) +
                         side(capture.posting, "fee_revenue:USD", false),
                     amount);
            const Posting refund = refundPosting("m-1", "sandbox", "USD", amount);
            QVERIFY(refund.isBalanced());
            const Posting reversal = reversalOf(capture.posting);
            QVERIFY(reversal.isBalanced());
            QCOMPARE(reversal.kind, QStringLiteral("reversal"));
            QCOMPARE(reversal.debitTotal(), capture.posting.creditTotal());
        }
    }

    void unbalancedPostingsAreRefused()
    {
        QString why;
        Posting p{"refund", "USD", {{{AccountType::MerchantPayable, "m", {}, "USD"}, 100, 0}}};
        QVERIFY(!p.isBalanced(&why)); // one line
        p.lines.append({{AccountType::ChannelClearing, {}, "sandbox", "USD"}, 0, 99});
        QVERIFY(!p.isBalanced(&why));
        QVERIFY(why.contains("debits 100 != credits 99"));
        p.lines[1].creditMinor = 100;
        QVERIFY(p.isBalanced());
        p.lines[1].account.currency = "EUR"; // a line in another currency
        QVERIFY(!p.isBalanced());
        p.lines[1].account.currency = "USD";
        p.lines[1].debitMinor = 5; // both sides on one line
        QVERIFY(!p.isBalanced());
        p.lines[1].debitMinor = -100;
        p.lines[1].creditMinor = 0;
        QVERIFY(!p.isBalanced());
    }
};

QTEST_APPLESS_MAIN(LedgerDomainTest)
#include "tst_ledger_domain.moc"
