#pragma once
// SQL for payment_risk (migrations/0001_risk.sql). Every function runs on the caller's connection
// (inside the caller's transaction when it has one) and returns false with *error on a database
// error. Worker threads only.

#include "services/risk-service/domain/RiskScoring.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QUuid>

#include <optional>

namespace paydesk::services::risk::store {

// ---- configuration (rules + thresholds), cached by workers ----
bool loadConfigVersion(QSqlDatabase &db, qint64 *version, QString *error);
bool loadEnabledRules(QSqlDatabase &db, QList<Rule> *rules, QString *error);
bool loadSettings(QSqlDatabase &db, QHash<QString, qint64> *settings, QString *error);
// Settings with their descriptions, by name (admin view).
bool listSettings(QSqlDatabase &db, QJsonArray *settings, QString *error);
// Updates existing settings only; *unknown lists names that are not rows of risk_settings.
bool saveSettings(QSqlDatabase &db, const QHash<QString, qint64> &values, QStringList *unknown,
                  QString *error);

// ---- rules (admin) ----
struct RuleRow
{
    qint64 id = 0;
    QString name;
    QString description;
    int priority = 100;
    QJsonObject conditions;
    QString action;
    bool enabled = true;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString updatedBy;
    QJsonObject toJson() const;
};
bool listRules(QSqlDatabase &db, QList<RuleRow> *rules, QString *error);
bool loadRule(QSqlDatabase &db, qint64 id, std::optional<RuleRow> *rule, QString *error);
bool insertRule(QSqlDatabase &db, const RuleRow &rule, qint64 *id, QString *error);
// *found false when no rule has that id.
bool updateRule(QSqlDatabase &db, const RuleRow &rule, bool *found, QString *error);
bool setRuleEnabled(QSqlDatabase &db, qint64 id, bool enabled, const QString &actor, bool *found,
                    QString *error);
bool deleteRule(QSqlDatabase &db, qint64 id, bool *found, QString *error);

// ---- checks ----
struct CheckRow
{
    QUuid id;
    CheckInput input;
    QJsonObject request;
    Assessment assessment;
    std::optional<qint64> ruleId;
    QString ruleName;
    QDateTime createdAt;
    QJsonObject toJson() const; // the contract's answer plus stored details
};
bool insertCheck(QSqlDatabase &db, const CheckRow &check, QString *error);
bool loadCheck(QSqlDatabase &db, const QUuid &id, std::optional<QJsonObject> *check, QString *error);
struct CheckFilter
{
    QString merchantId;
    QString decision;
    QString paymentNo;
    int limit = 20;
    int offset = 0;
};
bool listChecks(QSqlDatabase &db, const CheckFilter &filter, QJsonArray *checks, qint64 *total,
                QString *error);

} // namespace paydesk::services::risk::store
