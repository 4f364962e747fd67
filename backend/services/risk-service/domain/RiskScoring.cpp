#include "services/risk-service/domain/RiskScoring.h"

#include <QJsonArray>

#include <algorithm>

namespace paydesk::services::risk {

QJsonObject CheckInput::toJson() const
{
    QJsonObject o{{QStringLiteral("merchant_id"), merchantId},
                  {QStringLiteral("payment_no"), paymentNo},
                  {QStringLiteral("amount_minor"), amountMinor},
                  {QStringLiteral("currency"), currency}};
    const QPair<const char *, const QString *> optional[] = {{"pay_method", &payMethod},
                                                             {"customer_email", &email},
                                                             {"customer_ip", &ip},
                                                             {"customer_phone", &phone},
                                                             {"device_id", &deviceId},
                                                             {"card_bin", &cardBin},
                                                             {"card_fingerprint", &cardFingerprint},
                                                             {"card_country", &cardCountry},
                                                             {"ip_country", &ipCountry}};
    for (const auto &[name, value] : optional) {
        if (!value->isEmpty())
            o.insert(QLatin1String(name), *value);
    }
    return o;
}

QString normaliseEmail(const QString &email)
{
    return email.trimmed().toLower();
}

QString normalisePhone(const QString &phone)
{
    QString out;
    const QString trimmed = phone.trimmed();
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed.at(i);
        if (c.isDigit() || (c == u'+' && out.isEmpty()))
            out.append(c);
    }
    return out;
}

QString normaliseValue(const QString &entityType, const QString &value)
{
    if (entityType == QLatin1String("email"))
        return normaliseEmail(value);
    if (entityType == QLatin1String("phone"))
        return normalisePhone(value);
    return value.trimmed();
}

const QStringList &blacklistTypes()
{
    static const QStringList kTypes{QStringLiteral("email"),    QStringLiteral("ip"),
                                    QStringLiteral("card_bin"), QStringLiteral("card_fingerprint"),
                                    QStringLiteral("device"),   QStringLiteral("phone")};
    return kTypes;
}

QList<QPair<QString, QString>> blacklistKeys(const CheckInput &input)
{
    QList<QPair<QString, QString>> keys;
    const QPair<QString, const QString *> fields[] = {
        {QStringLiteral("email"), &input.email},
        {QStringLiteral("ip"), &input.ip},
        {QStringLiteral("card_bin"), &input.cardBin},
        {QStringLiteral("card_fingerprint"), &input.cardFingerprint},
        {QStringLiteral("device"), &input.deviceId},
        {QStringLiteral("phone"), &input.phone}};
    for (const auto &[type, value] : fields) {
        if (!value->isEmpty())
            keys.append({type, *value});
    }
    return keys;
}

// ---- rules ----

bool RuleConditions::isEmpty() const
{
    return !amountMin && !amountMax && currency.isEmpty() && paymentMethod.isEmpty() && ipPrefix.isEmpty() &&
           emailDomain.isEmpty() && merchantId.isEmpty() && cardCountry.isEmpty();
}

bool RuleConditions::matches(const CheckInput &input) const
{
    if (amountMin && input.amountMinor < *amountMin)
        return false;
    if (amountMax && input.amountMinor > *amountMax)
        return false;
    if (!currency.isEmpty() && input.currency != currency)
        return false;
    if (!paymentMethod.isEmpty() && input.payMethod != paymentMethod)
        return false;
    if (!ipPrefix.isEmpty() && (input.ip.isEmpty() || !input.ip.startsWith(ipPrefix)))
        return false;
    if (!emailDomain.isEmpty()) {
        const qsizetype at = input.email.lastIndexOf(u'@');
        if (at < 0 || input.email.mid(at + 1) != emailDomain)
            return false;
    }
    if (!merchantId.isEmpty() && input.merchantId != merchantId)
        return false;
    if (!cardCountry.isEmpty() && input.cardCountry != cardCountry)
        return false;
    return true;
}

