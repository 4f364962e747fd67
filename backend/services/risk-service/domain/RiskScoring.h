#pragma once
// The arithmetic of a risk check (spec §4.6 / summary #9), free of I/O so that it is unit-tested:
// what a check asks about, rule conditions, the factor scores, levels and the decision.

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::risk {

// The fields of POST /internal/v1/risk/check, normalised (see the normalise functions below).
struct CheckInput
{
    QString merchantId;
    QString paymentNo;
    qint64 amountMinor = 0;
    QString currency;
    QString payMethod; // lower case
    QString email;     // lower case
    QString ip;
    QString phone; // digits with an optional leading +
    QString deviceId;
    QString cardBin;
    QString cardFingerprint;
    QString cardCountry; // upper case
    QString ipCountry;   // upper case

    QJsonObject toJson() const;
};

// Lower-cases emails and pay methods, upper-cases country codes, strips phone formatting.
QString normaliseEmail(const QString &email);
QString normalisePhone(const QString &phone);
QString normaliseValue(const QString &entityType, const QString &value);

// Blacklist entity types and the (type, value) pairs of a check that are looked up.
const QStringList &blacklistTypes();
QList<QPair<QString, QString>> blacklistKeys(const CheckInput &input);

// ---- rules ----
struct RuleConditions
{
    std::optional<qint64> amountMin; // inclusive
    std::optional<qint64> amountMax; // inclusive
    QString currency;
    QString paymentMethod;
    QString ipPrefix;
    QString emailDomain;
    QString merchantId;
    QString cardCountry;

    bool isEmpty() const;
    // Every present condition matches; a condition on a field the check lacks does not match.
    bool matches(const CheckInput &input) const;
    QJsonObject toJson() const;
    // Unknown keys or wrong types are errors (listed in *errors as "field: message").
    static std::optional<RuleConditions> fromJson(const QJsonObject &object, QStringList *errors);
};

enum class RuleAction { Reject, Review };
QString actionName(RuleAction action);
std::optional<RuleAction> actionFromName(const QString &name);

struct Rule
{
    qint64 id = 0;
    QString name;
    int priority = 100;
    RuleConditions conditions;
    RuleAction action = RuleAction::Review;
};

// The first rule (in priority, then id order) whose conditions match; rules must be enabled ones.
const Rule *firstMatch(const QList<Rule> &rules, const CheckInput &input);

// ---- thresholds (risk_settings) ----
struct Thresholds
{
    qint64 largeAmountMinor = 1'000'000;
    qint64 velocityIpMax = 10, velocityIpWindowS = 60;
    qint64 velocityMerchantMax = 100, velocityMerchantWindowS = 60;
    qint64 velocityDeviceMax = 30, velocityDeviceWindowS = 3600;
    qint64 velocityEmailMax = 5, velocityEmailWindowS = 600;
    qint64 deviceEmailsMax = 5, deviceEmailsTtlS = 30 * 86400;
    qint64 deviceMerchantsMax = 10, deviceMerchantsTtlS = 30 * 86400;
    qint64 deviceIpsMax = 20, deviceIpsTtlS = 86400;

    // Applies the risk_settings rows it knows; unknown names are ignored.
    void apply(const QHash<QString, qint64> &settings);
};

struct Factors;

// ---- Redis probes of one check (velocity counters, device sets) ----
struct RedisProbe
{
    bool isSet = false; // false: INCR counter `key` with window lifetimeS; true: SADD member to set `key`
    QString factor;     // counters: ip | merchant | device | email; sets: emails | merchants | ips
    QByteArray key;     // risk:freq:<factor>:<value> or risk:device:<factor>:<device_id>
    QByteArray member;  // sets only
    qint64 max = 0;     // above this count / set size the factor is hit
    qint64 lifetimeS = 0;
};
// Counters first, then sets, for the fields the check carries (sets only with a device_id).
QList<RedisProbe> redisProbes(const CheckInput &input, const Thresholds &thresholds);
// Marks velocityHits / deviceAnomalies from the counts Redis returned in probe order.
void applyRedisCounts(const QList<RedisProbe> &probes, const QList<qint64> &counts, Factors *factors);

// ---- geography (local lists, no network) ----
bool isHighRiskCountry(const QString &countryCode);
bool isTorExit(const QString &ip);
const QStringList &highRiskCountries();
const QStringList &torExitPrefixes();

// ---- scoring ----
inline constexpr int kBlacklistScore = 100;
inline constexpr int kLargeAmountScore = 20;
inline constexpr int kVelocityScore = 15;
inline constexpr int kDeviceScore = 10;
inline constexpr int kGeoScore = 10;
inline constexpr int kRuleRejectScore = 50;
inline constexpr int kRuleReviewScore = 25;

enum class Level { Low, Medium, High, Critical };
enum class Decision { Pass, Review, Reject };
QString levelName(Level level);
QString decisionName(Decision decision);
Level levelFor(int score); // 0-20 low, 21-50 medium, 51-80 high, >= 81 critical

// What the factors found; score() adds them up.
struct Factors
{
    QStringList blacklistHits; // entity types
    bool largeAmount = false;
    QStringList velocityHits; // ip | merchant | device | email
    bool velocityUnavailable = false;
    QStringList deviceAnomalies; // emails | merchants | ips
    QStringList geoHits;         // ip_country | card_country | tor
    std::optional<Rule> rule;    // the first matching rule

    bool blacklisted() const { return !blacklistHits.isEmpty(); }
};

// ip_country | card_country | tor, for the check's countries and IP.
QStringList geoHits(const CheckInput &input);

struct Assessment
{
    int score = 0; // 0..100
    Level level = Level::Low;
    Decision decision = Decision::Pass;
    QStringList reasons;      // stable codes, see README
    QJsonObject factorScores; // {"blacklist":0,"amount":20,...}
};

// Blacklist: 100 and reject. Otherwise the sum of the factors (each counted once), capped at 100;
// reject when a rule forces it or the level is critical, pass when low, review otherwise.
Assessment assess(const Factors &factors);

} // namespace paydesk::services::risk
