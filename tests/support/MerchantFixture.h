#pragma once
// An active merchant with a test API key, made through the admin APIs of a running installation
// (merchant-service create + forced activation, merchant-auth-service key, generous limits in
// merchant-limit-service), for tests and benchmarks that need to take payments.

#include "support/ServerProcess.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace paydesk::testing {

struct TestMerchant
{
    QString id;
    QByteArray apiKey; // pk_test_…
    QByteArray secret; // sk_test_… (the signing secret, shown once by merchant-auth-service)
};

struct MerchantSetup
{
    QString name = QStringLiteral("Test Shop");
    QString email; // default: a unique address
    QString tier = QStringLiteral("starter");
    QStringList currencies{QStringLiteral("USD")}; // limits raised for these
    qint64 limitMinor = 1'000'000'000'000;         // single/daily/monthly amount limits
    qint64 limitCount = 100'000'000;               // daily/monthly count limits
};

// `url(seedPort, path)` maps a service's seed port (40002 = merchant-service…) to its URL in the
// installation under test; `adminToken` needs merchant.*, compliance.override, apikey.manage,
// limit.update (or "*"). Returns nullopt with *error set when a step fails.
std::optional<TestMerchant> onboardMerchant(const std::function<QString(quint16, const QString &)> &url,
                                            const QByteArray &adminToken, const MerchantSetup &setup,
                                            QString *error);

// A test API key of merchant-auth-service for a new merchant id (the merchant itself is not
// created: enough for a service test that only needs signed requests). `authBaseUrl` is
// merchant-auth-service's http://host:port; `adminToken` needs apikey.manage.
std::optional<TestMerchant> createTestKey(const QString &authBaseUrl, const QByteArray &adminToken,
                                          const QString &label, QString *error);

// A signed merchant API request with a JSON body to `baseUrl + pathAndQuery`.
HttpResult signedJsonRequest(const TestMerchant &merchant, const QByteArray &method, const QString &baseUrl,
                             const QString &pathAndQuery, const QByteArray &body = {}, int timeoutMs = 5000);

} // namespace paydesk::testing