QJsonObject RuleConditions::toJson() const
{
    QJsonObject o;
    if (amountMin)
        o.insert(QStringLiteral("amount_min"), *amountMin);
    if (amountMax)
        o.insert(QStringLiteral("amount_max"), *amountMax);
    const QPair<const char *, const QString *> strings[] = {
        {"currency", &currency},        {"payment_method", &paymentMethod}, {"ip_prefix", &ipPrefix},
        {"email_domain", &emailDomain}, {"merchant_id", &merchantId},       {"card_country", &cardCountry}};
    for (const auto &[name, value] : strings) {
        if (!value->isEmpty())
            o.insert(QLatin1String(name), *value);
    }
    return o;
}

std::optional<RuleConditions> RuleConditions::fromJson(const QJsonObject &object, QStringList *errors)
{
    RuleConditions c;
    const int before = errors->size();
    auto amount = [&](const QString &key, std::optional<qint64> *out) {
        const QJsonValue v = object.value(key);
        if (v.isUndefined() || v.isNull())
            return;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d != static_cast<double>(v.toInteger()))
            errors->append(key + QStringLiteral(": must be a non-negative integer (minor units)"));
        else
            *out = v.toInteger();
    };
    auto text = [&](const QString &key, QString *out, bool upper, bool lower, int maxLength) {
        const QJsonValue v = object.value(key);
        if (v.isUndefined() || v.isNull())
            return;
        const QString s = v.toString().trimmed();
        if (!v.isString() || s.isEmpty() || s.size() > maxLength)
            errors->append(
                key + QStringLiteral(": must be a non-empty string of at most %1 characters").arg(maxLength));
        else
            *out = upper ? s.toUpper() : lower ? s.toLower() : s;
    };
    static const QStringList kKnown{QStringLiteral("amount_min"),  QStringLiteral("amount_max"),
                                    QStringLiteral("currency"),    QStringLiteral("payment_method"),
                                    QStringLiteral("ip_prefix"),   QStringLiteral("email_domain"),
                                    QStringLiteral("merchant_id"), QStringLiteral("card_country")};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!kKnown.contains(it.key()))
            errors->append(it.key() + QStringLiteral(": unknown condition"));
    }
    amount(QStringLiteral("amount_min"), &c.amountMin);
    amount(QStringLiteral("amount_max"), &c.amountMax);
    text(QStringLiteral("currency"), &c.currency, true, false, 3);
    text(QStringLiteral("payment_method"), &c.paymentMethod, false, true, 32);
    text(QStringLiteral("ip_prefix"), &c.ipPrefix, false, false, 64);
    text(QStringLiteral("email_domain"), &c.emailDomain, false, true, 255);
    text(QStringLiteral("merchant_id"), &c.merchantId, false, false, 64);
    text(QStringLiteral("card_country"), &c.cardCountry, true, false, 2);
    if (c.amountMin && c.amountMax && *c.amountMin > *c.amountMax)
        errors->append(QStringLiteral("amount_min: must not be above amount_max"));
    if (errors->size() == before && c.isEmpty())
        errors->append(QStringLiteral("conditions: at least one condition is required"));
    if (errors->size() != before)
        return std::nullopt;
    return c;
}

QString actionName(RuleAction action)
{
    return action == RuleAction::Reject ? QStringLiteral("reject") : QStringLiteral("review");
}

std::optional<RuleAction> actionFromName(const QString &name)
{
    if (name == QLatin1String("reject"))
        return RuleAction::Reject;
    if (name == QLatin1String("review"))
        return RuleAction::Review;
    return std::nullopt;
}

const Rule *firstMatch(const QList<Rule> &rules, const CheckInput &input)
{
    const Rule *best = nullptr;
    for (const Rule &rule : rules) {
        if (!rule.conditions.matches(input))
            continue;
        if (!best || rule.priority < best->priority ||
            (rule.priority == best->priority && rule.id < best->id))
            best = &rule;
    }
    return best;
}

// ---- thresholds ----

