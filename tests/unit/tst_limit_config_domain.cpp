// Pure rules of merchant-limit-service and config-service: effective limits (tier, KYC level,
// override), UTC usage windows, warning thresholds, config keys and values, flag bucketing.

#include "services/config-service/domain/ConfigRules.h"
#include "services/merchant-limit-service/domain/LimitPolicy.h"

#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::services;

class LimitConfigDomainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void effectiveLimitIsTheMinimumOfTierAndKycLevel()
    {
        const limits::EffectiveLimits e = limits::effectiveLimits("starter", "basic", {});
        QCOMPARE(e.limits.singleMaxMinor, 1'000'000);   // tier 1 M = KYC 1 M
        QCOMPARE(e.limits.dailyMaxMinor, 5'000'000);    // KYC basic 5 M < starter 10 M
        QCOMPARE(e.limits.monthlyMaxMinor, 30'000'000); // starter 30 M < KYC 100 M
        QCOMPARE(e.limits.dailyCountMax, 1'000);
        QCOMPARE(e.sources.value("daily_max_minor").toString(), QStringLiteral("kyc"));
        QCOMPARE(e.sources.value("monthly_max_minor").toString(), QStringLiteral("tier"));

        const limits::EffectiveLimits p = limits::effectiveLimits("premium", "intermediate", {});
        QCOMPARE(p.limits.singleMaxMinor, 10'000'000); // KYC intermediate caps premium's 100 M
        QCOMPARE(p.limits.dailyMaxMinor, 50'000'000);
        QCOMPARE(p.limits.monthlyMaxMinor, 1'000'000'000);
        const limits::EffectiveLimits top = limits::effectiveLimits("premium", "enterprise", {});
        QCOMPARE(top.limits.monthlyMaxMinor, 3'000'000'000); // tier caps the enterprise KYC level
    }

    void overrideBeatsTierAndKycFieldByField()
    {
        limits::LimitOverride o;
        o.dailyMaxMinor = 99'000'000; // above both tier and KYC: an override may raise a limit
        o.singleMaxMinor = 0;         // and may block entirely
        const limits::EffectiveLimits e = limits::effectiveLimits("starter", "basic", o);
        QCOMPARE(e.limits.dailyMaxMinor, 99'000'000);
        QCOMPARE(e.limits.singleMaxMinor, 0);
        QCOMPARE(e.limits.monthlyMaxMinor, 30'000'000); // not overridden
        QCOMPARE(e.sources.value("daily_max_minor").toString(), QStringLiteral("override"));
        QCOMPARE(e.sources.value("monthly_max_minor").toString(), QStringLiteral("tier"));
    }

    void unknownTierAndLevelGetTheMostRestrictiveRows()
    {
        QCOMPARE(limits::effectiveLimits("", "", {}).limits,
                 limits::effectiveLimits("starter", "basic", {}).limits);
        QCOMPARE(limits::effectiveLimits("gold", "ultra", {}).limits,
                 limits::effectiveLimits("starter", "basic", {}).limits);
        QVERIFY(limits::tierDefaults("business"));
        QVERIFY(!limits::tierDefaults("basic")); // basic is a KYC level, not a merchant tier
        QCOMPARE(limits::kycLevelNames(), (QStringList{"basic", "intermediate", "advanced", "enterprise"}));
    }

    void windowsStartAndEndAtUtcMidnight()
    {
        using limits::Window;
        const QDateTime lastMs(QDate(2026, 1, 31), QTime(23, 59, 59, 999), QTimeZone::utc());
        QCOMPARE(limits::windowStart(Window::Day, lastMs), QDate(2026, 1, 31));
        QCOMPARE(limits::windowStart(Window::Month, lastMs), QDate(2026, 1, 1));
        const QDateTime next = lastMs.addMSecs(1);
        QCOMPARE(limits::windowStart(Window::Day, next), QDate(2026, 2, 1));
        QCOMPARE(limits::windowStart(Window::Month, next), QDate(2026, 2, 1));
        QCOMPARE(limits::windowEnd(Window::Day, QDate(2026, 1, 31)), next);
        QCOMPARE(limits::windowEnd(Window::Month, QDate(2026, 1, 1)), next);
        QCOMPARE(limits::windowEnd(Window::Month, QDate(2026, 12, 1)),
                 QDateTime(QDate(2027, 1, 1), QTime(0, 0), QTimeZone::utc()));
        QCOMPARE(limits::windowEnd(Window::Day, QDate(2028, 2, 28)),
                 QDateTime(QDate(2028, 2, 29), QTime(0, 0), QTimeZone::utc())); // leap day
        // A local time past midnight east of UTC still counts in the UTC day and month before.
        const QDateTime athens(QDate(2026, 3, 1), QTime(1, 0), QTimeZone(7200)); // 23:00 UTC on Feb 28
        QCOMPARE(limits::windowStart(Window::Day, athens), QDate(2026, 2, 28));
        QCOMPARE(limits::windowStart(Window::Month, athens), QDate(2026, 2, 1));
    }

    void warningLevelsAt80And95Percent()
    {
        QCOMPARE(limits::warningLevel(79, 100), 0);
        QCOMPARE(limits::warningLevel(80, 100), 80);
        QCOMPARE(limits::warningLevel(94, 100), 80);
        QCOMPARE(limits::warningLevel(95, 100), 95);
        QCOMPARE(limits::warningLevel(7, 9), 0);  // 77.8 %
        QCOMPARE(limits::warningLevel(8, 9), 80); // 88.9 %: 8*100 >= 9*80
        QCOMPARE(limits::warningLevel(0, 0), 0);
        QCOMPARE(limits::warningLevel(1, 0), 95);
        constexpr qint64 big = std::numeric_limits<qint64>::max();
        QCOMPARE(limits::warningLevel(big, big), 95); // no overflow near INT64_MAX
        QCOMPARE(limits::warningLevel(big / 100 * 79, big), 0);
    }

    void configKeysAndValues()
    {
        QVERIFY(config::isValidKey("payments.retry_max-2"));
        QVERIFY(!config::isValidKey("Payments.retry"));
        QVERIFY(!config::isValidKey("a b"));
        QVERIFY(!config::isValidKey(""));
        QVERIFY(config::isValidKey(QString(128, u'a')));
        QVERIFY(!config::isValidKey(QString(129, u'a')));
        for (const QJsonValue &v : {QJsonValue("text"), QJsonValue(42), QJsonValue(), QJsonValue(true),
                                    QJsonValue(QJsonObject{{"a", QJsonArray{1, 2}}})}) {
            QJsonValue back;
            QVERIFY(config::valueFromJson(config::valueToJson(v), &back));
            QCOMPARE(back, v);
        }
        QCOMPARE(config::valueToJson(QJsonValue("x")), QByteArray("\"x\""));
        QJsonValue ignored;
        QVERIFY(!config::valueFromJson("1, 2", &ignored));
    }

    void flagBucketIsStableAcrossProcessesAndMachines()
    {
        // Pinned to values computed independently (Python hashlib): SHA-256 of "name:merchant",
        // first 4 bytes big-endian, mod 100.
        QCOMPARE(config::rolloutBucket("checkout.v2", "m-1"), 37);
        QCOMPARE(config::rolloutBucket("checkout.v2", "merchant-42"), 7);
        QCOMPARE(config::rolloutBucket("new-router", "m-1"), 97);
    }

    void flagRolloutHitsAboutItsPercentage()
    {
        for (const int percent : {0, 10, 30, 75, 100}) {
            config::FeatureFlag flag{"rollout.test", true, percent, {}, {}};
            int on = 0;
            for (int i = 0; i < 10'000; ++i)
                on += config::evaluateFlag(flag, QStringLiteral("m-%1").arg(i)).enabled ? 1 : 0;
            // Binomial standard deviation is at most 50 for 10,000 draws: ±250 is 5 sigma.
            QVERIFY2(qAbs(on - percent * 100) <= 250,
                     qPrintable(QStringLiteral("%1 %: %2 of 10000").arg(percent).arg(on)));
            if (percent == 0 || percent == 100)
                QCOMPARE(on, percent * 100);
        }
    }

    void denyListBeatsAllowListBeatsRollout()
    {
        config::FeatureFlag flag{"f", false, 100, {"m-allowed", "m-both"}, {"m-denied", "m-both"}};
        QCOMPARE(config::evaluateFlag(flag, "m-both").enabled, false);
        QCOMPARE(config::evaluateFlag(flag, "m-both").reason, QStringLiteral("deny_list"));
        QCOMPARE(config::evaluateFlag(flag, "m-allowed").enabled, true); // even while disabled
        QCOMPARE(config::evaluateFlag(flag, "m-other").reason, QStringLiteral("disabled"));
        flag.enabled = true;
        QCOMPARE(config::evaluateFlag(flag, "m-other").enabled, true);
        QCOMPARE(config::evaluateFlag(flag, "m-denied").enabled, false);
    }
};

QTEST_GUILESS_MAIN(LimitConfigDomainTest)
#include "tst_limit_config_domain.moc"
