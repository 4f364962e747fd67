#include "services/risk-service/store/RiskStore.h"

#include "platform/db/SqlValues.h"

#include "platform/db/Sql.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::risk::store {

using platform::sql::exec;
using namespace platform::sql;

namespace risk_store {
QString compactJson(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
QJsonValue parseJson(const QVariant &v)
{
    const QJsonDocument d = QJsonDocument::fromJson(v.toByteArray());
    return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
}

const char *const kRuleColumns = "id, name, COALESCE(description, ''), priority, conditions::text, action, "
                                 "enabled, created_at, updated_at, "
                                 "COALESCE(updated_by, '')";
RuleRow ruleFrom(const QSqlQuery &q)
{
    RuleRow r;
    r.id = q.value(0).toLongLong();
    r.name = q.value(1).toString();
    r.description = q.value(2).toString();
    r.priority = q.value(3).toInt();
    r.conditions = QJsonDocument::fromJson(q.value(4).toByteArray()).object();
    r.action = q.value(5).toString();
    r.enabled = q.value(6).toBool();
    r.createdAt = q.value(7).toDateTime();
    r.updatedAt = q.value(8).toDateTime();
    r.updatedBy = q.value(9).toString();
    return r;
}

const char *const kCheckColumns =
    "c.id, c.merchant_id, c.payment_no, c.amount_minor, c.currency, c.request::text, c.risk_score, "
    "c.risk_level, c.decision, c.reasons::text, c.factors::text, c.rule_id, COALESCE(r.name, ''), "
    "c.created_at";
QJsonObject checkFrom(const QSqlQuery &q)
{
    QJsonObject o{{QStringLiteral("check_id"), q.value(0).toString()},
                  {QStringLiteral("merchant_id"), q.value(1).toString()},
                  {QStringLiteral("payment_no"), q.value(2).toString()},
                  {QStringLiteral("amount_minor"), q.value(3).toLongLong()},
                  {QStringLiteral("currency"), q.value(4).toString()},
                  {QStringLiteral("request"), parseJson(q.value(5))},
                  {QStringLiteral("risk_score"), q.value(6).toInt()},
                  {QStringLiteral("risk_level"), q.value(7).toString()},
                  {QStringLiteral("decision"), q.value(8).toString()},
                  {QStringLiteral("reasons"), parseJson(q.value(9))},
                  {QStringLiteral("factors"), parseJson(q.value(10))},
                  {QStringLiteral("created_at"), jsonTime(q.value(13).toDateTime())}};
    o.insert(QStringLiteral("matched_rule"),
             q.value(11).isNull()
                 ? QJsonValue()
                 : QJsonValue(QJsonObject{{QStringLiteral("id"), q.value(11).toLongLong()},
                                          {QStringLiteral("name"), q.value(12).toString()}}));
    return o;
}
} // namespace risk_store

using namespace risk_store;

bool loadConfigVersion(QSqlDatabase &db, qint64 *version, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT version FROM risk_config_version WHERE id = 1"), {}, error))
        return false;
    *version = q.next() ? q.value(0).toLongLong() : 0;
    return true;
}

bool loadEnabledRules(QSqlDatabase &db, QList<Rule> *rules, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT id, name, priority, conditions::text, action FROM risk_rules "
                             "WHERE enabled ORDER BY priority, id"),
              {}, error))
        return false;
    rules->clear();
    while (q.next()) {
        QStringList problems;
        const auto conditions =
            RuleConditions::fromJson(QJsonDocument::fromJson(q.value(3).toByteArray()).object(), &problems);
        const auto action = actionFromName(q.value(4).toString());
        if (!conditions || !action)
            continue; // written by hand and invalid: never matches rather than matching everything
        rules->append(
            {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toInt(), *conditions, *action});
    }
    return true;
}

bool loadSettings(QSqlDatabase &db, QHash<QString, qint64> *settings, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT name, value FROM risk_settings"), {}, error))
        return false;
    settings->clear();
    while (q.next())
        settings->insert(q.value(0).toString(), q.value(1).toLongLong());
    return true;
}

bool listSettings(QSqlDatabase &db, QJsonArray *settings, QString *error)
{
    QSqlQuery q(db);
    if (!exec(
            q,
            QStringLiteral("SELECT name, value, COALESCE(description, '') FROM risk_settings ORDER BY name"),
            {}, error))
        return false;
    while (q.next())
        settings->append(QJsonObject{{QStringLiteral("name"), q.value(0).toString()},
                                     {QStringLiteral("value"), q.value(1).toLongLong()},
                                     {QStringLiteral("description"), q.value(2).toString()}});
    return true;
}

bool saveSettings(QSqlDatabase &db, const QHash<QString, qint64> &values, QStringList *unknown,
                  QString *error)
{
    QSqlQuery q(db);
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (!exec(q, QStringLiteral("UPDATE risk_settings SET value = ? WHERE name = ?"),
                  {it.value(), it.key()}, error))
            return false;
        if (q.numRowsAffected() == 0)
            unknown->append(it.key());
    }
    return true;
}

// ---- rules ----

QJsonObject RuleRow::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("description"), description.isEmpty() ? QJsonValue() : QJsonValue(description)},
            {QStringLiteral("priority"), priority},
            {QStringLiteral("conditions"), conditions},
            {QStringLiteral("action"), action},
            {QStringLiteral("enabled"), enabled},
            {QStringLiteral("created_at"), jsonTime(createdAt)},
            {QStringLiteral("updated_at"), jsonTime(updatedAt)},
            {QStringLiteral("updated_by"), updatedBy.isEmpty() ? QJsonValue() : QJsonValue(updatedBy)}};
}