void Thresholds::apply(const QHash<QString, qint64> &settings)
{
    const QPair<const char *, qint64 *> fields[] = {{"large_amount_minor", &largeAmountMinor},
                                                    {"velocity_ip_max", &velocityIpMax},
                                                    {"velocity_ip_window_s", &velocityIpWindowS},
                                                    {"velocity_merchant_max", &velocityMerchantMax},
                                                    {"velocity_merchant_window_s", &velocityMerchantWindowS},
                                                    {"velocity_device_max", &velocityDeviceMax},
                                                    {"velocity_device_window_s", &velocityDeviceWindowS},
                                                    {"velocity_email_max", &velocityEmailMax},
                                                    {"velocity_email_window_s", &velocityEmailWindowS},
                                                    {"device_emails_max", &deviceEmailsMax},
                                                    {"device_emails_ttl_s", &deviceEmailsTtlS},
                                                    {"device_merchants_max", &deviceMerchantsMax},
                                                    {"device_merchants_ttl_s", &deviceMerchantsTtlS},
                                                    {"device_ips_max", &deviceIpsMax},
                                                    {"device_ips_ttl_s", &deviceIpsTtlS}};
    for (const auto &[name, field] : fields) {
        const auto it = settings.constFind(QLatin1String(name));
        if (it != settings.constEnd())
            *field = it.value();
    }
}

// ---- Redis probes ----

QList<RedisProbe> redisProbes(const CheckInput &in, const Thresholds &t)
{
    QList<RedisProbe> probes;
    const struct
    {
        const char *factor;
        const QString &value;
        qint64 max;
        qint64 windowS;
    } counters[] = {{"ip", in.ip, t.velocityIpMax, t.velocityIpWindowS},
                    {"merchant", in.merchantId, t.velocityMerchantMax, t.velocityMerchantWindowS},
                    {"device", in.deviceId, t.velocityDeviceMax, t.velocityDeviceWindowS},
                    {"email", in.email, t.velocityEmailMax, t.velocityEmailWindowS}};
    for (const auto &c : counters) {
        if (!c.value.isEmpty())
            probes.append({false,
                           QLatin1String(c.factor),
                           QByteArray("risk:freq:") + c.factor + ':' + c.value.toUtf8(),
                           {},
                           c.max,
                           c.windowS});
    }
    if (in.deviceId.isEmpty())
        return probes;
    const struct
    {
        const char *factor;
        const QString &member;
        qint64 max;
        qint64 ttlS;
    } sets[] = {{"emails", in.email, t.deviceEmailsMax, t.deviceEmailsTtlS},
                {"merchants", in.merchantId, t.deviceMerchantsMax, t.deviceMerchantsTtlS},
                {"ips", in.ip, t.deviceIpsMax, t.deviceIpsTtlS}};
    for (const auto &s : sets) {
        if (!s.member.isEmpty())
            probes.append({true, QLatin1String(s.factor),
                           QByteArray("risk:device:") + s.factor + ':' + in.deviceId.toUtf8(),
                           s.member.toUtf8(), s.max, s.ttlS});
    }
    return probes;
}

void applyRedisCounts(const QList<RedisProbe> &probes, const QList<qint64> &counts, Factors *factors)
{
    for (qsizetype i = 0; i < probes.size() && i < counts.size(); ++i) {
        if (counts[i] <= probes[i].max)
            continue;
        (probes[i].isSet ? factors->deviceAnomalies : factors->velocityHits).append(probes[i].factor);
    }
}

// ---- geography ----

const QStringList &highRiskCountries()
{
    static const QStringList kCountries{QStringLiteral("KP"), QStringLiteral("IR"), QStringLiteral("SY"),
                                        QStringLiteral("SD"), QStringLiteral("CU")};
    return kCountries;
}

const QStringList &torExitPrefixes()
{
    // A local snapshot of long-lived Tor exit ranges (no lookups at check time); extend as needed.
    static const QStringList kPrefixes{QStringLiteral("185.220.100."), QStringLiteral("185.220.101."),
                                       QStringLiteral("185.220.102."), QStringLiteral("185.220.103."),
                                       QStringLiteral("199.249.230."), QStringLiteral("204.85.191."),
                                       QStringLiteral("171.25.193."),  QStringLiteral("162.247.74."),
                                       QStringLiteral("23.129.64."),   QStringLiteral("109.70.100.")};
    return kPrefixes;
}

