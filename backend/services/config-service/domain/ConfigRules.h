#pragma once
// Config keys, JSON value text and feature-flag evaluation: pure functions, unit-tested
// (tests/unit/tst_limit_config_domain.cpp).

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace paydesk::services::config {

// Keys and flag names: 1–128 characters of [a-z0-9_.-], dotted by convention ("payments.retry.max").
bool isValidKey(const QString &key);

// A JSON value (any type, also a bare string or number) as compact JSON text and back.
QByteArray valueToJson(const QJsonValue &value);
bool valueFromJson(const QByteArray &text, QJsonValue *value);

struct FeatureFlag
{
    QString name;
    bool enabled = false;
    int rolloutPercent = 0; // 0..100
    QStringList allowMerchants;
    QStringList denyMerchants;
    QJsonObject toJson() const;
};

// The merchant's bucket for `flagName`, 0..99: the first 4 bytes of SHA-256(flagName + ":" +
// merchantId) read as a big-endian unsigned integer, mod 100. Depends on nothing but the two
// strings, so it is the same on every machine and after every restart, and a merchant's bucket
// differs per flag (rollouts of different flags do not hit the same merchants first).
int rolloutBucket(const QString &flagName, const QString &merchantId);

struct FlagDecision
{
    bool enabled = false;
    QString reason; // deny_list | allow_list | disabled | rollout | not_in_rollout
    int bucket = -1;
};
// Deny list first, then allow list, then enabled && bucket < rollout_percent.
FlagDecision evaluateFlag(const FeatureFlag &flag, const QString &merchantId);

} // namespace paydesk::services::config
