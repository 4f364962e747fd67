// Pure rules of notification-service (webhook signature, back-off, body, sealing) and
// cashier-service (amounts by exponent, HTML escaping, the card form, tokens, gateway answers).

#include "services/cashier-service/domain/CheckoutPage.h"
#include "services/cashier-service/domain/CheckoutRules.h"
#include "services/cashier-service/domain/GatewayOutcome.h"
#include "services/notification-service/domain/SecretSealing.h"
#include "services/notification-service/domain/WebhookRules.h"

#include "platform/security/Crypto.h"

#include <QJsonDocument>
#include <QTest>

using namespace paydesk::services;

class NotifyCashierDomainTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- notification-service ----

    void signatureMatchesAKnownVector()
    {
        // python3: hmac.new(b"whsec_test_secret", b"1700000000." + body, sha256).hexdigest()
        const QByteArray body = R"({"id":"e1","event":"payment.success"})";
        QCOMPARE(notification::webhookSignature("whsec_test_secret", 1700000000, body),
                 QByteArray("294cedd699d8e442128b7f3833f24ad2b12f31e2a6e79a1b886a0eb01684a720"));
        // The timestamp is part of what is signed.
        QVERIFY(notification::webhookSignature("whsec_test_secret", 1700000001, body) !=
                notification::webhookSignature("whsec_test_secret", 1700000000, body));
    }

    void backoffCeilingDoublesUpToTheCap()
    {
        const notification::DeliverySettings settings{.baseDelayMs = 1000, .maxDelayMs = 60'000};
        QCOMPARE(notification::backoffCeilingMs(1, settings), 1000);
        QCOMPARE(notification::backoffCeilingMs(2, settings), 2000);
        QCOMPARE(notification::backoffCeilingMs(3, settings), 4000);
        QCOMPARE(notification::backoffCeilingMs(6, settings), 32'000);
        QCOMPARE(notification::backoffCeilingMs(7, settings), 60'000);
        QCOMPARE(notification::backoffCeilingMs(1000, settings), 60'000); // no overflow however far
    }

    void fullJitterStaysWithinTheCeiling()
    {
        const notification::DeliverySettings settings{.baseDelayMs = 1000, .maxDelayMs = 3'600'000};
        QCOMPARE(notification::retryDelayMs(3, settings, [](qint64 n) { return n; }), 4000);
        QCOMPARE(notification::retryDelayMs(3, settings, [](qint64) { return 0; }), 0);
        QCOMPARE(notification::retryDelayMs(3, settings, [](qint64 n) { return n * 5; }), 4000); // clamped
        bool sawLow = false;
        bool sawHigh = false;
        for (int i = 0; i < 2000; ++i) {
            const qint64 delay = notification::retryDelayMs(4, settings);
            QVERIFY(delay >= 0 && delay <= 8000);
            sawLow = sawLow || delay < 2000;
            sawHigh = sawHigh || delay > 6000;
        }
        QVERIFY(sawLow && sawHigh); // spread over the whole range, not a fixed delay
    }

    void deliveryBodyDropsTheNotifyUrl()
    {
        const QJsonObject payload{
            {"payment_no", "PY1"}, {"amount_minor", 1250}, {"notify_url", "https://x.test"}};
        const QByteArray body =
            notification::deliveryBody("e1", "payment.success", "2026-11-25T12:00:00.000Z", payload);
        QVERIFY(!body.contains('\n') && !body.contains("notify_url"));
        const QJsonObject parsed = QJsonDocument::fromJson(body).object();
        QCOMPARE(parsed.value("id").toString(), QStringLiteral("e1"));
        QCOMPARE(parsed.value("event").toString(), QStringLiteral("payment.success"));
        QCOMPARE(parsed.value("data").toObject().value("amount_minor").toInteger(), 1250);
    }

    void subscriptionsAndValidation()
    {
        QVERIFY(notification::subscribes({"*"}, "refund.failed"));
        QVERIFY(notification::subscribes({"payment.success"}, "payment.success"));
        QVERIFY(!notification::subscribes({"payment.success"}, "payment.failed"));
        QVERIFY(!notification::isDeliverable("payment.created"));
        QVERIFY(notification::eventsProblem({"payment.success", "*"}).isEmpty());
        QVERIFY(!notification::eventsProblem({}).isEmpty());
        QVERIFY(!notification::eventsProblem({"payment.exploded"}).isEmpty());
        QVERIFY(notification::targetProblem("https://hooks.example.com/paydesk?x=1", false).isEmpty());
        QVERIFY(!notification::targetProblem("ftp://example.com/x", true).isEmpty());
        QVERIFY(!notification::targetProblem("https://user:pw@example.com/x", true).isEmpty());
        QVERIFY(!notification::targetProblem("not a url", true).isEmpty());
        // Targets inside the platform are refused unless allowed.
        for (const char *inside :
             {"http://127.0.0.1:40001/api/v1/x", "http://localhost/x", "http://[::1]:8080/",
              "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/"}) {
            QVERIFY2(!notification::targetProblem(inside, false).isEmpty(), inside);
            QVERIFY2(notification::targetProblem(inside, true).isEmpty(), inside);
        }
        QVERIFY(notification::targetProblem("https://203.0.113.7/hook", false).isEmpty());
        QVERIFY(!notification::targetProblem("gopher://example.com/", true).isEmpty());
        QVERIFY(notification::newSigningSecret().startsWith("whsec_"));
        QVERIFY(notification::newSigningSecret() != notification::newSigningSecret());
    }

    void sealedSecretOpensOnlyForItsOwner()
    {
        const QByteArray master = paydesk::platform::crypto::randomBytes(32);
        const QUuid endpoint = QUuid::createUuid();
        const QByteArray sealed = notification::sealEndpointSecret(master, endpoint, "whsec_abc");
        QVERIFY(!sealed.contains("whsec_abc"));
        QByteArray secret;
        QVERIFY(notification::openEndpointSecret(master, endpoint, sealed, &secret));
        QCOMPARE(secret, QByteArray("whsec_abc"));
        QVERIFY(!notification::openEndpointSecret(master, QUuid::createUuid(), sealed, &secret));
        QVERIFY(!notification::openMerchantSecret(master, endpoint.toString(QUuid::WithoutBraces), sealed,
                                                  &secret));
        QVERIFY(!notification::openEndpointSecret(paydesk::platform::crypto::randomBytes(32), endpoint,
                                                  sealed, &secret));
    }

    // ---- cashier-service ----

    void amountsFollowTheCurrencyExponent()
    {
        QCOMPARE(cashier::currencyExponent("EUR"), std::optional<int>(2));
        QCOMPARE(cashier::currencyExponent("JPY"), std::optional<int>(0));
        QCOMPARE(cashier::currencyExponent("KWD"), std::optional<int>(3));
        QCOMPARE(cashier::currencyExponent("XXX"), std::nullopt);
        QCOMPARE(cashier::formatAmount(1250, "EUR", 2), QStringLiteral("12.50 EUR"));
        QCOMPARE(cashier::formatAmount(5, "USD", 2), QStringLiteral("0.05 USD"));
        QCOMPARE(cashier::formatAmount(123456789, "USD", 2), QStringLiteral("1,234,567.89 USD"));
        QCOMPARE(cashier::formatAmount(1250, "JPY", 0), QStringLiteral("1,250 JPY"));
        QCOMPARE(cashier::formatAmount(1234567, "BHD", 3), QStringLiteral("1,234.567 BHD"));
        QCOMPARE(cashier::formatAmount(100, "BHD", 3), QStringLiteral("0.100 BHD"));
        QCOMPARE(cashier::formatAmount(std::numeric_limits<qint64>::max(), "JPY", 0),
                 QStringLiteral("9,223,372,036,854,775,807 JPY"));
    }

    void htmlIsEscaped()
    {
        QCOMPARE(cashier::htmlEscape(R"(<a href="x">Tom & 'Jerry'</a>)"),
                 QStringLiteral("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"));
        QCOMPARE(cashier::htmlEscape("caf\u00e9"), QStringLiteral("caf\u00e9"));
        cashier::CheckoutView view;
        view.token = "t";
        view.merchantName = "<b>Evil</b>";
        view.orderNo = "O-1";
        view.description = "\"><script>x()</script>";
        view.amountText = "1.00 EUR";
        view.errors = {{"holder", "<i>bad</i>"}};
        const QByteArray html = cashier::checkoutPage(view);
        QVERIFY(!html.contains("<script") && !html.contains("<b>Evil") && !html.contains("<i>bad"));
        QVERIFY(html.contains("&lt;b&gt;Evil&lt;/b&gt;"));
        const QByteArray result = cashier::resultPage({.kind = cashier::ResultView::Kind::Declined,
                                                       .merchantName = "M",
                                                       .orderNo = "O",
                                                       .amountText = "1 JPY",
                                                       .reason = "<img src=x>",
                                                       .returnHref = "https://m.test/?a=1&b=\"2\""});
        QVERIFY(!result.contains("<img") &&
                result.contains("href=\"https://m.test/?a=1&amp;b=&quot;2&quot;\""));
    }

    void cardFormIsReadAndChecked()
    {
        const QDate today(2026, 11, 25);
        const QUrlQuery good =
            cashier::parseForm("card_number=4242+4242+4242+4242&expiry=11%2F26&cvc=123&holder=Ada+L");
        const cashier::CardCheck ok = cashier::readCard(good, today);
        QVERIFY2(ok.ok(), qPrintable(ok.errors.value(0).second));
        QCOMPARE(ok.card.number, QStringLiteral("4242424242424242"));
        QCOMPARE(ok.card.expMonth, 11);
        QCOMPARE(ok.card.expYear, 2026);
        QCOMPARE(ok.card.holder, QStringLiteral("Ada L"));
        const cashier::CardCheck bad = cashier::readCard(
            cashier::parseForm("card_number=4242424242424241&expiry=10/26&cvc=12&holder="), today);
        QCOMPARE(bad.errors.size(), 4);
        QVERIFY(
            cashier::readCard(
                cashier::parseForm("card_number=4242424242424242&expiry=12/2030&cvc=1234&holder=A"), today)
                .ok());
        QVERIFY(cashier::luhnValid("4000000000000002"));
        QVERIFY(!cashier::luhnValid("4000000000000003"));
        QVERIFY(!cashier::luhnValid(""));
    }

    void tokensAndReturnLinks()
    {
        const QString token = cashier::newToken();
        QCOMPARE(token.size(), 43);
        QVERIFY(cashier::looksLikeToken(token));
        QVERIFY(!cashier::looksLikeToken(token.left(42)));
        QVERIFY(!cashier::looksLikeToken(token.left(42) + "/"));
        QVERIFY(cashier::newToken() != token);
        QCOMPARE(cashier::tokenHash(token).size(), 64);
        QCOMPARE(cashier::returnLink("https://shop.test/done?cart=7&status=old", "PY 1&2", "success"),
                 QStringLiteral("https://shop.test/done?cart=7&payment_no=PY%201%262&status=success"));
    }

    void gatewayAnswersAreInterpreted()
    {
        using Kind = cashier::GatewayOutcome::Kind;
        QCOMPARE(cashier::interpretGatewayAnswer(201, {{"status", "success"}, {"payment_no", "PY1"}}).kind,
                 Kind::Paid);
        QCOMPARE(cashier::interpretGatewayAnswer(200, {{"status", "authorized"}}).kind, Kind::Paid);
        QCOMPARE(cashier::interpretGatewayAnswer(200, {{"status", "processing"}}).kind, Kind::Processing);
        const cashier::GatewayOutcome declined = cashier::interpretGatewayAnswer(
            201, {{"status", "failed"},
                  {"error", QJsonObject{{"code", "insufficient_funds"}, {"message", "Insufficient funds"}}}});
        QCOMPARE(declined.kind, Kind::Declined);
        QCOMPARE(declined.reason, QStringLiteral("Insufficient funds"));
        QCOMPARE(declined.merchantStatus(), QStringLiteral("failed"));
        QCOMPARE(cashier::interpretGatewayAnswer(
                     201, {{"status", "failed"}, {"error", QJsonObject{{"code", "expired_card"}}}})
                     .reason,
                 QStringLiteral("expired_card"));
        const cashier::GatewayOutcome risk = cashier::interpretGatewayAnswer(
            422, {{"code", "RISK_REJECTED"}, {"detail", "blocked by risk rules"}});
        QCOMPARE(risk.kind, Kind::Declined);
        QCOMPARE(risk.reason, QStringLiteral("blocked by risk rules"));
        QCOMPARE(cashier::interpretGatewayAnswer(503, {}).kind, Kind::Unavailable);
        QCOMPARE(cashier::interpretGatewayAnswer(504, {}).kind, Kind::Unavailable);
        QCOMPARE(cashier::interpretGatewayAnswer(0, {}).kind, Kind::Unavailable);
        QCOMPARE(cashier::interpretGatewayAnswer(429, {}).kind, Kind::Unavailable);
        QCOMPARE(cashier::interpretGatewayAnswer(200, {{"status", "weird"}}).kind, Kind::Unavailable);
    }
};

QTEST_GUILESS_MAIN(NotifyCashierDomainTest)
#include "tst_notify_cashier_domain.moc"
