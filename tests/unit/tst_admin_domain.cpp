// admin-service's pure domain: password policy (spec §3.5), TOTP (RFC 6238 / RFC 4226 test
// vectors), base32 (RFC 4648 vectors), role grants flattened into token permissions.

#include "services/admin-service/domain/Grants.h"
#include "services/admin-service/domain/PasswordPolicy.h"
#include "services/admin-service/domain/Totp.h"

#include <QTest>

using namespace paydesk::services::admin;

class AdminDomainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passwordPolicyNamesEveryBrokenRule_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QStringList>("expected");
        const QString length = QStringLiteral("must have 8 to 128 characters");
        QTest::newRow("good") << "Str0ng!pass" << QStringList{};
        QTest::newRow("exactly 8") << "Aa1!aaaa" << QStringList{};
        QTest::newRow("7 chars") << "Aa1!aaa" << QStringList{length};
        QTest::newRow("128 chars") << ("Aa1!" + QString(124, u'x')) << QStringList{};
        QTest::newRow("129 chars") << ("Aa1!" + QString(125, u'x')) << QStringList{length};
        QTest::newRow("no upper") << "str0ng!pass" << QStringList{"must contain an upper-case letter"};
        QTest::newRow("no lower") << "STR0NG!PASS" << QStringList{"must contain a lower-case letter"};
        QTest::newRow("no digit") << "Strong!pass" << QStringList{"must contain a digit"};
        QTest::newRow("no special") << "Str0ngpass"
                                    << QStringList{"must contain one of " +
                                                   PasswordPolicy::kSpecialCharacters};
        QTest::newRow("space is not special")
            << "Str0ng pass" << QStringList{"must contain one of " + PasswordPolicy::kSpecialCharacters};
        QTest::newRow("empty") << ""
                               << QStringList{length, "must contain an upper-case letter",
                                              "must contain a lower-case letter", "must contain a digit",
                                              "must contain one of " + PasswordPolicy::kSpecialCharacters};
    }
    void passwordPolicyNamesEveryBrokenRule()
    {
        QFETCH(QString, password);
        QFETCH(QStringList, expected);
        QCOMPARE(PasswordPolicy::violations(password), expected);
    }

    void generatedPasswordsMeetThePolicyAndDiffer()
    {
        QSet<QString> seen;
        for (int i = 0; i < 200; ++i) {
            const QString password = PasswordPolicy::generate(20);
            QCOMPARE(password.size(), 20);
            QVERIFY2(PasswordPolicy::violations(password).isEmpty(), qPrintable(password));
            seen.insert(password);
        }
        QCOMPARE(seen.size(), 200);
        QVERIFY(PasswordPolicy::violations(PasswordPolicy::generate(8)).isEmpty());
    }

    void passwordExpiresAfterNinetyDays()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(!PasswordPolicy::isExpired(now.addDays(-89), now));
        QVERIFY(PasswordPolicy::isExpired(now.addDays(-90), now));
        QVERIFY(!PasswordPolicy::isExpired(QDateTime(), now));
    }

    void usernames()
    {
        QVERIFY(isValidUsername("admin"));
        QVERIFY(isValidUsername("a.b_c-1"));
        QVERIFY(!isValidUsername("ab"));
        QVERIFY(!isValidUsername("Admin"));
        QVERIFY(!isValidUsername("ad min"));
        QVERIFY(!isValidUsername(QString(65, u'a')));
        QVERIFY(isValidUsername(QString(64, u'a')));
    }

    // RFC 4226 appendix D: secret "12345678901234567890", counters 0..9.
    void hotpMatchesRfc4226Vectors()
    {
        const QByteArray secret = "12345678901234567890";
        const QStringList expected{"755224", "287082", "359152", "969429", "338314",
                                   "254676", "287922", "162583", "399871", "520489"};
        for (int counter = 0; counter < expected.size(); ++counter)
            QCOMPARE(totp::hotp(secret, static_cast<quint64>(counter)), expected[counter]);
    }

    // RFC 6238 appendix B, SHA-1 rows (8 digits).
    void totpMatchesRfc6238Vectors_data()
    {
        QTest::addColumn<qint64>("time");
        QTest::addColumn<QString>("code");
        QTest::newRow("59") << qint64(59) << "94287082";
        QTest::newRow("1111111109") << qint64(1111111109) << "07081804";
        QTest::newRow("1111111111") << qint64(1111111111) << "14050471";
        QTest::newRow("1234567890") << qint64(1234567890) << "89005924";
        QTest::newRow("2000000000") << qint64(2000000000) << "69279037";
        QTest::newRow("20000000000") << qint64(20000000000) << "65353130";
    }
    void totpMatchesRfc6238Vectors()
    {
        QFETCH(qint64, time);
        QFETCH(QString, code);
        QCOMPARE(totp::codeAt("12345678901234567890", time, 8), code);
    }

    void totpAcceptsOneStepOfDriftOnly()
    {
        const QByteArray secret = "12345678901234567890";
        const qint64 now = 1700000000;
        const qint64 step = totp::stepAt(now);
        QCOMPARE(totp::matchingStep(secret, totp::codeAt(secret, now), now), std::optional<qint64>(step));
        QCOMPARE(totp::matchingStep(secret, totp::codeAt(secret, now - 30), now),
                 std::optional<qint64>(step - 1));
        QCOMPARE(totp::matchingStep(secret, totp::codeAt(secret, now + 30), now),
                 std::optional<qint64>(step + 1));
        QCOMPARE(totp::matchingStep(secret, totp::codeAt(secret, now - 60), now), std::nullopt);
        QCOMPARE(totp::matchingStep(secret, totp::codeAt(secret, now + 60), now), std::nullopt);
        QCOMPARE(totp::matchingStep(secret, QStringLiteral("12345"), now), std::nullopt);
    }

    void base32MatchesRfc4648Vectors()
    {
        const QList<QPair<QByteArray, QString>> vectors{{"", ""},
                                                        {"f", "MY"},
                                                        {"fo", "MZXQ"},
                                                        {"foo", "MZXW6"},
                                                        {"foob", "MZXW6YQ"},
                                                        {"fooba", "MZXW6YTB"},
                                                        {"foobar", "MZXW6YTBOI"}};
        for (const auto &[data, text] : vectors) {
            QCOMPARE(totp::base32Encode(data), text);
            bool ok = false;
            QCOMPARE(totp::base32Decode(text, &ok), data);
            QVERIFY(ok);
        }
        bool ok = true;
        QCOMPARE(totp::base32Decode(QStringLiteral("mzxw6ytboi======"), &ok), QByteArray("foobar"));
        QVERIFY(ok);
        totp::base32Decode(QStringLiteral("MZ1W"), &ok);
        QVERIFY(!ok);
    }

    void provisioningUriNamesIssuerAccountAndSecret()
    {
        const QString uri = totp::provisioningUri("PayDesk", "ops.anna", "12345678901234567890");
        QCOMPARE(uri,
                 QStringLiteral(
                     "otpauth://totp/PayDesk:ops.anna?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=PayDesk"
                     "&algorithm=SHA1&digits=6&period=30"));
    }

    void grantsFlattenForTokens()
    {
        const QStringList codes{"admin.view",    "admin.manage",    "audit.view",
                                "merchant.view", "merchant.update", "kyc.view"};
        QCOMPARE(flattenGrants({"audit.view", "*.view"}, codes, false),
                 (QStringList{"admin.view", "audit.view", "kyc.view", "merchant.view"}));
        QCOMPARE(flattenGrants({"merchant.*", "kyc.view"}, codes, false),
                 (QStringList{"kyc.view", "merchant.*"}));
        QCOMPARE(flattenGrants({"merchant.view", "*"}, codes, false), QStringList{"*"});
        QCOMPARE(flattenGrants({}, codes, true), QStringList{"*"});
        QCOMPARE(flattenGrants({}, codes, false), QStringList{});
    }

    void grantsMustMatchAKnownPermission()
    {
        const QStringList codes{"admin.view", "merchant.view"};
        QVERIFY(isValidGrant("admin.view", codes));
        QVERIFY(isValidGrant("merchant.*", codes));
        QVERIFY(isValidGrant("*.view", codes));
        QVERIFY(isValidGrant("*", codes));
        QVERIFY(!isValidGrant("admin.delete", codes));
        QVERIFY(!isValidGrant("nothing.*", codes));
        QVERIFY(!isValidGrant("*.fly", codes));
        QVERIFY(!isValidGrant("admin", codes));
        QVERIFY(!isValidGrant("a.b.c", codes));
    }
};

QTEST_GUILESS_MAIN(AdminDomainTest)
#include "tst_admin_domain.moc"
