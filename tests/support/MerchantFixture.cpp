#include "support/MerchantFixture.h"

#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace paydesk::testing {

namespace {
constexpr quint16 kMerchantSeed = 40002;
constexpr quint16 kMerchantAuthSeed = 40011;
constexpr quint16 kLimitSeed = 40022;
} // namespace

std::optional<TestMerchant> onboardMerchant(const std::function<QString(quint16, const QString &)> &url,
                                            const QByteArray &adminToken, const MerchantSetup &setup,
                                            QString *error)
{
    const QHash<QByteArray, QByteArray> headers{{"Authorization", "Bearer " + adminToken},
                                                {"Content-Type", "application/json"}};
    auto call = [&](quint16 seed, const QString &path, const QJsonObject &body, const char *step,
                    QJsonObject *answer, const QByteArray &method = "POST") {
        const HttpResult r = httpRequest(method, url(seed, path),
                                         QJsonDocument(body).toJson(QJsonDocument::Compact), headers, 15000);
        if (r.status < 200 || r.status >= 300) {
            *error = QStringLiteral("%1: HTTP %2 %3")
                         .arg(QLatin1String(step))
                         .arg(r.status)
                         .arg(QString::fromUtf8(r.body));
            return false;
        }
        if (answer)
            *answer = QJsonDocument::fromJson(r.body).object();
        return true;
    };

    const QString unique = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    QJsonObject merchant;
    if (!call(kMerchantSeed, QStringLiteral("/api/v1/merchants"),
              {{"name", setup.name},
               {"email",
                setup.email.isEmpty() ? QStringLiteral("owner-%1@shop.example").arg(unique) : setup.email},
               {"country", "DE"},
               {"business_type", "company"},
               {"company_name", setup.name + QStringLiteral(" GmbH")},
               {"tier", setup.tier}},
              "create merchant", &merchant))
        return std::nullopt;
    TestMerchant result;
    result.id = merchant.value(QStringLiteral("id")).toString();
    if (!call(kMerchantSeed, QStringLiteral("/api/v1/merchants/%1/activate").arg(result.id),
              {{"reason", "test merchant"}, {"force", true}}, "activate merchant", nullptr))
        return std::nullopt;
    QJsonObject key;
    if (!call(kMerchantAuthSeed, QStringLiteral("/api/v1/merchants/%1/api-keys").arg(result.id),
              {{"environment", "test"}, {"label", "tests"}}, "create API key", &key))
        return std::nullopt;
    result.apiKey = key.value(QStringLiteral("key_id")).toString().toLatin1();
    result.secret = key.value(QStringLiteral("secret")).toString().toLatin1();
    for (const QString &currency : setup.currencies) {
        if (!call(kLimitSeed, QStringLiteral("/api/v1/merchants/%1/limits").arg(result.id),
                  {{"currency", currency},
                   {"single_max_minor", setup.limitMinor},
                   {"daily_max_minor", setup.limitMinor},
                   {"monthly_max_minor", setup.limitMinor},
                   {"daily_count_max", setup.limitCount},
                   {"monthly_count_max", setup.limitCount}},
                  "raise limits", nullptr, "PUT"))
            return std::nullopt;
    }
    return result;
}

std::optional<TestMerchant> createTestKey(const QString &authBaseUrl, const QByteArray &adminToken,
                                          const QString &label, QString *error)
{
    const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const HttpResult result = httpRequest(
        "POST", authBaseUrl + QStringLiteral("/api/v1/merchants/") + merchant + QStringLiteral("/api-keys"),
        QJsonDocument(QJsonObject{{"environment", "test"}, {"label", label}}).toJson(QJsonDocument::Compact),
        {{"Authorization", "Bearer " + adminToken}, {"Content-Type", "application/json"}});
    if (result.status != 201) {
        *error =
            QStringLiteral("create key: HTTP %1 %2").arg(result.status).arg(QString::fromUtf8(result.body));
        return std::nullopt;
    }
    return TestMerchant{merchant, result.json().value("key_id").toString().toLatin1(),
                        result.json().value("secret").toString().toLatin1()};
}

HttpResult signedJsonRequest(const TestMerchant &merchant, const QByteArray &method, const QString &baseUrl,
                             const QString &pathAndQuery, const QByteArray &body, int timeoutMs)
{
    QHash<QByteArray, QByteArray> headers =
        signedHeaders(merchant.apiKey, merchant.secret, method, pathAndQuery.toUtf8(), body);
    headers.insert("Content-Type", "application/json");
    return httpRequest(method, baseUrl + pathAndQuery, body, headers, timeoutMs);
}

} // namespace paydesk::testing