bool isHighRiskCountry(const QString &countryCode)
{
    return !countryCode.isEmpty() && highRiskCountries().contains(countryCode.toUpper());
}

bool isTorExit(const QString &ip)
{
    return !ip.isEmpty() && std::any_of(torExitPrefixes().cbegin(), torExitPrefixes().cend(),
                                        [&](const QString &prefix) { return ip.startsWith(prefix); });
}

QStringList geoHits(const CheckInput &input)
{
    QStringList hits;
    if (isHighRiskCountry(input.ipCountry))
        hits.append(QStringLiteral("ip_country"));
    if (isHighRiskCountry(input.cardCountry))
        hits.append(QStringLiteral("card_country"));
    if (isTorExit(input.ip))
        hits.append(QStringLiteral("tor"));
    return hits;
}

// ---- scoring ----

QString levelName(Level level)
{
    switch (level) {
    case Level::Low:
        return QStringLiteral("low");
    case Level::Medium:
        return QStringLiteral("medium");
    case Level::High:
        return QStringLiteral("high");
    case Level::Critical:
        break;
    }
    return QStringLiteral("critical");
}

QString decisionName(Decision decision)
{
    switch (decision) {
    case Decision::Pass:
        return QStringLiteral("pass");
    case Decision::Review:
        return QStringLiteral("review");
    case Decision::Reject:
        break;
    }
    return QStringLiteral("reject");
}

Level levelFor(int score)
{
    if (score <= 20)
        return Level::Low;
    if (score <= 50)
        return Level::Medium;
    if (score <= 80)
        return Level::High;
    return Level::Critical;
}

Assessment assess(const Factors &factors)
{
    Assessment a;
    int blacklist = 0, amount = 0, velocity = 0, device = 0, geo = 0, rule = 0;
    bool forcedReject = false;
    if (factors.blacklisted()) {
        blacklist = kBlacklistScore;
        forcedReject = true;
        for (const QString &type : factors.blacklistHits)
            a.reasons.append(QStringLiteral("blacklist_") + type);
    } else {
        if (factors.largeAmount) {
            amount = kLargeAmountScore;
            a.reasons.append(QStringLiteral("large_amount"));
        }
        if (!factors.velocityHits.isEmpty())
            velocity = kVelocityScore;
        for (const QString &hit : factors.velocityHits)
            a.reasons.append(QStringLiteral("velocity_") + hit);
        if (factors.velocityUnavailable)
            a.reasons.append(QStringLiteral("velocity_unavailable"));
        if (!factors.deviceAnomalies.isEmpty())
            device = kDeviceScore;
        for (const QString &hit : factors.deviceAnomalies)
            a.reasons.append(QStringLiteral("device_many_") + hit);
        if (!factors.geoHits.isEmpty())
            geo = kGeoScore;
        for (const QString &hit : factors.geoHits)
            a.reasons.append(hit == QLatin1String("tor") ? QStringLiteral("geo_tor_exit")
                                                         : QStringLiteral("geo_high_risk_") + hit);
        if (factors.rule) {
            const bool reject = factors.rule->action == RuleAction::Reject;
            rule = reject ? kRuleRejectScore : kRuleReviewScore;
            forcedReject = forcedReject || reject;
            a.reasons.append(reject ? QStringLiteral("rule_reject") : QStringLiteral("rule_review"));
        }
    }
    a.score = std::min(100, blacklist + amount + velocity + device + geo + rule);
    a.level = levelFor(a.score);
    if (forcedReject || a.level == Level::Critical)
        a.decision = Decision::Reject;
    else
        a.decision = a.level == Level::Low ? Decision::Pass : Decision::Review;
    a.factorScores = {{QStringLiteral("blacklist"), blacklist},
                      {QStringLiteral("amount"), amount},
                      {QStringLiteral("velocity"), velocity},
                      {QStringLiteral("device"), device},
                      {QStringLiteral("geo"), geo},
                      {QStringLiteral("rule"), rule}};
    return a;
}

} // namespace paydesk::services::risk
