// Pure rules of risk-service and order-service: score arithmetic, levels and decisions, rule
// conditions and priority, normalisation, geography lists; the order state machine.

#include "services/order-service/domain/OrderStateMachine.h"
#include "services/risk-service/domain/RiskScoring.h"

#include <QJsonArray>
#include <QTest>

using namespace paydesk::services;
using risk::Factors;

namespace {
risk::CheckInput input()
{
    risk::CheckInput in;
    in.merchantId = "m1";
    in.paymentNo = "PY1";
    in.amountMinor = 5000;
    in.currency = "USD";
    in.payMethod = "card";
    in.email = "alice@example.com";
    in.ip = "203.0.113.7";
    in.cardCountry = "US";
    return in;
}

risk::Rule rule(qint64 id, int priority, const QJsonObject &conditions, risk::RuleAction action)
{
    QStringList errors;
    const auto parsed = risk::RuleConditions::fromJson(conditions, &errors);
    if (!parsed)
        qWarning() << errors;
    return {id, QString("r%1").arg(id), priority, parsed.value_or(risk::RuleConditions{}), action};
}
} // namespace

class RiskOrdersDomainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void levelsHaveTheSpecBoundaries()
    {
        QCOMPARE(risk::levelFor(0), risk::Level::Low);
        QCOMPARE(risk::levelFor(20), risk::Level::Low);
        QCOMPARE(risk::levelFor(21), risk::Level::Medium);
        QCOMPARE(risk::levelFor(50), risk::Level::Medium);
        QCOMPARE(risk::levelFor(51), risk::Level::High);
        QCOMPARE(risk::levelFor(80), risk::Level::High);
        QCOMPARE(risk::levelFor(81), risk::Level::Critical);
        QCOMPARE(risk::levelFor(100), risk::Level::Critical);
    }

    void nothingFoundPasses()
    {
        const risk::Assessment a = risk::assess({});
        QCOMPARE(a.score, 0);
        QCOMPARE(a.decision, risk::Decision::Pass);
        QVERIFY(a.reasons.isEmpty());
    }

    void factorsAddUpOnceEach()
    {
        Factors f;
        f.largeAmount = true;                              // 20
        f.velocityHits = {"ip", "email"};                  // 15 once
        f.deviceAnomalies = {"emails"};                    // 10
        f.geoHits = {"ip_country", "card_country", "tor"}; // 10 once
        const risk::Assessment a = risk::assess(f);
        QCOMPARE(a.score, 55);
        QCOMPARE(a.level, risk::Level::High);
        QCOMPARE(a.decision, risk::Decision::Review);
        QCOMPARE(a.reasons,
                 QStringList({"large_amount", "velocity_ip", "velocity_email", "device_many_emails",
                              "geo_high_risk_ip_country", "geo_high_risk_card_country", "geo_tor_exit"}));
        QCOMPARE(a.factorScores.value("velocity").toInt(), 15);
        QCOMPARE(a.factorScores.value("geo").toInt(), 10);
    }

    void largeAmountAloneIsLowAndPasses()
    {
        Factors f;
        f.largeAmount = true;
        const risk::Assessment a = risk::assess(f);
        QCOMPARE(a.score, 20);
        QCOMPARE(a.decision, risk::Decision::Pass);
        f.geoHits = {"tor"};
        QCOMPARE(risk::assess(f).score, 30);
        QCOMPARE(risk::assess(f).decision, risk::Decision::Review); // medium
    }

    void criticalRejectsWithoutAForcingFactor()
    {
        Factors f;
        f.largeAmount = true;                                         // 20
        f.velocityHits = {"ip"};                                      // 15
        f.deviceAnomalies = {"ips"};                                  // 10
        f.geoHits = {"tor"};                                          // 10
        f.rule = risk::Rule{1, "r", 1, {}, risk::RuleAction::Review}; // 25 → 80 high
        QCOMPARE(risk::assess(f).score, 80);
        QCOMPARE(risk::assess(f).decision, risk::Decision::Review);
        f.rule->action = risk::RuleAction::Reject; // 50 → 105 capped to 100, critical
        const risk::Assessment a = risk::assess(f);
        QCOMPARE(a.score, 100);
        QCOMPARE(a.level, risk::Level::Critical);
        QCOMPARE(a.decision, risk::Decision::Reject);
        QVERIFY(a.reasons.contains("rule_reject"));
    }

    void ruleRejectForcesRejectAtAnyLevel()
    {
        Factors f;
        f.rule = risk::Rule{1, "r", 1, {}, risk::RuleAction::Reject};
        const risk::Assessment a = risk::assess(f);
        QCOMPARE(a.score, 50);
        QCOMPARE(a.level, risk::Level::Medium);
        QCOMPARE(a.decision, risk::Decision::Reject);
        f.rule->action = risk::RuleAction::Review;
        QCOMPARE(risk::assess(f).score, 25);
        QCOMPARE(risk::assess(f).decision, risk::Decision::Review);
    }

    void blacklistIsOneHundredAndRejectsAlone()
    {
        Factors f;
        f.blacklistHits = {"email", "device"};
        f.largeAmount = true; // ignored: a blacklist hit decides alone
        const risk::Assessment a = risk::assess(f);
        QCOMPARE(a.score, 100);
        QCOMPARE(a.decision, risk::Decision::Reject);
        QCOMPARE(a.reasons, QStringList({"blacklist_email", "blacklist_device"}));
        QCOMPARE(a.factorScores.value("amount").toInt(), 0);
    }

    void velocityUnavailableIsAReasonWithoutScore()
    {
        Factors f;
        f.velocityUnavailable = true;
        const risk::Assessment a = risk::assess(f);
        QCOMPARE(a.score, 0);
        QCOMPARE(a.decision, risk::Decision::Pass);
        QCOMPARE(a.reasons, QStringList{"velocity_unavailable"});
    }

    void everyPresentConditionMustMatch()
    {
        QStringList errors;
        auto c = risk::RuleConditions::fromJson({{"amount_min", 1000},
                                                 {"amount_max", 10000},
                                                 {"currency", "usd"},
                                                 {"payment_method", "CARD"},
                                                 {"ip_prefix", "203.0.113."},
                                                 {"email_domain", "Example.com"},
                                                 {"merchant_id", "m1"},
                                                 {"card_country", "us"}},
                                                &errors);
        QVERIFY2(c, qPrintable(errors.join(';')));
        QVERIFY(c->matches(input()));
        auto in = input();
        in.amountMinor = 10000; // bounds are inclusive
        QVERIFY(c->matches(in));
        in.amountMinor = 10001;
        QVERIFY(!c->matches(in));
        in = input();
        in.currency = "EUR";
        QVERIFY(!c->matches(in));
        in = input();
        in.ip = "198.51.100.1";
        QVERIFY(!c->matches(in));
        in = input();
        in.email = "alice@example.com.evil"; // domain equality, not substring
        QVERIFY(!c->matches(in));
        in = input();
        in.cardCountry.clear(); // a condition on a field the check lacks does not match
        QVERIFY(!c->matches(in));
        in = input();
        in.merchantId = "m2";
        QVERIFY(!c->matches(in));
    }

    void badConditionsAreRefused()
    {
        QStringList errors;
        QVERIFY(!risk::RuleConditions::fromJson({}, &errors)); // catch-all rules are not allowed
        errors.clear();
        QVERIFY(!risk::RuleConditions::fromJson({{"amount_min", 12.5}}, &errors));
        errors.clear();
        QVERIFY(!risk::RuleConditions::fromJson({{"colour", "red"}}, &errors));
        QVERIFY(errors.first().startsWith("colour"));
        errors.clear();
        QVERIFY(!risk::RuleConditions::fromJson({{"amount_min", 10}, {"amount_max", 5}}, &errors));
        errors.clear();
        QVERIFY(!risk::RuleConditions::fromJson({{"currency", 840}}, &errors));
    }

    void firstMatchByPriorityThenId()
    {
        const QList<risk::Rule> rules{rule(5, 20, {{"currency", "USD"}}, risk::RuleAction::Review),
                                      rule(3, 10, {{"currency", "EUR"}}, risk::RuleAction::Reject),
                                      rule(4, 20, {{"amount_min", 1}}, risk::RuleAction::Reject)};
        const risk::Rule *hit = risk::firstMatch(rules, input());
        QVERIFY(hit);
        QCOMPARE(hit->id, 4); // priority 20 ties, lower id wins; the EUR rule does not match
        auto in = input();
        in.currency = "EUR";
        QCOMPARE(risk::firstMatch(rules, in)->id, 3);
        in.amountMinor = 0;
        in.currency = "GBP";
        QVERIFY(!risk::firstMatch(rules, in));
    }

    void valuesAreNormalised()
    {
        QCOMPARE(risk::normaliseEmail("  Alice@Example.COM "), QStringLiteral("alice@example.com"));
        QCOMPARE(risk::normalisePhone("+1 (555) 010-9999"), QStringLiteral("+15550109999"));
        QCOMPARE(risk::normalisePhone("00+1"), QStringLiteral("001"));
        QCOMPARE(risk::normaliseValue("email", "A@B.C"), QStringLiteral("a@b.c"));
        QCOMPARE(risk::normaliseValue("ip", " 1.2.3.4 "), QStringLiteral("1.2.3.4"));
    }

    void geographyUsesLocalLists()
    {
        for (const char *country : {"KP", "IR", "SY", "SD", "CU", "ir"})
            QVERIFY2(risk::isHighRiskCountry(country), country);
        QVERIFY(!risk::isHighRiskCountry("US"));
        QVERIFY(!risk::isHighRiskCountry(""));
        QVERIFY(risk::isTorExit("185.220.101.33"));
        QVERIFY(!risk::isTorExit("185.22.101.33"));
        QVERIFY(!risk::isTorExit(""));
    }

    void redisProbesUseTheSpecKeysAndThresholds()
    {
        auto in = input();
        in.deviceId = "dev-9";
        risk::Thresholds t;
        const QList<risk::RedisProbe> probes = risk::redisProbes(in, t);
        QStringList keys;
        for (const risk::RedisProbe &p : probes)
            keys.append(QString::fromUtf8(p.key));
        QCOMPARE(keys,
                 QStringList({"risk:freq:ip:203.0.113.7", "risk:freq:merchant:m1", "risk:freq:device:dev-9",
                              "risk:freq:email:alice@example.com", "risk:device:emails:dev-9",
                              "risk:device:merchants:dev-9", "risk:device:ips:dev-9"}));
        QCOMPARE(probes[0].max, 10);
        QCOMPARE(probes[0].lifetimeS, 60);
        QCOMPARE(probes[2].lifetimeS, 3600);
        QCOMPARE(probes[3].max, 5);
        QCOMPARE(probes[3].lifetimeS, 600);
        QVERIFY(probes[4].isSet);
        QCOMPARE(probes[4].member, QByteArray("alice@example.com"));
        QCOMPARE(probes[6].lifetimeS, 86400);
        in.deviceId.clear(); // no device: neither its counter nor any set
        QCOMPARE(risk::redisProbes(in, t).size(), 3);

        Factors f;
        risk::applyRedisCounts(risk::redisProbes(input(), t), {11, 100, 6}, &f); // ip over, merchant at max
        QCOMPARE(f.velocityHits, QStringList({"ip", "email"}));
        Factors d;
        risk::applyRedisCounts(probes, {1, 1, 1, 1, 6, 11, 20}, &d);
        QCOMPARE(d.deviceAnomalies, QStringList({"emails", "merchants"}));
        QVERIFY(d.velocityHits.isEmpty());
    }

    void geoHitsNameEachSource()
    {
        auto in = input();
        QVERIFY(risk::geoHits(in).isEmpty());
        in.ipCountry = "SY";
        in.cardCountry = "SD";
        in.ip = "185.220.100.1";
        QCOMPARE(risk::geoHits(in), QStringList({"ip_country", "card_country", "tor"}));
    }

    void thresholdsComeFromSettings()
    {
        risk::Thresholds t;
        QCOMPARE(t.velocityIpMax, 10);
        t.apply({{"velocity_ip_max", 3}, {"large_amount_minor", 500}, {"unknown", 1}});
        QCOMPARE(t.velocityIpMax, 3);
        QCOMPARE(t.largeAmountMinor, 500);
        QCOMPARE(t.velocityEmailMax, 5);
    }

    void blacklistKeysCoverEveryPresentField()
    {
        auto in = input();
        in.deviceId = "dev";
        in.cardBin = "424242";
        const auto keys = risk::blacklistKeys(in);
        QCOMPARE(keys.size(), 4); // email, ip, card_bin, device (no phone, no fingerprint)
        QVERIFY(keys.contains(qMakePair(QString("card_bin"), QString("424242"))));
    }

    // ---- orders ----

    void payOnlyFromPending()
    {
        orders::OrderState s;
        s.amountMinor = 1000;
        s.paymentNo = "PY1";
        auto t = orders::transition(s, orders::OrderAction::Pay, "PY1");
        QCOMPARE(t.kind, orders::Transition::Kind::Apply);
        QCOMPARE(t.after.status, QStringLiteral("paid"));
        QCOMPARE(t.after.payStatus, QStringLiteral("paid"));
        QCOMPARE(t.eventType, QStringLiteral("order.paid"));
        QCOMPARE(orders::transition(t.after, orders::OrderAction::Pay, "PY1").kind,
                 orders::Transition::Kind::Replay);
        QCOMPARE(orders::transition(s, orders::OrderAction::Pay, "PY2").kind,
                 orders::Transition::Kind::PaymentMismatch);
        for (const char *status : {"cancelled", "expired"}) {
            orders::OrderState closed = s;
            closed.status = status;
            QCOMPARE(orders::transition(closed, orders::OrderAction::Pay, "PY1").kind,
                     orders::Transition::Kind::Illegal);
        }
    }

    void cancelExpireFailOnlyFromPending()
    {
        orders::OrderState s;
        s.amountMinor = 1000;
        const auto cancel = orders::transition(s, orders::OrderAction::Cancel);
        QCOMPARE(cancel.after.status, QStringLiteral("cancelled"));
        QCOMPARE(cancel.after.payStatus, QStringLiteral("pending"));
        QCOMPARE(orders::transition(cancel.after, orders::OrderAction::Cancel).kind,
                 orders::Transition::Kind::Replay);
        QCOMPARE(orders::transition(cancel.after, orders::OrderAction::Expire).kind,
                 orders::Transition::Kind::Illegal);
        const auto fail = orders::transition(s, orders::OrderAction::Fail);
        QCOMPARE(fail.after.status, QStringLiteral("cancelled"));
        QCOMPARE(fail.after.payStatus, QStringLiteral("failed"));
        QCOMPARE(fail.eventType, QStringLiteral("order.cancelled"));
        QCOMPARE(orders::transition(fail.after, orders::OrderAction::Fail).kind,
                 orders::Transition::Kind::Replay);
        QCOMPARE(orders::transition(fail.after, orders::OrderAction::Cancel).kind,
                 orders::Transition::Kind::Illegal);
        const auto expire = orders::transition(s, orders::OrderAction::Expire);
        QCOMPARE(expire.after.status, QStringLiteral("expired"));
        QCOMPARE(expire.eventType, QStringLiteral("order.expired"));
        orders::OrderState paid = s;
        paid.status = paid.payStatus = "paid";
        for (auto action :
             {orders::OrderAction::Cancel, orders::OrderAction::Expire, orders::OrderAction::Fail})
            QCOMPARE(orders::transition(paid, action).kind, orders::Transition::Kind::Illegal);
    }

    void refundsArePartialThenFullAndNeverAboveTheAmount()
    {
        orders::OrderState s;
        s.amountMinor = 1000;
        QCOMPARE(orders::transition(s, orders::OrderAction::Refund, {}, 100).kind,
                 orders::Transition::Kind::Illegal); // not paid
        s.status = s.payStatus = "paid";
        auto partial = orders::transition(s, orders::OrderAction::Refund, {}, 400);
        QCOMPARE(partial.kind, orders::Transition::Kind::Apply);
        QCOMPARE(partial.after.status, QStringLiteral("paid"));
        QCOMPARE(partial.after.payStatus, QStringLiteral("partial_refunded"));
        QCOMPARE(partial.after.refundedMinor, 400);
        QCOMPARE(partial.eventType, QStringLiteral("order.refunded"));
        QCOMPARE(orders::transition(partial.after, orders::OrderAction::Refund, {}, 601).kind,
                 orders::Transition::Kind::RefundTooLarge);
        auto full = orders::transition(partial.after, orders::OrderAction::Refund, {}, 600);
        QCOMPARE(full.after.status, QStringLiteral("refunded"));
        QCOMPARE(full.after.payStatus, QStringLiteral("refunded"));
        QCOMPARE(full.after.refundedMinor, 1000);
        QCOMPARE(orders::transition(full.after, orders::OrderAction::Refund, {}, 1).kind,
                 orders::Transition::Kind::Illegal);
        QCOMPARE(orders::transition(s, orders::OrderAction::Refund, {}, 0).kind,
                 orders::Transition::Kind::BadAmount);
    }
};

QTEST_GUILESS_MAIN(RiskOrdersDomainTest)
#include "tst_risk_orders_domain.moc"
