// The sandbox acquirer loaded through QPluginLoader exactly as channel-adapter loads it, driven
// through the ChannelPlugin interface with a fake host (scheduled work runs when the test says):
// every test card outcome, Luhn and brands, fees per currency exponent, callback signatures
// (good, tampered, stale, future), pre-auth, refunds, failure injection, the statement CSV, the
// journal surviving a restart; and the routing rules of channel-adapter.

#include "services/channel-adapter/domain/ChannelRegistry.h"
#include "services/channel-adapter/domain/Routing.h"
#include "services/channel-adapter/plugin/ChannelPlugin.h"
#include "services/channel-adapter/plugin/ChannelSupport.h"

#include <QDir>
#include <QJsonDocument>
#include <QLibrary>
#include <QMutex>
#include <QPluginLoader>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::channels;
using namespace paydesk::services::channels;

namespace {
class FakeHost : public ChannelHost
{
public:
    struct Posted
    {
        QUrl url;
        QHash<QByteArray, QByteArray> headers; // lower-case names, as a receiver sees them
        QByteArray body;
    };

    explicit FakeHost(QString dir) : m_dir(std::move(dir)) {}

    QJsonObject settings() const override
    {
        QMutexLocker lock(&m_mutex);
        return m_settings;
    }
    QString dataDirectory() const override { return m_dir; }
    QByteArray callbackSecret() const override { return "test-secret-0123456789"; }
    void schedule(int delayMs, std::function<void()> task) override
    {
        Q_UNUSED(delayMs);
        QMutexLocker lock(&m_mutex);
        m_tasks.append(std::move(task));
    }
    void postCallback(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                      const QByteArray &body) override
    {
        Posted posted{url, {}, body};
        for (const auto &[name, value] : headers)
            posted.headers.insert(name.toLower(), value);
        QMutexLocker lock(&m_mutex);
        m_posted.append(posted);
    }
    void log(int level, const QString &message) override { m_logs.append(QString::number(level) + message); }

    void setSettings(const QJsonObject &settings)
    {
        QMutexLocker lock(&m_mutex);
        m_settings = settings;
    }
    // Runs what the plugin scheduled so far (as the host's timer would).
    int runScheduled()
    {
        QList<std::function<void()>> tasks;
        {
            QMutexLocker lock(&m_mutex);
            tasks.swap(m_tasks);
        }
        for (auto &task : tasks)
            task();
        return int(tasks.size());
    }
    QList<Posted> takePosted()
    {
        QMutexLocker lock(&m_mutex);
        QList<Posted> posted;
        posted.swap(m_posted);
        return posted;
    }
    QStringList m_logs;

private:
    mutable QMutex m_mutex;
    QString m_dir;
    QJsonObject m_settings;
    QList<std::function<void()>> m_tasks;
    QList<Posted> m_posted;
};

CardData card(const QString &number, int expYear = 2099, int expMonth = 12)
{
    return {number, expMonth, expYear, QStringLiteral("123"), QStringLiteral("Test Holder")};
}

PaymentRequest payment(const QString &paymentNo, const QString &number, bool capture = true,
                       qint64 amount = 1000, const QString &currency = QStringLiteral("USD"))
{
    PaymentRequest request;
    request.paymentNo = paymentNo;
    request.merchantId = QStringLiteral("m-1");
    request.amountMinor = amount;
    request.currency = currency;
    request.payMethod = QStringLiteral("card");
    request.capture = capture;
    request.card = card(number);
    request.callbackUrl = QUrl(QStringLiteral("http://127.0.0.1:9/callback"));
    return request;
}

ChannelOffer offer(const QString &name, int bps, qint64 fixed, const QStringList &currencies)
{
    ChannelOffer o;
    o.name = name;
    o.currencies = currencies;
    o.payMethods = {QStringLiteral("card")};
    o.fees.percentBps = bps;
    for (const QString &c : currencies)
        o.fees.fixedMinor.insert(c, fixed);
    return o;
}
} // namespace

class ChannelDomainTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-channel-domain-XXXXXX")};
    std::unique_ptr<QPluginLoader> m_loader;
    ChannelPlugin *m_plugin = nullptr;
    std::unique_ptr<FakeHost> m_host;
    int m_counter = 0;

    QString nextPaymentNo() { return QStringLiteral("PY-unit-%1").arg(++m_counter); }

private Q_SLOTS:
    void initTestCase()
    {
        // The same discovery channel-adapter uses: here the build tree's plugin directory.
        const QString dir = channelPluginDirectory(QString());
        QVERIFY2(QDir(dir).exists(), qPrintable(dir));
        QString file;
        for (const QFileInfo &info : QDir(dir).entryInfoList(QDir::Files))
            if (QLibrary::isLibrary(info.fileName()) && info.fileName().contains(QLatin1String("sandbox")))
                file = info.absoluteFilePath();
        QVERIFY2(!file.isEmpty(), qPrintable("no sandbox plugin in " + dir));
        m_loader = std::make_unique<QPluginLoader>(file);
        QCOMPARE(m_loader->metaData().value("IID").toString(), QStringLiteral(PAYDESK_CHANNEL_PLUGIN_IID));
        QCOMPARE(m_loader->metaData().value("MetaData").toObject().value("id").toString(),
                 QStringLiteral("sandbox"));
        QObject *root = m_loader->instance();
        QVERIFY2(root, qPrintable(m_loader->errorString()));
        m_plugin = qobject_cast<ChannelPlugin *>(root);
        QVERIFY(m_plugin);
        QCOMPARE(m_plugin->name(), QStringLiteral("sandbox"));
        QVERIFY(m_plugin->capabilities().preAuth && m_plugin->capabilities().partialRefunds &&
                m_plugin->capabilities().asyncResults);
        m_host = std::make_unique<FakeHost>(m_dir.path() + "/sandbox");
        QString error;
        QVERIFY2(m_plugin->initialize(m_host.get(), &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        if (m_plugin)
            m_plugin->shutdown();
    }

    void init() { m_host->setSettings({}); }

    void luhnAndBrands()
    {
        QVERIFY(luhnValid(u"4242424242424242"));
        QVERIFY(luhnValid(u"4000000000000002"));
        QVERIFY(luhnValid(u"5555555555554444"));
        QVERIFY(luhnValid(u"378282246310005"));
        QVERIFY(!luhnValid(u"4242424242424241"));
        QVERIFY(!luhnValid(u"42424242424"));          // too short
        QVERIFY(!luhnValid(u"42424242424242424242")); // too long
        QVERIFY(!luhnValid(u"42424242x4242424"));
        QCOMPARE(cardBrand(u"4242424242424242"), QStringLiteral("visa"));
        QCOMPARE(cardBrand(u"5555555555554444"), QStringLiteral("mastercard"));
        QCOMPARE(cardBrand(u"2223003122003222"), QStringLiteral("mastercard"));
        QCOMPARE(cardBrand(u"378282246310005"), QStringLiteral("amex"));
        QCOMPARE(cardBrand(u"6011111111111117"), QStringLiteral("discover"));
        QCOMPARE(cardBrand(u"3566002020360505"), QStringLiteral("jcb"));
        QCOMPARE(cardBrand(u"6200000000000005"), QStringLiteral("unionpay"));
        QCOMPARE(cardLast4(u"4242424242424242"), QStringLiteral("4242"));
    }

    void cardOutcomes_data()
    {
        QTest::addColumn<QString>("number");
        QTest::addColumn<bool>("capture");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("declineCode");
        QTest::newRow("approved") << "4242424242424242" << true << "succeeded"
                                  << "";
        QTest::newRow("approved, authorize only") << "4242424242424242" << false << "authorized"
                                                  << "";
        QTest::newRow("other valid card") << "5555555555554444" << true << "succeeded"
                                          << "";
        QTest::newRow("declined") << "4000000000000002" << true << "declined"
                                  << "card_declined";
        QTest::newRow("insufficient funds") << "4000000000009995" << true << "declined"
                                            << "insufficient_funds";
        QTest::newRow("expired") << "4000000000000069" << true << "declined"
                                 << "expired_card";
        QTest::newRow("processing error") << "4000000000000119" << true << "failed"
                                          << "processing_error";
        QTest::newRow("pending, succeeds") << "4000000000003220" << true << "pending"
                                           << "";
        QTest::newRow("pending, declines") << "4000000000003238" << true << "pending"
                                           << "";
        QTest::newRow("luhn invalid") << "4242424242424241" << true << "declined"
                                      << "invalid_card_number";
    }

    void cardOutcomes()
    {
        QFETCH(QString, number);
        QFETCH(bool, capture);
        QFETCH(QString, status);
        QFETCH(QString, declineCode);
        const PaymentResult result = m_plugin->createPayment(payment(nextPaymentNo(), number, capture));
        QVERIFY2(result.error.isEmpty(), qPrintable(result.errorMessage));
        QCOMPARE(result.status, status);
        QCOMPARE(result.declineCode, declineCode);
        QVERIFY(result.channelTradeNo.startsWith("sbx_"));
        QCOMPARE(result.cardLast4, number.right(4));
        QCOMPARE(result.feeMinor, status == "succeeded" ? 59 : 0); // 2.9 % of 1000 + 30
        QCOMPARE(result.capturedMinor, status == "succeeded" ? 1000 : 0);
        m_host->runScheduled(); // leave no pending work behind
        m_host->takePosted();
    }

    void pastExpiryDateIsExpiredCard()
    {
        PaymentRequest request = payment(nextPaymentNo(), "4242424242424242");
        const QDate today = QDate::currentDate();
        request.card.expYear = today.year() - 1;
        QCOMPARE(m_plugin->createPayment(request).declineCode, QStringLiteral("expired_card"));
        request = payment(nextPaymentNo(), "4242424242424242");
        request.card.expYear = today.year();
        request.card.expMonth = today.month(); // valid through the end of this month
        QCOMPARE(m_plugin->createPayment(request).status, QStringLiteral("succeeded"));
    }

    void feesFollowTheCurrencyExponent()
    {
        const FeeSchedule fees = m_plugin->feeSchedule();
        QCOMPARE(fees.percentBps, 290);
        QCOMPARE(fees.feeFor(1000, "USD"), 59);   // 29 + 30
        QCOMPARE(fees.feeFor(1724, "EUR"), 80);   // 49.996 → 50, + 30
        QCOMPARE(fees.feeFor(1000, "JPY"), 59);   // JPY 29 + JPY 30 (0 decimals)
        QCOMPARE(fees.feeFor(10000, "BHD"), 590); // 290 + 0.300 BHD (3 decimals)
        QCOMPARE(fees.feeFor(50, "USD"), 31);     // 1.45 → 1, + 30
        QCOMPARE(fees.feeFor(1'000'000, "KRW"), 29030);
        QCOMPARE(currencyExponent(u"JPY"), 0);
        QCOMPARE(currencyExponent(u"KWD"), 3);
        QCOMPARE(currencyExponent(u"USD"), 2);
        QCOMPARE(currencyExponent(u"XXX"), -1);
        // What the acquirer charges on a settled payment in each exponent.
        QCOMPARE(
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", true, 1000, "JPY")).feeMinor,
            59);
        QCOMPARE(m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", true, 10000, "KWD"))
                     .feeMinor,
                 590);
        // A negotiated rate from channel_configs replaces the list price.
        m_host->setSettings({{"fee_percent_bps", 100}, {"fee_fixed_minor", 0}});
        QCOMPARE(
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", true, 1000, "USD")).feeMinor,
            10);
        const PaymentResult sek =
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", true, 1000, "SEK"));
        QCOMPARE(sek.error, QStringLiteral("unsupported_currency"));
    }

    void sameBodyTwiceChargesOnce()
    {
        const QString no = nextPaymentNo();
        const PaymentResult first = m_plugin->createPayment(payment(no, "4242424242424242"));
        const PaymentResult again = m_plugin->createPayment(payment(no, "4242424242424242"));
        QCOMPARE(again.channelTradeNo, first.channelTradeNo);
        QCOMPARE(again.status, QStringLiteral("succeeded"));
        QByteArray csv;
        QString error;
        QVERIFY(m_plugin->exportStatement(QDateTime::currentDateTimeUtc().date(), &csv, &error));
        QCOMPARE(csv.count(("," + no + ",payment,").toUtf8()), 1); // settled once
    }

    void pendingResultsArriveBySignedCallback()
    {
        const QString ok = nextPaymentNo();
        const QString ko = nextPaymentNo();
        QCOMPARE(m_plugin->createPayment(payment(ok, "4000000000003220")).status, QStringLiteral("pending"));
        QCOMPARE(m_plugin->createPayment(payment(ko, "4000000000003238")).status, QStringLiteral("pending"));
        QVERIFY(m_host->takePosted().isEmpty()); // nothing before the delay
        QCOMPARE(m_host->runScheduled(), 2);
        const QList<FakeHost::Posted> posted = m_host->takePosted();
        QCOMPARE(posted.size(), 2);
        for (const FakeHost::Posted &p : posted) {
            QCOMPARE(p.url, QUrl("http://127.0.0.1:9/callback"));
            QCOMPARE(p.headers.value("content-type"), QByteArray("application/json"));
            const CallbackResult result = m_plugin->verifyCallback(p.headers, p.body);
            QVERIFY2(result.verified, qPrintable(result.error));
            QCOMPARE(result.kind, QStringLiteral("payment"));
            if (result.paymentNo == ok) {
                QCOMPARE(result.status, QStringLiteral("succeeded"));
                QCOMPARE(result.feeMinor, 59);
            } else {
                QCOMPARE(result.paymentNo, ko);
                QCOMPARE(result.status, QStringLiteral("declined"));
                QCOMPARE(result.declineCode, QStringLiteral("card_declined"));
            }
            // The acquirer's own view agrees.
            QCOMPARE(m_plugin->queryPayment(result.channelTradeNo).status, result.status);
        }
    }

    void callbackSignatureChecks()
    {
        const QByteArray secret = m_host->callbackSecret();
        const QByteArray body = R"({"kind":"payment","payment_no":"PY-x","status":"succeeded"})";
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const auto headers = [&](qint64 ts, const QByteArray &signedBody) {
            const QByteArray stamp = QByteArray::number(ts);
            return QHash<QByteArray, QByteArray>{
                {"x-sandbox-timestamp", stamp},
                {"x-sandbox-signature", callbackSignature(secret, stamp, signedBody)}};
        };
        QVERIFY(m_plugin->verifyCallback(headers(now, body), body).verified);
        QVERIFY(m_plugin->verifyCallback(headers(now - 299, body), body).verified);
        // Tampered body, stale or future timestamp, wrong secret, missing headers.
        CallbackResult r =
            m_plugin->verifyCallback(headers(now, body), QByteArray(body).replace("succeeded", "failed"));
        QVERIFY(!r.verified);
        QVERIFY(r.error.contains("signature"));
        r = m_plugin->verifyCallback(headers(now - 301, body), body);
        QVERIFY(!r.verified);
        QVERIFY(r.error.contains("5 minute"));
        QVERIFY(!m_plugin->verifyCallback(headers(now + 400, body), body).verified);
        const QByteArray stamp = QByteArray::number(now);
        QVERIFY(
            !m_plugin
                 ->verifyCallback({{"x-sandbox-timestamp", stamp},
                                   {"x-sandbox-signature", callbackSignature("other-secret", stamp, body)}},
                                  body)
                 .verified);
        QVERIFY(!m_plugin->verifyCallback({}, body).verified);
        // The helper itself: known vector (HMAC-SHA256 hex over "1700000000.{}").
        QCOMPARE(
            callbackSignature("key", "1700000000", "{}"),
            QMessageAuthenticationCode::hash("1700000000.{}", "key", QCryptographicHash::Sha256).toHex());
    }

    void preAuthCaptureAndVoid()
    {
        const PaymentResult auth =
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", false));
        QCOMPARE(auth.status, QStringLiteral("authorized"));
        QCOMPARE(m_plugin->capture(auth.channelTradeNo, 1001).error, QStringLiteral("invalid_amount"));
        const PaymentResult captured = m_plugin->capture(auth.channelTradeNo, 600); // partial
        QCOMPARE(captured.status, QStringLiteral("succeeded"));
        QCOMPARE(captured.capturedMinor, 600);
        QCOMPARE(captured.feeMinor, 47); // 17.4 → 17, + 30
        QCOMPARE(m_plugin->capture(auth.channelTradeNo, 600).status, QStringLiteral("succeeded")); // retried
        QCOMPARE(m_plugin->voidAuthorization(auth.channelTradeNo).error, QStringLiteral("invalid_state"));

        const PaymentResult other =
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", false));
        QCOMPARE(m_plugin->voidAuthorization(other.channelTradeNo).status, QStringLiteral("voided"));
        QCOMPARE(m_plugin->capture(other.channelTradeNo, 1000).error, QStringLiteral("invalid_state"));
        QCOMPARE(m_plugin->queryPayment("sbx_nope").error, QStringLiteral("not_found"));

        // A pending payment cancelled before its result: the late result is dropped.
        const PaymentResult pending = m_plugin->createPayment(payment(nextPaymentNo(), "4000000000003220"));
        QCOMPARE(m_plugin->cancelPayment(pending.channelTradeNo).status, QStringLiteral("cancelled"));
        m_host->runScheduled();
        QVERIFY(m_host->takePosted().isEmpty());
        QCOMPARE(m_plugin->queryPayment(pending.channelTradeNo).status, QStringLiteral("cancelled"));
    }

    void refundsFullPartialAndAsync()
    {
        const QString no = nextPaymentNo();
        const PaymentResult paid = m_plugin->createPayment(payment(no, "4242424242424242", true, 1000));
        const auto refund = [&](const QString &refundNo, qint64 amount, bool async = false) {
            return m_plugin->refund(
                {refundNo, no, paid.channelTradeNo, amount, "USD", async, QUrl("http://127.0.0.1:9/r")});
        };
        QCOMPARE(refund(no + "-r1", 300).status, QStringLiteral("succeeded"));
        QCOMPARE(refund(no + "-r1", 300).status, QStringLiteral("succeeded")); // idempotent
        QCOMPARE(refund(no + "-r2", 800).error, QStringLiteral("invalid_amount"));
        const RefundResult async = refund(no + "-r3", 700, true);
        QCOMPARE(async.status, QStringLiteral("pending"));
        QCOMPARE(refund(no + "-r4", 1).error, QStringLiteral("invalid_amount")); // fully reserved
        QCOMPARE(m_host->runScheduled(), 1);
        const QList<FakeHost::Posted> posted = m_host->takePosted();
        QCOMPARE(posted.size(), 1);
        const CallbackResult result = m_plugin->verifyCallback(posted[0].headers, posted[0].body);
        QVERIFY(result.verified);
        QCOMPARE(result.kind, QStringLiteral("refund"));
        QCOMPARE(result.refundNo, no + "-r3");
        QCOMPARE(result.channelRefundNo, async.channelRefundNo);
        QCOMPARE(result.status, QStringLiteral("succeeded"));
        QCOMPARE(m_plugin->queryPayment(paid.channelTradeNo).refundedMinor, 1000);

        QByteArray csv;
        QString error;
        QVERIFY(m_plugin->exportStatement(QDateTime::currentDateTimeUtc().date(), &csv, &error));
        const QString today = QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
        QVERIFY(csv.startsWith(
            "date,channel_trade_no,payment_no,type,amount_minor,currency,fee_minor,net_minor,status"));
        QVERIFY(csv.contains(QString("%1,%2,%3,payment,1000,USD,59,941,succeeded,\n")
                                 .arg(today, paid.channelTradeNo, no)
                                 .toUtf8()));
        QVERIFY(csv.contains(QString("%1,%2,%3,refund,300,USD,0,-300,succeeded,%3-r1\n")
                                 .arg(today, paid.channelTradeNo, no)
                                 .toUtf8()));
        QVERIFY(csv.contains(QString("%1,%2,%3,refund,700,USD,0,-700,succeeded,%3-r3\n")
                                 .arg(today, paid.channelTradeNo, no)
                                 .toUtf8()));
        QVERIFY(m_plugin->exportStatement(QDate(2001, 1, 1), &csv, &error));
        QCOMPARE(csv.count('\n'), 1); // header only
    }

    void failureInjection()
    {
        m_host->setSettings({{"failure_rate", 1.0}});
        PaymentResult r = m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242"));
        QCOMPARE(r.status, QStringLiteral("failed"));
        QCOMPARE(r.declineCode, QStringLiteral("processing_error"));
        m_host->setSettings({{"timeout_rate", 1.0}});
        const QString no = nextPaymentNo();
        r = m_plugin->createPayment(payment(no, "4242424242424242"));
        QCOMPARE(r.declineCode, QStringLiteral("timeout"));
        m_host->setSettings({});
        // A timed-out request never reached the acquirer: the retry is a first attempt.
        QCOMPARE(m_plugin->createPayment(payment(no, "4242424242424242")).status,
                 QStringLiteral("succeeded"));
    }

    void journalSurvivesARestart()
    {
        const PaymentResult auth =
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", false));
        const PaymentResult captured =
            m_plugin->createPayment(payment(nextPaymentNo(), "4242424242424242", false));
        QCOMPARE(m_plugin->capture(captured.channelTradeNo, 500).status, QStringLiteral("succeeded"));
        const auto linesOf = [&](const QString &tradeNo) {
            QFile journal(m_host->dataDirectory() + "/journal.jsonl");
            return journal.open(QIODevice::ReadOnly) ? journal.readAll().count(tradeNo.toUtf8()) : -1;
        };
        QCOMPARE(linesOf(captured.channelTradeNo), 2); // authorized, then succeeded
        m_plugin->shutdown();
        QString error;
        QVERIFY(m_plugin->initialize(m_host.get(), &error)); // replays and compacts journal.jsonl
        QCOMPARE(linesOf(captured.channelTradeNo), 1);
        QCOMPARE(m_plugin->queryPayment(auth.channelTradeNo).status, QStringLiteral("authorized"));
        QCOMPARE(m_plugin->capture(auth.channelTradeNo, 1000).status, QStringLiteral("succeeded"));
        const PaymentResult after = m_plugin->queryPayment(captured.channelTradeNo);
        QCOMPARE(after.capturedMinor, 500);
        QCOMPARE(m_plugin->refund({"journal-r1", "", captured.channelTradeNo, 500, "USD", false, {}}).status,
                 QStringLiteral("succeeded"));
        QFile journal(m_host->dataDirectory() + "/journal.jsonl");
        QVERIFY(journal.open(QIODevice::ReadOnly));
        const QByteArray text = journal.readAll();
        QVERIFY(!text.contains("4242424242424242")); // brand and last 4 only
        QVERIFY(!text.contains("\"123\""));
    }

    // ---- routing ----

    void explicitChannelWins()
    {
        const QList<ChannelOffer> offers = {offer("cheap", 100, 0, {"USD"}),
                                            offer("sandbox", 290, 30, {"USD", "EUR"})};
        RoutingDecision d = decideRoute({"sandbox", "m-1", 1000, "USD"}, offers, {});
        QCOMPARE(d.channel, QStringLiteral("sandbox"));
        QCOMPARE(d.reason, QStringLiteral("explicit"));
        d = decideRoute({"cheap", "m-1", 1000, "EUR"}, offers, {});
        QVERIFY(!d.ok());
        QVERIFY(d.why.contains("EUR"));
        QVERIFY(!decideRoute({"nope", "m-1", 1000, "USD"}, offers, {}).ok());
    }

    void rulesByPriorityThenLowestFee()
    {
        QList<ChannelOffer> offers = {offer("cheap", 100, 0, {"USD"}),
                                      offer("sandbox", 290, 30, {"USD", "EUR"}),
                                      offer("pricey", 500, 50, {"USD", "EUR", "JPY"})};
        RouteRule big{1, "big-usd", "pricey", 20, true, {"USD"}, 100000, std::nullopt, {}};
        RouteRule vip{2, "vip", "sandbox", 10, true, {}, std::nullopt, std::nullopt, {"m-vip"}};
        RouteRule off{3, "disabled", "pricey", 1, false, {}, std::nullopt, std::nullopt, {}};
        RouteRule eurToCheap{4, "eur-cheap", "cheap", 5, true, {"EUR"}, std::nullopt, std::nullopt, {}};
        const QList<RouteRule> rules = {big, vip, off, eurToCheap};

        RoutingDecision d = decideRoute({{}, "m-vip", 200000, "USD"}, offers, rules);
        QCOMPARE(d.reason, QStringLiteral("rule:vip")); // priority 10 before 20
        QCOMPARE(d.channel, QStringLiteral("sandbox"));
        d = decideRoute({{}, "m-1", 200000, "USD"}, offers, rules);
        QCOMPARE(d.reason, QStringLiteral("rule:big-usd"));
        QCOMPARE(d.channel, QStringLiteral("pricey"));
        d = decideRoute({{}, "m-1", 500, "USD"}, offers, rules); // below min: no rule
        QCOMPARE(d.reason, QStringLiteral("default"));
        QCOMPARE(d.channel, QStringLiteral("cheap"));
        // The rule's channel cannot take EUR: the next rule / the default decides.
        d = decideRoute({{}, "m-1", 1000, "EUR"}, offers, rules);
        QCOMPARE(d.reason, QStringLiteral("default"));
        QCOMPARE(d.channel, QStringLiteral("sandbox")); // 59 < 100
        d = decideRoute({{}, "m-1", 1000, "JPY"}, offers, rules);
        QCOMPARE(d.channel, QStringLiteral("pricey"));
        // Disabled channels and amount bounds of the channel config.
        offers[0].enabled = false;
        QCOMPARE(decideRoute({{}, "m-1", 500, "USD"}, offers, {}).channel, QStringLiteral("sandbox"));
        offers[1].maxAmountMinor = 400;
        QCOMPARE(decideRoute({{}, "m-1", 500, "USD"}, offers, {}).channel, QStringLiteral("pricey"));
        const RoutingDecision none = decideRoute({{}, "m-1", 500, "GBP"}, offers, rules);
        QVERIFY(!none.ok());
        QVERIFY(none.why.contains("GBP"));
    }

    void equalFeesBreakOnPriorityThenName()
    {
        QList<ChannelOffer> offers = {offer("b", 100, 0, {"USD"}), offer("a", 100, 0, {"USD"})};
        QCOMPARE(decideRoute({{}, "m", 1000, "USD"}, offers, {}).channel, QStringLiteral("a"));
        offers[0].priority = 1;
        QCOMPARE(decideRoute({{}, "m", 1000, "USD"}, offers, {}).channel, QStringLiteral("b"));
    }
};

QTEST_GUILESS_MAIN(ChannelDomainTest)
#include "tst_channel_domain.moc"
