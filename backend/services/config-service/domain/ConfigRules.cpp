#include "services/config-service/domain/ConfigRules.h"

#include "platform/security/Crypto.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace paydesk::services::config {

bool isValidKey(const QString &key)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9_.-]{1,128}$"));
    return pattern.match(key).hasMatch();
}

QByteArray valueToJson(const QJsonValue &value)
{
    // QJsonDocument holds only arrays and objects: wrap, serialise, unwrap.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

bool valueFromJson(const QByteArray &text, QJsonValue *value)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError || !document.isArray() || document.array().size() != 1)
        return false;
    *value = document.array().first();
    return true;
}

QJsonObject FeatureFlag::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("enabled"), enabled},
            {QStringLiteral("rollout_percent"), rolloutPercent},
            {QStringLiteral("allow_merchants"), QJsonArray::fromStringList(allowMerchants)},
            {QStringLiteral("deny_merchants"), QJsonArray::fromStringList(denyMerchants)}};
}

int rolloutBucket(const QString &flagName, const QString &merchantId)
{
    const QByteArray digest = platform::crypto::sha256((flagName + u':' + merchantId).toUtf8());
    const auto byte = [&](int i) { return static_cast<quint32>(static_cast<quint8>(digest.at(i))); };
    const quint32 head = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
    return static_cast<int>(head % 100u);
}

FlagDecision evaluateFlag(const FeatureFlag &flag, const QString &merchantId)
{
    if (flag.denyMerchants.contains(merchantId))
        return {false, QStringLiteral("deny_list"), -1};
    if (flag.allowMerchants.contains(merchantId))
        return {true, QStringLiteral("allow_list"), -1};
    if (!flag.enabled)
        return {false, QStringLiteral("disabled"), -1};
    const int bucket = rolloutBucket(flag.name, merchantId);
    const bool in = bucket < flag.rolloutPercent;
    return {in, in ? QStringLiteral("rollout") : QStringLiteral("not_in_rollout"), bucket};
}

} // namespace paydesk::services::config
