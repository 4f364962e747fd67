// Pure rules of payment-gateway and the platform money/idempotency helpers: the payment and refund
// state machines, channel answers, capture and refund arithmetic, card checks, ISO 4217 exponents
// with exact formatting/parsing, and the canonical request hash behind Idempotency-Key.

#include "services/payment-gateway/domain/Payment.h"
#include "services/payment-gateway/domain/PaymentState.h"

#include "platform/http/Idempotency.h"
#include "platform/money/Currency.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <limits>

using namespace paydesk::platform;
using namespace paydesk::services::gateway;

class GatewayDomainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void paymentTransitionsFollowTheContract()
    {
        using S = PaymentStatus;
        QVERIFY(canTransition(S::Pending, S::Processing));
        QVERIFY(canTransition(S::Pending, S::Authorized));
        QVERIFY(canTransition(S::Pending, S::Success));
        QVERIFY(canTransition(S::Processing, S::Success));
        QVERIFY(canTransition(S::Processing, S::Cancelled));
        QVERIFY(canTransition(S::Processing, S::Expired));
        QVERIFY(canTransition(S::Authorized, S::Success));   // capture
        QVERIFY(canTransition(S::Authorized, S::Cancelled)); // void
        QVERIFY(canTransition(S::Authorized, S::Expired));
        QVERIFY(canTransition(S::Processing, S::Authorized)); // asynchronous pre-authorisation
        QVERIFY(!canTransition(S::Authorized, S::Processing));
        QVERIFY(!canTransition(S::Processing, S::Pending));
        QVERIFY(!canTransition(S::Authorized, S::Failed));
        for (S final : {S::Success, S::Failed, S::Cancelled, S::Expired}) {
            QVERIFY(isFinal(final));
            for (int to = 0; to <= int(S::Expired); ++to)
                QVERIFY2(!canTransition(final, S(to)),
                         qPrintable(toString(final) + " -> " + toString(S(to))));
        }
    }

    void statusNamesRoundTripAndUnknownNamesAreRefused()
    {
        for (int i = 0; i <= int(PaymentStatus::Expired); ++i)
            QVERIFY(paymentStatus(toString(PaymentStatus(i))) == PaymentStatus(i));
        QVERIFY(!paymentStatus(u"Success"));
        QVERIFY(!paymentStatus(u"captured"));
        for (int i = 0; i <= int(RefundStatus::Failed); ++i)
            QVERIFY(refundStatus(toString(RefundStatus(i))) == RefundStatus(i));
    }

    void eventTypesNameTheChange()
    {
        QCOMPARE(eventType(PaymentStatus::Pending, PaymentStatus::Success),
                 QStringLiteral("payment.success"));
        QCOMPARE(eventType(PaymentStatus::Authorized, PaymentStatus::Cancelled),
                 QStringLiteral("payment.voided"));
        QCOMPARE(eventType(PaymentStatus::Processing, PaymentStatus::Cancelled),
                 QStringLiteral("payment.cancelled"));
        QCOMPARE(eventType(PaymentStatus::Pending, PaymentStatus::Authorized),
                 QStringLiteral("payment.authorized"));
        QVERIFY(eventType(PaymentStatus::Pending, PaymentStatus::Processing).isEmpty());
    }

    void refundTransitions()
    {
        QVERIFY(canTransition(RefundStatus::Pending, RefundStatus::Success));
        QVERIFY(canTransition(RefundStatus::Processing, RefundStatus::Failed));
        QVERIFY(!canTransition(RefundStatus::Success, RefundStatus::Failed));
        QVERIFY(!canTransition(RefundStatus::Failed, RefundStatus::Success));
        QVERIFY(!canTransition(RefundStatus::Processing, RefundStatus::Pending));
    }

    void channelAnswersMapOntoPaymentStatuses()
    {
        QVERIFY(statusAfter(*channelOutcome(u"succeeded")) == PaymentStatus::Success);
        QVERIFY(statusAfter(*channelOutcome(u"authorized")) == PaymentStatus::Authorized);
        QVERIFY(statusAfter(*channelOutcome(u"pending")) == PaymentStatus::Processing);
        QVERIFY(statusAfter(*channelOutcome(u"declined")) == PaymentStatus::Failed);
        QVERIFY(statusAfter(*channelOutcome(u"failed")) == PaymentStatus::Failed);
        QVERIFY(!channelOutcome(u"success"));
        QVERIFY(!channelOutcome(u""));
    }

    void refundAboveRemainingIsRejected()
    {
        QVERIFY(checkRefund(PaymentStatus::Success, 1000, 0, 1000) == RefundVerdict::Allowed);
        QVERIFY(checkRefund(PaymentStatus::Success, 1000, 0, 1001) == RefundVerdict::ExceedsRemaining);
        QVERIFY(checkRefund(PaymentStatus::Success, 1000, 600, 400) == RefundVerdict::Allowed);
        QVERIFY(checkRefund(PaymentStatus::Success, 1000, 600, 401) == RefundVerdict::ExceedsRemaining);
        QVERIFY(checkRefund(PaymentStatus::Success, 1000, 1000, 1) == RefundVerdict::ExceedsRemaining);
        // A partial capture caps refunds at what was captured, not what was authorised.
        QVERIFY(checkRefund(PaymentStatus::Success, 700, 0, 701) == RefundVerdict::ExceedsRemaining);
        // No overflow for absurd amounts.
        QVERIFY(checkRefund(PaymentStatus::Success, 1000, 999, std::numeric_limits<qint64>::max()) ==
                RefundVerdict::ExceedsRemaining);
        QCOMPARE(refundableMinor(1000, 1200), 0);
    }

    void onlySuccessfulPaymentsAreRefundable()
    {
        for (PaymentStatus s : {PaymentStatus::Pending, PaymentStatus::Processing, PaymentStatus::Authorized,
                                PaymentStatus::Failed, PaymentStatus::Cancelled, PaymentStatus::Expired})
            QVERIFY(checkRefund(s, 1000, 0, 1) == RefundVerdict::PaymentNotRefundable);
    }

    void captureIsOnceAndAtMostTheAuthorisedAmount()
    {
        QVERIFY(checkCapture(PaymentStatus::Authorized, false, 1000, 1000) == CaptureVerdict::Allowed);
        QVERIFY(checkCapture(PaymentStatus::Authorized, false, 1000, 400) == CaptureVerdict::Allowed);
        QVERIFY(checkCapture(PaymentStatus::Authorized, false, 1000, 1001) ==
                CaptureVerdict::ExceedsAuthorized);
        QVERIFY(checkCapture(PaymentStatus::Authorized, false, 1000, 0) == CaptureVerdict::ExceedsAuthorized);
        QVERIFY(checkCapture(PaymentStatus::Authorized, true, 1000, 10) == CaptureVerdict::AlreadyRequested);
        QVERIFY(checkCapture(PaymentStatus::Success, false, 1000, 10) == CaptureVerdict::NotAuthorized);
    }

    void paymentNumbersAreUniqueAndShaped()
    {
        const QRegularExpression shape(QStringLiteral("^PY[0-9]{26}$"));
        QSet<QString> seen;
        for (int i = 0; i < 2000; ++i) {
            const QString no = newPaymentNo();
            QVERIFY2(shape.match(no).hasMatch(), qPrintable(no));
            seen.insert(no);
        }
        QCOMPARE(seen.size(), 2000);
        QVERIFY(newRefundNo().startsWith(QStringLiteral("RF")));
    }

    void cardChecks()
    {
        QVERIFY(luhnValid(u"4242424242424242"));
        QVERIFY(luhnValid(u"4000000000000002"));
        QVERIFY(luhnValid(u"5555555555554444"));
        QVERIFY(!luhnValid(u"4242424242424241"));
        QVERIFY(!luhnValid(u"42424242424a4242"));
        QVERIFY(!luhnValid(u"424242"));
        QCOMPARE(cardLast4(u"4242424242424242"), QStringLiteral("4242"));
        QCOMPARE(cardBin(u"4000056655665556"), QStringLiteral("400005"));
    }

    void merchantJsonShowsOnlyBrandAndLast4()
    {
        Payment p;
        p.paymentNo = QStringLiteral("PY1");
        p.status = PaymentStatus::Processing;
        p.cardBrand = QStringLiteral("visa");
        p.cardLast4 = QStringLiteral("4242");
        const QJsonObject json = p.toJson();
        QCOMPARE(json.value("card").toObject().value("last4").toString(), QStringLiteral("4242"));
        QCOMPARE(json.value("card").toObject().keys(), (QStringList{"brand", "last4"}));
        QCOMPARE(json.value("next_action").toObject().value("type").toString(),
                 QStringLiteral("wait_for_callback"));
        QVERIFY(!json.contains("idempotency_key"));
    }

    void currencyExponentsFollowIso4217()
    {
        for (const char *code : {"JPY", "KRW", "VND", "CLP", "ISK", "UGX"})
            QCOMPARE(currency(QString::fromLatin1(code))->exponent, 0);
        for (const char *code : {"BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"})
            QCOMPARE(currency(QString::fromLatin1(code))->exponent, 3);
        const QStringList seed{"USD", "EUR", "GBP", "CNY", "JPY", "KRW", "HKD", "SGD", "AUD", "CAD", "INR",
                               "BRL", "MXN", "RUB", "TRY", "ZAR", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK",
                               "HUF", "THB", "IDR", "MYR", "PHP", "VND", "AED", "SAR", "ILS", "EGP"};
        QCOMPARE(seed.size(), 32);
        for (const QString &code : seed)
            QVERIFY2(currency(code).has_value(), qPrintable(code));
        QCOMPARE(currency(u"USD")->exponent, 2);
        QCOMPARE(currency(u"USD")->numeric, 840);
        QVERIFY(!currency(u"usd"));
        QVERIFY(!currency(u"XXX"));
        QVERIFY(!currency(u"US"));
        QVERIFY(!currency(u"USDX"));
        QVERIFY(supportedCurrencyCodes().size() >= 39);
    }

    void minorUnitsFormatExactly()
    {
        QCOMPARE(formatMinor(1234, *currency(u"USD")), QStringLiteral("12.34"));
        QCOMPARE(formatMinor(5, *currency(u"USD")), QStringLiteral("0.05"));
        QCOMPARE(formatMinor(-50, *currency(u"BHD")), QStringLiteral("-0.050"));
        QCOMPARE(formatMinor(1234, *currency(u"JPY")), QStringLiteral("1234"));
        QCOMPARE(formatMinor(1234567, *currency(u"KWD")), QStringLiteral("1234.567"));
        QCOMPARE(formatMinor(std::numeric_limits<qint64>::min(), *currency(u"USD")),
                 QStringLiteral("-92233720368547758.08"));
    }

    void majorTextParsesExactly()
    {
        QCOMPARE(parseMajor(u"12.34", *currency(u"USD")), 1234);
        QCOMPARE(parseMajor(u"12.3", *currency(u"USD")), 1230);
        QCOMPARE(parseMajor(u"12", *currency(u"USD")), 1200);
        QCOMPARE(parseMajor(u"0.05", *currency(u"USD")), 5);
        QCOMPARE(parseMajor(u"-1.5", *currency(u"BHD")), -1500);
        QCOMPARE(parseMajor(u"1234", *currency(u"JPY")), 1234);
        QVERIFY(!parseMajor(u"12.5", *currency(u"JPY"))); // no minor units in yen
        QVERIFY(!parseMajor(u"12.345", *currency(u"USD")));
        QVERIFY(!parseMajor(u"1,234.00", *currency(u"USD")));
        QVERIFY(!parseMajor(u"1e3", *currency(u"USD")));
        QVERIFY(!parseMajor(u"", *currency(u"USD")));
        QVERIFY(!parseMajor(u"12.", *currency(u"USD")));
        QVERIFY(!parseMajor(u"99999999999999999999", *currency(u"USD")));
        QCOMPARE(parseMajor(u"92233720368547758.07", *currency(u"USD")), std::numeric_limits<qint64>::max());
        QVERIFY(!parseMajor(u"92233720368547758.08", *currency(u"USD")));
        for (qint64 v : {0LL, 1LL, 99LL, 100LL, 123456789LL})
            for (const char *code : {"USD", "JPY", "BHD"})
                QCOMPARE(parseMajor(formatMinor(v, *currency(QString::fromLatin1(code))),
                                    *currency(QString::fromLatin1(code))),
                         v);
    }

    void requestHashIgnoresKeyOrderButNotValues()
    {
        HttpRequest a;
        a.method = "POST";
        a.path = "/api/v1/payments";
        a.body = R"({"amount_minor":1000,"currency":"USD"})";
        a.json = QJsonDocument::fromJson(a.body);
        HttpRequest b = a;
        b.body = R"({ "currency": "USD",  "amount_minor": 1000 })";
        b.json = QJsonDocument::fromJson(b.body);
        QCOMPARE(idempotency::requestHash(a), idempotency::requestHash(b));
        HttpRequest c = a;
        c.body = R"({"amount_minor":1001,"currency":"USD"})";
        c.json = QJsonDocument::fromJson(c.body);
        QVERIFY(idempotency::requestHash(a) != idempotency::requestHash(c));
        HttpRequest d = a;
        d.path = "/api/v1/refunds";
        QVERIFY(idempotency::requestHash(a) != idempotency::requestHash(d));
        HttpRequest e = a; // JSON not parsed by the pipeline (route without jsonBody)
        e.json = {};
        QCOMPARE(idempotency::requestHash(a), idempotency::requestHash(e));
        QCOMPARE(idempotency::requestHash(a).size(), 64);
    }
};

QTEST_APPLESS_MAIN(GatewayDomainTest)
#include "tst_gateway_domain.moc"
