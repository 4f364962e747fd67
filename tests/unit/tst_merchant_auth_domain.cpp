// merchant-auth-service's pure rules: the signature's canonical string and HMAC (checked against
// QMessageAuthenticationCode and fixed vectors computed outside Qt), RFC 3339 parsing and the
// ±2 min window, key formats, key usability over time, and strict IPv4/IPv6 CIDR allow-lists.

#include "services/merchant-auth-service/domain/ApiKey.h"
#include "services/merchant-auth-service/domain/IpAllowlist.h"
#include "services/merchant-auth-service/domain/RequestSignature.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace paydesk::services::merchantauth;

namespace {
const QByteArray kSecret = "sk_test_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";
const QString kTimestamp = QStringLiteral("2026-11-25T10:00:00Z");
const QString kNonce = QStringLiteral("nonce-0001");
const QByteArray kBody = R"({"amount_minor":1000})";

QByteArray independentHmac(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toHex();
}

QDateTime utc(const char *text)
{
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs).toUTC();
}
} // namespace

class MerchantAuthDomainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void v1SignsTimestampNonceAndBody()
    {
        const QByteArray canonical =
            canonicalString(SignatureVersion::V1, "POST", "/api/v1/payments", kTimestamp, kNonce, kBody);
        QCOMPARE(canonical, QByteArray("2026-11-25T10:00:00Znonce-0001") + kBody);
        QCOMPARE(signatureHex(kSecret, canonical), independentHmac(kSecret, canonical));
        // Computed with Python's hmac module.
        QCOMPARE(signatureHex(kSecret, canonical),
                 QByteArray("690ede71bc02f02964a6fa944a98a1031dc04d714a7384ffeb989347de235563"));
    }

    void v2AlsoSignsMethodAndPath()
    {
        const QByteArray canonical =
            canonicalString(SignatureVersion::V2, "post", "/api/v1/payments", kTimestamp, kNonce, kBody);
        QCOMPARE(canonical, QByteArray("POST/api/v1/payments2026-11-25T10:00:00Znonce-0001") + kBody);
        QCOMPARE(signatureHex(kSecret, canonical), independentHmac(kSecret, canonical));
        QCOMPARE(signatureHex(kSecret, canonical),
                 QByteArray("673474f6f3e6f9839747cd90fe3f41d60a307a450453297c126bd4d38a2580ad"));
    }

    void anyChangedPartChangesTheSignature()
    {
        const QByteArray good = signatureHex(
            kSecret, canonicalString(SignatureVersion::V2, "POST", "/p", kTimestamp, kNonce, kBody));
        QVERIFY(good != signatureHex(kSecret, canonicalString(SignatureVersion::V2, "PUT", "/p", kTimestamp,
                                                              kNonce, kBody)));
        QVERIFY(good != signatureHex(kSecret, canonicalString(SignatureVersion::V2, "POST", "/q", kTimestamp,
                                                              kNonce, kBody)));
        QVERIFY(good != signatureHex(kSecret, canonicalString(SignatureVersion::V2, "POST", "/p", kTimestamp,
                                                              kNonce, kBody + " ")));
        QVERIFY(good != signatureHex(kSecret + "x", canonicalString(SignatureVersion::V2, "POST", "/p",
                                                                    kTimestamp, kNonce, kBody)));
        QVERIFY(isWellFormedSignature(QString::fromLatin1(good)));
        QVERIFY(!isWellFormedSignature(QString::fromLatin1(good.toUpper())));
        QVERIFY(!isWellFormedSignature(QString::fromLatin1(good.left(63))));
    }

    void signatureVersions()
    {
        QCOMPARE(parseSignatureVersion(""), std::optional(SignatureVersion::V1));
        QCOMPARE(parseSignatureVersion("v1"), std::optional(SignatureVersion::V1));
        QCOMPARE(parseSignatureVersion("v2"), std::optional(SignatureVersion::V2));
        QVERIFY(!parseSignatureVersion("V2"));
        QVERIFY(!parseSignatureVersion("v3"));
    }

    void rfc3339TimestampsParseStrictly()
    {
        QCOMPARE(*parseRfc3339("2026-11-25T10:00:00Z"), utc("2026-11-25T10:00:00Z"));
        QCOMPARE(*parseRfc3339("2026-11-25T12:00:00+02:00"), utc("2026-11-25T10:00:00Z"));
        QCOMPARE(*parseRfc3339("2026-11-25T05:30:00-04:30"), utc("2026-11-25T10:00:00Z"));
        QCOMPARE(*parseRfc3339("2026-11-25T10:00:00.250Z"), utc("2026-11-25T10:00:00.250Z"));
        QCOMPARE(*parseRfc3339("2026-11-25t10:00:00.123456789z"), utc("2026-11-25T10:00:00.123Z"));
        for (const char *bad :
             {"2026-11-25T10:00:00", "1764064800", "2026-11-25 10:00:00Z", "2026-13-01T00:00:00Z",
              "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T10:00:00+24:00",
              "2026-11-25T10:00:00Z\n", "", "٢٠٢٦-11-25T10:00:00Z"})
            QVERIFY2(!parseRfc3339(QString::fromUtf8(bad)), bad);
    }

    void timestampWindowIsTwoMinutesEitherWay()
    {
        const QDateTime now = utc("2026-11-25T10:00:00Z");
        QVERIFY(isWithinWindow(now, now));
        QVERIFY(isWithinWindow(now.addSecs(-120), now));
        QVERIFY(isWithinWindow(now.addSecs(120), now));
        QVERIFY(!isWithinWindow(now.addSecs(-121), now));
        QVERIFY(!isWithinWindow(now.addSecs(121), now));
        QVERIFY(!isWithinWindow(now.addSecs(-180), now));
    }

    void noncesAreBoundedTokens()
    {
        QVERIFY(isWellFormedNonce("3f2a6c1e-9d4b-4b1a-8c2e-000000000001"));
        QVERIFY(isWellFormedNonce("abcdEFGH"));
        QVERIFY(!isWellFormedNonce("short"));
        QVERIFY(!isWellFormedNonce(QString(129, u'a')));
        QVERIFY(!isWellFormedNonce("has space in it"));
        QVERIFY(!isWellFormedNonce("abc:defgh"));
        QVERIFY(!isWellFormedNonce("abcdefgh\n"));
    }

    void keyAndSecretFormats()
    {
        const QString id = formatKeyId("live", QByteArray(kKeyIdRandomBytes, '\xab'));
        QCOMPARE(id, QStringLiteral("pk_live_") +
                         QString(32, u'a').replace(QStringLiteral("aa"), QStringLiteral("ab")));
        QVERIFY(isWellFormedKeyId(id));
        QVERIFY(isWellFormedKeyId(formatKeyId("test", QByteArray(kKeyIdRandomBytes, '\x01'))));
        QVERIFY(!isWellFormedKeyId("pk_prod_" + QString(32, u'a')));
        QVERIFY(!isWellFormedKeyId("pk_live_" + QString(31, u'a')));
        QVERIFY(!isWellFormedKeyId("pk_live_" + QString(32, u'A')));
        QVERIFY(!isWellFormedKeyId(id + "\n"));
        const QString secret = formatSecret("test", QByteArray(kSecretRandomBytes, '\xff'));
        QVERIFY(secret.startsWith("sk_test_"));
        QCOMPARE(secret.size(), 8 + 43); // 32 bytes base64url without padding
        QVERIFY(!secret.contains(u'=') && !secret.contains(u'+') && !secret.contains(u'/'));
    }

    void sealedPlaintextIsBoundToItsKey()
    {
        const QByteArray plain = sealingPlaintext("pk_test_a", "sk_test_s");
        QCOMPARE(secretFromSealingPlaintext("pk_test_a", plain), QStringLiteral("sk_test_s"));
        QVERIFY(secretFromSealingPlaintext("pk_test_b", plain).isEmpty());
    }

    void keyUsabilityFollowsStatusExpiryAndGrace()
    {
        const QDateTime now = utc("2026-11-25T10:00:00Z");
        ApiKey key;
        key.keyId = "pk_test_x";
        QCOMPARE(key.usabilityAt(now), ApiKey::Usability::Usable);
        QCOMPARE(key.stateAt(now), QStringLiteral("active"));
        key.graceUntil = now.addSecs(60);
        QCOMPARE(key.usabilityAt(now), ApiKey::Usability::Usable);
        QCOMPARE(key.stateAt(now), QStringLiteral("grace"));
        QCOMPARE(key.usabilityAt(now.addSecs(60)), ApiKey::Usability::GraceOver);
        QCOMPARE(key.stateAt(now.addSecs(61)), QStringLiteral("retired"));
        key.expiresAt = now.addSecs(30);
        QCOMPARE(key.usabilityAt(now.addSecs(30)), ApiKey::Usability::Expired);
        key.status = "revoked";
        QCOMPARE(key.usabilityAt(now), ApiKey::Usability::Revoked);
    }

    void publicViewNeverCarriesTheSecret()
    {
        ApiKey key;
        key.keyId = "pk_test_x";
        key.secretSealed = "sealed-bytes";
        const QJsonObject json = key.toJson(QDateTime::currentDateTimeUtc());
        QVERIFY(!json.contains("secret"));
        QVERIFY(!json.contains("secret_sealed"));
        QVERIFY(!QJsonDocument(json).toJson().contains("sealed-bytes"));
    }

    void ipv4NetworksMatchByPrefix()
    {
        QString reason;
        const auto net = parseIpNetwork("10.20.0.0/16", &reason);
        QVERIFY2(net, qPrintable(reason));
        QVERIFY(net->contains(QHostAddress("10.20.0.1")));
        QVERIFY(net->contains(QHostAddress("10.20.255.255")));
        QVERIFY(!net->contains(QHostAddress("10.21.0.0")));
        QVERIFY(!net->contains(QHostAddress("2001:db8::1")));
        QCOMPARE(net->toString(), QStringLiteral("10.20.0.0/16"));
        const auto host = parseIpNetwork("192.0.2.7", &reason);
        QVERIFY(host);
        QCOMPARE(host->toString(), QStringLiteral("192.0.2.7"));
        QVERIFY(host->contains(QHostAddress("192.0.2.7")));
        QVERIFY(!host->contains(QHostAddress("192.0.2.8")));
        const auto all = parseIpNetwork("0.0.0.0/0", &reason);
        QVERIFY(all && all->contains(QHostAddress("203.0.113.9")));
    }

    void ipv6NetworksMatchByPrefix()
    {
        QString reason;
        const auto net = parseIpNetwork("2001:DB8:abcd::/48", &reason);
        QVERIFY2(net, qPrintable(reason));
        QCOMPARE(net->toString(), QStringLiteral("2001:db8:abcd::/48"));
        QVERIFY(net->contains(QHostAddress("2001:db8:abcd:12::1")));
        QVERIFY(!net->contains(QHostAddress("2001:db8:abce::1")));
        QVERIFY(!net->contains(QHostAddress("10.0.0.1")));
        const auto loopback = parseIpNetwork("::1", &reason);
        QVERIFY(loopback && loopback->contains(QHostAddress("::1")));
        // "::" answers toIPv4Address() with ok=true; it is still the IPv6 unspecified address.
        const auto everything = parseIpNetwork("::/0", &reason);
        QVERIFY2(everything, qPrintable(reason));
        QVERIFY(everything->contains(QHostAddress("2001:db8::9")));
        QVERIFY(!everything->contains(QHostAddress("10.0.0.1")));
        QCOMPARE(normalizeClientAddress("::").protocol(), QAbstractSocket::IPv6Protocol);
        QCOMPARE(normalizeClientAddress("::ffff:192.0.2.1"), QHostAddress("192.0.2.1"));
        QCOMPARE(normalizeClientAddress("fe80::1%eth0"), QHostAddress("fe80::1"));
    }

    void sloppyEntriesAreRejected_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::newRow("inet_aton shorthand") << "10.1";
        QTest::newRow("octal octet") << "010.1.1.1";
        QTest::newRow("octet out of range") << "256.1.1.1";
        QTest::newRow("host bits v4") << "192.168.1.5/24";
        QTest::newRow("host bits v6") << "2001:db8::1/32";
        QTest::newRow("prefix too long v4") << "10.0.0.0/33";
        QTest::newRow("prefix too long v6") << "::/129";
        QTest::newRow("netmask form") << "10.0.0.0/255.0.0.0";
        QTest::newRow("empty prefix") << "10.0.0.0/";
        QTest::newRow("signed prefix") << "10.0.0.0/+8";
        QTest::newRow("scope id") << "fe80::1%eth0";
        QTest::newRow("v4-mapped") << "::ffff:10.0.0.1";
        QTest::newRow("hostname") << "example.com";
        QTest::newRow("empty") << "";
    }

    void sloppyEntriesAreRejected()
    {
        QFETCH(QString, entry);
        QString reason;
        QVERIFY(!parseIpNetwork(entry, &reason));
        QVERIFY(!reason.isEmpty());
    }

    void allowlistCollectsErrorsAndMatchesClients()
    {
        QList<QPair<int, QString>> errors;
        const IpAllowlist list =
            IpAllowlist::parse({"10.0.0.0/8", "bogus", "2001:db8::/32", "10.0.0.0/8", "1.2.3"}, &errors);
        QCOMPARE(errors.size(), 2);
        QCOMPARE(errors[0].first, 1);
        QCOMPARE(errors[1].first, 4);
        QCOMPARE(list.toStringList(), QStringList({"10.0.0.0/8", "2001:db8::/32"}));
        QVERIFY(list.allows(normalizeClientAddress("10.9.8.7")));
        QVERIFY(list.allows(normalizeClientAddress("::ffff:10.9.8.7"))); // IPv4-mapped client
        QVERIFY(list.allows(normalizeClientAddress("2001:db8:1::5")));
        QVERIFY(!list.allows(normalizeClientAddress("11.0.0.1")));
        QVERIFY(!list.allows(normalizeClientAddress("")));
        QVERIFY(!list.allows(normalizeClientAddress("not-an-ip")));
        errors.clear();
        QVERIFY(IpAllowlist::parse({}, &errors).allows(normalizeClientAddress("198.51.100.1")));
    }
};

QTEST_APPLESS_MAIN(MerchantAuthDomainTest)
#include "tst_merchant_auth_domain.moc"
