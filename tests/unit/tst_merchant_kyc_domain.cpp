// The pure rules of merchant-service and kyc-service: both state machines (every legal and
// illegal transition), the KYC event → kyc_status mapping, the tier and level tables, field
// rules, KYC document requirements and the magic-number check.

#include "services/kyc-service/domain/DocumentFile.h"
#include "services/kyc-service/domain/KycCase.h"
#include "services/kyc-service/domain/KycLevel.h"
#include "services/merchant-service/domain/MerchantRules.h"
#include "services/merchant-service/domain/MerchantStatus.h"
#include "services/merchant-service/domain/MerchantTier.h"

#include <QTest>

using namespace paydesk::services;

class MerchantKycDomainTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyMerchantTransitionIsLegalOnlyWhenListed()
    {
        using merchant::MerchantStatus;
        const QSet<QPair<int, int>> legal{{int(MerchantStatus::Pending), int(MerchantStatus::Active)},
                                          {int(MerchantStatus::Pending), int(MerchantStatus::Rejected)},
                                          {int(MerchantStatus::Active), int(MerchantStatus::Suspended)},
                                          {int(MerchantStatus::Suspended), int(MerchantStatus::Active)}};
        int allowed = 0;
        for (int from = 0; from < 4; ++from) {
            for (int to = 0; to < 4; ++to) {
                const bool expected = legal.contains({from, to});
                QCOMPARE(merchant::isLegalTransition(MerchantStatus(from), MerchantStatus(to)), expected);
                const auto verdict = merchant::checkTransition({MerchantStatus(from), MerchantStatus(to),
                                                                QStringLiteral("because"),
                                                                merchant::KycStatus::Verified, false});
                QCOMPARE(verdict, expected ? merchant::TransitionVerdict::Allowed
                                           : merchant::TransitionVerdict::Illegal);
                allowed += expected;
            }
        }
        QCOMPARE(allowed, 4);
    }

    void rejectedMerchantIsFinal()
    {
        using merchant::MerchantStatus;
        for (MerchantStatus to : {MerchantStatus::Pending, MerchantStatus::Active, MerchantStatus::Suspended})
            QCOMPARE(merchant::checkTransition(
                         {MerchantStatus::Rejected, to, "x", merchant::KycStatus::Verified, true}),
                     merchant::TransitionVerdict::Illegal);
    }

    void everyMerchantTransitionNeedsAReason()
    {
        using merchant::MerchantStatus;
        for (const QString &reason : {QString(), QStringLiteral("   ")})
            QCOMPARE(merchant::checkTransition({MerchantStatus::Active, MerchantStatus::Suspended, reason,
                                                merchant::KycStatus::Verified, false}),
                     merchant::TransitionVerdict::ReasonRequired);
    }

    void activationNeedsVerifiedKycUnlessForced()
    {
        using merchant::KycStatus;
        using merchant::MerchantStatus;
        for (KycStatus kyc : {KycStatus::None, KycStatus::Pending, KycStatus::Rejected, KycStatus::Expired}) {
            for (MerchantStatus from : {MerchantStatus::Pending, MerchantStatus::Suspended}) {
                QCOMPARE(merchant::checkTransition({from, MerchantStatus::Active, "ok", kyc, false}),
                         merchant::TransitionVerdict::KycNotVerified);
                QCOMPARE(merchant::checkTransition({from, MerchantStatus::Active, "ok", kyc, true}),
                         merchant::TransitionVerdict::Allowed);
            }
            // Only activation looks at KYC.
            QCOMPARE(merchant::checkTransition(
                         {MerchantStatus::Active, MerchantStatus::Suspended, "ok", kyc, false}),
                     merchant::TransitionVerdict::Allowed);
            QCOMPARE(merchant::checkTransition(
                         {MerchantStatus::Pending, MerchantStatus::Rejected, "ok", kyc, false}),
                     merchant::TransitionVerdict::Allowed);
        }
    }

    void kycEventsMapToKycStatus()
    {
        using merchant::KycStatus;
        QCOMPARE(merchant::toString(merchant::kycStatusAfterEvent("kyc.submitted", false).value()),
                 merchant::toString(KycStatus::Pending));
        QCOMPARE(merchant::toString(merchant::kycStatusAfterEvent("kyc.approved", false).value()),
                 merchant::toString(KycStatus::Verified));
        QCOMPARE(merchant::toString(merchant::kycStatusAfterEvent("kyc.rejected", false).value()),
                 merchant::toString(KycStatus::Rejected));
        QCOMPARE(merchant::toString(merchant::kycStatusAfterEvent("kyc.expired", false).value()),
                 merchant::toString(KycStatus::Expired));
        // A merchant still verified at a lower level stays verified while an upgrade is reviewed.
        for (const char *type : {"kyc.submitted", "kyc.rejected", "kyc.expired", "kyc.approved"})
            QCOMPARE(merchant::toString(merchant::kycStatusAfterEvent(type, true).value()),
                     merchant::toString(KycStatus::Verified));
        QVERIFY(!merchant::kycStatusAfterEvent("kyc.unknown", false));
    }

    void statusNamesRoundTrip()
    {
        for (const QString &name : merchant::merchantStatusNames())
            QCOMPARE(merchant::toString(*merchant::merchantStatusFrom(name)), name);
        for (const QString &name : merchant::kycStatusNames())
            QCOMPARE(merchant::toString(*merchant::kycStatusFrom(name)), name);
        QVERIFY(!merchant::merchantStatusFrom("Active"));
    }

    void tierTableMatchesTheSpec()
    {
        using merchant::Tier;
        const auto &starter = merchant::tierPolicy(Tier::Starter);
        QCOMPARE(starter.singleLimitMinor, 1'000'000);
        QCOMPARE(starter.dailyLimitMinor, 10'000'000);
        QCOMPARE(starter.monthlyLimitMinor, 30'000'000);
        QCOMPARE(starter.feeRateBps, 80);
        QCOMPARE(starter.minFeeMinor, 100);
        QCOMPARE(starter.apiRequestsPerMinute, 100);
        QVERIFY(!starter.autoSettle);
        QCOMPARE(merchant::tierPolicy(Tier::Business).feeRateBps, 60);
        QCOMPARE(merchant::tierPolicy(Tier::Enterprise).feeRateBps, 45);
        QCOMPARE(QString::fromLatin1(merchant::tierPolicy(Tier::Enterprise).settlementCycle),
                 QStringLiteral("T+0"));
        const auto &premium = merchant::tierPolicy(Tier::Premium);
        QCOMPARE(premium.feeRateBps, 30);
        QCOMPARE(premium.monthlyLimitMinor, Q_INT64_C(3'000'000'000));
        QCOMPARE(premium.apiKeysMax, 50);
        QCOMPARE(QString::fromLatin1(premium.settlementCycle), QStringLiteral("D+0"));
        // Higher tiers never grant less.
        for (int t = 1; t < 4; ++t) {
            const auto &lower = merchant::tierPolicy(Tier(t - 1));
            const auto &higher = merchant::tierPolicy(Tier(t));
            QVERIFY(higher.singleLimitMinor > lower.singleLimitMinor);
            QVERIFY(higher.feeRateBps < lower.feeRateBps);
            QVERIFY(higher.tier == Tier(t));
        }
        QCOMPARE(merchant::tierNames(), QStringList({"starter", "business", "enterprise", "premium"}));
        QVERIFY(!merchant::tierFrom("gold"));
        QCOMPARE(merchant::toJson(premium).value("fee_rate_bps").toInt(), 30);
    }

    void merchantFieldRules()
    {
        QVERIFY(merchant::isValidEmail("ops@shop.example.com"));
        QVERIFY(!merchant::isValidEmail("ops@localhost"));
        QVERIFY(!merchant::isValidEmail("no at sign"));
        QVERIFY(merchant::isValidCountry("DE"));
        QVERIFY(!merchant::isValidCountry("de"));
        QVERIFY(!merchant::isValidCountry("DEU"));
        QVERIFY(!merchant::isValidCountry("XX"));
        QVERIFY(merchant::isValidWebsite("https://shop.example.com/about"));
        QVERIFY(!merchant::isValidWebsite("ftp://shop.example.com"));
        QVERIFY(!merchant::isValidWebsite("shop.example.com"));
        QVERIFY(merchant::isSupportedCurrency("EUR"));
        QVERIFY(!merchant::isSupportedCurrency("eur"));
        QVERIFY(!merchant::isSupportedCurrency("XYZ"));
    }

    void ibanCheckDigitsAreVerified()
    {
        QVERIFY(merchant::isValidIban(merchant::normalizeIban("DE89 3704 0044 0532 0130 00")));
        QVERIFY(merchant::isValidIban(merchant::normalizeIban("gb82 west 1234 5698 7654 32")));
        QVERIFY(!merchant::isValidIban(merchant::normalizeIban("DE88 3704 0044 0532 0130 00")));
        QVERIFY(!merchant::isValidIban("DE89"));
        QCOMPARE(merchant::maskAccountNumber("DE89370400440532013000", true), QStringLiteral("DE89****3000"));
        QCOMPARE(merchant::maskAccountNumber("123456789", false), QStringLiteral("****6789"));
        QVERIFY(merchant::isValidAccountNumber("123456789"));
        QVERIFY(!merchant::isValidAccountNumber("12AB"));
    }

    void everyKycCaseTransitionIsLegalOnlyWhenListed()
    {
        using kyc::CaseStatus;
        const QSet<QPair<int, int>> legal{{int(CaseStatus::Pending), int(CaseStatus::Approved)},
                                          {int(CaseStatus::Pending), int(CaseStatus::Rejected)},
                                          {int(CaseStatus::Approved), int(CaseStatus::Expired)}};
        for (int from = 0; from < 4; ++from) {
            for (int to = 0; to < 4; ++to) {
                const bool expected = legal.contains({from, to});
                QCOMPARE(kyc::isLegalCaseTransition(CaseStatus(from), CaseStatus(to)), expected);
                QCOMPARE(kyc::checkCaseTransition(CaseStatus(from), CaseStatus(to), "reason"),
                         expected ? kyc::CaseVerdict::Allowed : kyc::CaseVerdict::Illegal);
            }
        }
        QCOMPARE(kyc::checkCaseTransition(CaseStatus::Approved, CaseStatus::Approved, "again"),
                 kyc::CaseVerdict::Illegal);
    }

    void rejectingACaseNeedsAReasonApprovingDoesNot()
    {
        using kyc::CaseStatus;
        QCOMPARE(kyc::checkCaseTransition(CaseStatus::Pending, CaseStatus::Rejected, " "),
                 kyc::CaseVerdict::ReasonRequired);
        QCOMPARE(kyc::checkCaseTransition(CaseStatus::Pending, CaseStatus::Approved, {}),
                 kyc::CaseVerdict::Allowed);
    }

    void approvalsExpireAfterAYear()
    {
        const QDateTime approved(QDate(2025, 3, 1), QTime(12, 0), Qt::UTC);
        QVERIFY(!kyc::approvalExpired(approved, approved.addDays(364)));
        QVERIFY(!kyc::approvalExpired(approved, approved.addDays(365).addSecs(-1)));
        QVERIFY(kyc::approvalExpired(approved, approved.addDays(365)));
        QVERIFY(kyc::approvalExpired(approved, approved.addDays(400)));
    }

    void levelLimitsMatchTheSpec()
    {
        using kyc::KycLevel;
        QCOMPARE(kyc::levelLimits(KycLevel::Basic).singleMinor, 1'000'000);
        QCOMPARE(kyc::levelLimits(KycLevel::Basic).dailyMinor, 5'000'000);
        QCOMPARE(kyc::levelLimits(KycLevel::Basic).monthlyMinor, 100'000'000);
        QCOMPARE(kyc::levelLimits(KycLevel::Intermediate).monthlyMinor, Q_INT64_C(1'000'000'000));
        QCOMPARE(kyc::levelLimits(KycLevel::Advanced).dailyMinor, Q_INT64_C(500'000'000));
        QCOMPARE(kyc::levelLimits(KycLevel::Enterprise).monthlyMinor, Q_INT64_C(100'000'000'000));
        QCOMPARE(kyc::toJson(KycLevel::Intermediate).value("single_limit_minor").toInteger(), 10'000'000);
        QVERIFY(kyc::nextLevel(KycLevel::Basic) == KycLevel::Intermediate);
        QVERIFY(!kyc::nextLevel(KycLevel::Enterprise));
    }

    void levelRequirementsAreCumulative()
    {
        using kyc::DocumentType;
        using kyc::KycLevel;
        QVERIFY(kyc::missingDocuments(KycLevel::Basic, {}).isEmpty());
        QCOMPARE(kyc::missingDocuments(KycLevel::Intermediate, {}), QStringList{"id_card|passport"});
        QVERIFY(kyc::missingDocuments(KycLevel::Intermediate, {DocumentType::Passport}).isEmpty());
        QCOMPARE(kyc::missingDocuments(KycLevel::Intermediate, {DocumentType::DriverLicense}),
                 QStringList{"id_card|passport"});
        QCOMPARE(kyc::missingDocuments(KycLevel::Advanced, {DocumentType::IdCard}),
                 QStringList{"business_license"});
        QCOMPARE(kyc::missingDocuments(KycLevel::Enterprise,
                                       {DocumentType::IdCard, DocumentType::BusinessLicense}),
                 QStringList({"tax_cert", "bank_statement"}));
        QVERIFY(
            kyc::missingDocuments(KycLevel::Enterprise, {DocumentType::IdCard, DocumentType::BusinessLicense,
                                                         DocumentType::TaxCert, DocumentType::BankStatement})
                .isEmpty());
    }

    void documentBytesMustMatchTheDeclaredType()
    {
        const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + "rest";
        const QByteArray jpeg = QByteArray("\xff\xd8\xff\xe0", 4) + "rest";
        const QByteArray pdf = "%PDF-1.7\n";
        QVERIFY(kyc::matchesMagicNumber("image/png", png));
        QVERIFY(kyc::matchesMagicNumber("image/jpeg", jpeg));
        QVERIFY(kyc::matchesMagicNumber("application/pdf", pdf));
        QVERIFY(!kyc::matchesMagicNumber("image/png", pdf));
        QVERIFY(!kyc::matchesMagicNumber("image/jpeg", png));
        QVERIFY(!kyc::matchesMagicNumber("application/pdf", jpeg));
        QVERIFY(!kyc::matchesMagicNumber("image/png", png.left(7))); // truncated signature
        QVERIFY(!kyc::matchesMagicNumber("image/gif", "GIF89a"));
        QVERIFY(!kyc::matchesMagicNumber("application/pdf", "MZ\x90"));
        QCOMPARE(kyc::fileExtension("image/jpeg"), QStringLiteral("jpg"));
        QCOMPARE(kyc::fileExtension("text/html"), QString());
        QCOMPARE(kyc::kDocumentBytesMax, 5 * 1024 * 1024);
    }
};

QTEST_GUILESS_MAIN(MerchantKycDomainTest)
#include "tst_merchant_kyc_domain.moc"