bool listRules(QSqlDatabase &db, QList<RuleRow> *rules, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM risk_rules ORDER BY priority, id")
                  .arg(QLatin1String(kRuleColumns)),
              {}, error))
        return false;
    rules->clear();
    while (q.next())
        rules->append(ruleFrom(q));
    return true;
}

bool loadRule(QSqlDatabase &db, qint64 id, std::optional<RuleRow> *rule, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT %1 FROM risk_rules WHERE id = ?").arg(QLatin1String(kRuleColumns)),
              {id}, error))
        return false;
    *rule = q.next() ? std::optional<RuleRow>(ruleFrom(q)) : std::nullopt;
    return true;
}

bool insertRule(QSqlDatabase &db, const RuleRow &rule, qint64 *id, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO risk_rules (name, description, priority, conditions, action, enabled, "
                  "updated_by) VALUES (?, ?, ?, ?::jsonb, ?, ?, ?) RETURNING id"),
              {rule.name, nullableText(rule.description), rule.priority, compactJson(rule.conditions),
               rule.action, rule.enabled, nullableText(rule.updatedBy)},
              error))
        return false;
    *id = q.next() ? q.value(0).toLongLong() : 0;
    return true;
}

bool updateRule(QSqlDatabase &db, const RuleRow &rule, bool *found, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "UPDATE risk_rules SET name = ?, description = ?, priority = ?, conditions = ?::jsonb, "
                  "action = ?, enabled = ?, updated_by = ?, updated_at = now() WHERE id = ?"),
              {rule.name, nullableText(rule.description), rule.priority, compactJson(rule.conditions),
               rule.action, rule.enabled, nullableText(rule.updatedBy), rule.id},
              error))
        return false;
    *found = q.numRowsAffected() > 0;
    return true;
}

bool setRuleEnabled(QSqlDatabase &db, qint64 id, bool enabled, const QString &actor, bool *found,
                    QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "UPDATE risk_rules SET enabled = ?, updated_by = ?, updated_at = now() WHERE id = ?"),
              {enabled, nullableText(actor), id}, error))
        return false;
    *found = q.numRowsAffected() > 0;
    return true;
}

bool deleteRule(QSqlDatabase &db, qint64 id, bool *found, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("DELETE FROM risk_rules WHERE id = ?"), {id}, error))
        return false;
    *found = q.numRowsAffected() > 0;
    return true;
}

// ---- checks ----

QJsonObject CheckRow::toJson() const
{
    QJsonObject o{{QStringLiteral("check_id"), id.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("merchant_id"), input.merchantId},
                  {QStringLiteral("payment_no"), input.paymentNo},
                  {QStringLiteral("risk_score"), assessment.score},
                  {QStringLiteral("risk_level"), levelName(assessment.level)},
                  {QStringLiteral("decision"), decisionName(assessment.decision)},
                  {QStringLiteral("reasons"), QJsonArray::fromStringList(assessment.reasons)},
                  {QStringLiteral("factors"), assessment.factorScores}};
    o.insert(
        QStringLiteral("matched_rule"),
        ruleId ? QJsonValue(QJsonObject{{QStringLiteral("id"), *ruleId}, {QStringLiteral("name"), ruleName}})
               : QJsonValue());
    return o;
}

bool insertCheck(QSqlDatabase &db, const CheckRow &check, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO risk_checks (id, merchant_id, payment_no, amount_minor, currency, "
                       "request, risk_score, risk_level, decision, reasons, factors, rule_id) VALUES "
                       "(?::uuid, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?::jsonb, ?)"),
        {check.id.toString(QUuid::WithoutBraces), check.input.merchantId, check.input.paymentNo,
         check.input.amountMinor, check.input.currency, compactJson(check.request), check.assessment.score,
         levelName(check.assessment.level), decisionName(check.assessment.decision),
         QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(check.assessment.reasons))
                               .toJson(QJsonDocument::Compact)),
         compactJson(check.assessment.factorScores),
         check.ruleId ? QVariant(*check.ruleId) : QVariant(QMetaType(QMetaType::LongLong))},
        error);
}

bool loadCheck(QSqlDatabase &db, const QUuid &id, std::optional<QJsonObject> *check, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM risk_checks c LEFT JOIN risk_rules r ON r.id = c.rule_id "
                             "WHERE c.id = ?::uuid")
                  .arg(QLatin1String(kCheckColumns)),
              {id.toString(QUuid::WithoutBraces)}, error))
        return false;
    *check = q.next() ? std::optional<QJsonObject>(checkFrom(q)) : std::nullopt;
    return true;
}

bool listChecks(QSqlDatabase &db, const CheckFilter &filter, QJsonArray *checks, qint64 *total,
                QString *error)
{
    QVariantList values;
    const QString where = whereEquals({{"c.merchant_id", filter.merchantId},
                                       {"c.decision", filter.decision},
                                       {"c.payment_no", filter.paymentNo}},
                                      &values);
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM risk_checks c ") + where, values, error))
        return false;
    *total = q.next() ? q.value(0).toLongLong() : 0;
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM risk_checks c LEFT JOIN risk_rules r ON r.id = c.rule_id %2 "
                             "ORDER BY c.created_at DESC, c.id LIMIT ? OFFSET ?")
                  .arg(QLatin1String(kCheckColumns), where),
              values + QVariantList{filter.limit, filter.offset}, error))
        return false;
    while (q.next())
        checks->append(checkFrom(q));
    return true;
}

} // namespace paydesk::services::risk::store
