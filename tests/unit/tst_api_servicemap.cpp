#include "api/ServiceMap.h"
#include "services/ServiceCatalog.h"

#include <QTest>

using namespace paydesk;

class ServiceMapTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void clientKnowsExactlyTheServersServices()
    {
        const auto catalog = services::catalog();
        QCOMPARE(api::knownServices().size(), catalog.size());
        for (const auto &entry : catalog) {
            bool found = false;
            for (const api::ServiceEndpoint &endpoint : api::knownServices())
                found = found || (endpoint.name == entry.descriptor.name &&
                                  endpoint.seedPort == entry.descriptor.seedPort);
            QVERIFY2(found, qPrintable(entry.descriptor.name));
        }
    }

    void basePortShiftsEveryService()
    {
        const api::ServiceMap map = api::ServiceMap::fromUrl(QUrl("https://pay.example:41000"));
        QCOMPARE(map.urlFor("payment-gateway", "/health").toString(),
                 QStringLiteral("https://pay.example:41003/health"));
        QCOMPARE(map.urlFor("merchant-limit-service", "/api/v1/x?y=1").toString(),
                 QStringLiteral("https://pay.example:41022/api/v1/x?y=1"));
        QVERIFY(!map.urlFor("no-such-service", "/health").isValid());
    }

    void overridesWin()
    {
        api::ServiceMap map;
        map.overrides.insert("kyc-service", QUrl("https://kyc.internal:8443"));
        QCOMPARE(map.urlFor("kyc-service", "/health").toString(),
                 QStringLiteral("https://kyc.internal:8443/health"));
    }
};

QTEST_GUILESS_MAIN(ServiceMapTest)
#include "tst_api_servicemap.moc"
