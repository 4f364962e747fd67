#include "platform/security/Crypto.h"
#include "platform/security/Jwt.h"
#include "platform/security/Principal.h"

#include <QJsonDocument>
#include <QTest>

using namespace paydesk::platform;

class SecurityTest : public QObject
{
    Q_OBJECT
    const QByteArray m_key = QByteArray(32, 'k');

private Q_SLOTS:
    void hmacMatchesRfc4231Vector()
    {
        // RFC 4231 test case 2.
        QCOMPARE(crypto::hmacSha256("Jefe", "what do ya want for nothing?").toHex(),
                 QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    }

    void passwordHashVerifiesOnlyTheRightPassword()
    {
        const QString stored = crypto::hashPassword("Corr3ct-Horse!", 2000);
        QVERIFY(stored.startsWith("pbkdf2-sha256$2000$"));
        QVERIFY(crypto::verifyPassword("Corr3ct-Horse!", stored));
        QVERIFY(!crypto::verifyPassword("corr3ct-Horse!", stored));
        QVERIFY(stored != crypto::hashPassword("Corr3ct-Horse!", 2000)); // salted
        QVERIFY(!crypto::verifyPassword("x", "md5$abc"));
    }

    void sealedSecretsRoundTripAndDetectTampering()
    {
        const QByteArray sealed = crypto::encrypt(m_key, "sk_live_secret");
        QByteArray plain;
        QVERIFY(crypto::decrypt(m_key, sealed, &plain));
        QCOMPARE(plain, QByteArray("sk_live_secret"));
        QByteArray tampered = sealed;
        tampered[14] = static_cast<char>(tampered[14] ^ 1);
        QVERIFY(!crypto::decrypt(m_key, tampered, &plain));
        QVERIFY(!crypto::decrypt(QByteArray(32, 'x'), sealed, &plain));
        QVERIFY(crypto::encrypt(m_key, "same") != crypto::encrypt(m_key, "same")); // random nonce
    }

    void tokenRoundTrips()
    {
        const QByteArray token = jwt::sign({{"sub", "a1"}, {"typ", "access"}, {"exp", 2000}}, m_key);
        QJsonObject claims;
        QString reason;
        QVERIFY(jwt::verify(token, m_key, 1000, &claims, &reason));
        QCOMPARE(claims.value("sub").toString(), QStringLiteral("a1"));
    }

    void expiredWrongKeyTamperedAndAlgNoneTokensAreRejected()
    {
        const QByteArray token = jwt::sign({{"sub", "a1"}, {"exp", 2000}}, m_key);
        QJsonObject claims;
        QString reason;
        QVERIFY(!jwt::verify(token, m_key, 2000, &claims, &reason));
        QCOMPARE(reason, QStringLiteral("token expired"));
        QVERIFY(!jwt::verify(token, QByteArray(32, 'z'), 1000, &claims, &reason));
        QList<QByteArray> parts = token.split('.');
        const QByteArray forgedClaims = crypto::base64Url(R"({"sub":"root","exp":2000})");
        QVERIFY(!jwt::verify(parts[0] + '.' + forgedClaims + '.' + parts[2], m_key, 1000, &claims, &reason));
        const QByteArray none = crypto::base64Url(R"({"alg":"none","typ":"JWT"})");
        QVERIFY(!jwt::verify(none + '.' + parts[1] + '.', m_key, 1000, &claims, &reason));
        QVERIFY(!jwt::verify(jwt::sign({{"sub", "a1"}}, m_key), m_key, 1000, &claims, &reason)); // no exp
        QVERIFY(!jwt::verify("garbage", m_key, 1000, &claims, &reason));
    }

    void permissionsHonourWildcards()
    {
        Principal p;
        p.permissions = {"merchant.*", "kyc.view"};
        QVERIFY(p.can("merchant.suspend"));
        QVERIFY(p.can("kyc.view"));
        QVERIFY(!p.can("kyc.approve"));
        QVERIFY(!p.can("merchants.view"));
        p.permissions = {"*"};
        QVERIFY(p.can("anything.at_all"));
    }

    void constantTimeCompareNeedsEqualLength()
    {
        QVERIFY(crypto::constantTimeEquals("abc", "abc"));
        QVERIFY(!crypto::constantTimeEquals("abc", "abd"));
        QVERIFY(!crypto::constantTimeEquals("abc", "abcd"));
    }
};

QTEST_GUILESS_MAIN(SecurityTest)
#include "tst_security.moc"
