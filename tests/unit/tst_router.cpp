#include "platform/http/Router.h"

#include <QTest>

using namespace paydesk::platform;

class RouterTest : public QObject
{
    Q_OBJECT
    static Handler answer(int status)
    {
        return [status](const HttpRequest &) { return HttpResponse::empty(status); };
    }

private Q_SLOTS:
    void literalPathMatchesItsMethod()
    {
        Router router;
        router.add({.method = "GET", .pattern = "/health", .handler = answer(200)});
        const RouteMatch match = router.match("GET", "/health");
        QCOMPARE(match.kind, RouteMatch::Kind::Found);
        QCOMPARE(match.route->pattern, QStringLiteral("/health"));
    }

    void knownPathWithWrongMethodIsMethodNotAllowedWithAllowList()
    {
        Router router;
        router.add({.method = "GET", .pattern = "/api/v1/things/{id}", .handler = answer(200)});
        router.add({.method = "DELETE", .pattern = "/api/v1/things/{id}", .handler = answer(204)});
        const RouteMatch match = router.match("POST", "/api/v1/things/42");
        QCOMPARE(match.kind, RouteMatch::Kind::MethodNotAllowed);
        QCOMPARE(match.allowedMethods, (QStringList{"GET", "DELETE"}));
    }

    void unknownPathIsNotFound()
    {
        Router router;
        router.add({.method = "GET", .pattern = "/health", .handler = answer(200)});
        QCOMPARE(router.match("GET", "/nope").kind, RouteMatch::Kind::NotFound);
        QCOMPARE(router.match("GET", "/health/extra").kind, RouteMatch::Kind::NotFound);
        QCOMPARE(router.match("GET", "/").kind, RouteMatch::Kind::NotFound);
    }

    void pathParametersAreCaptured()
    {
        Router router;
        router.add({.method = "GET",
                    .pattern = "/api/v1/merchants/{merchant_id}/keys/{key_id}",
                    .handler = answer(200)});
        const RouteMatch match = router.match("GET", "/api/v1/merchants/m-1/keys/k-9");
        QCOMPARE(match.kind, RouteMatch::Kind::Found);
        QCOMPARE(match.params.value("merchant_id"), QStringLiteral("m-1"));
        QCOMPARE(match.params.value("key_id"), QStringLiteral("k-9"));
    }

    void trailingSlashIsTolerated()
    {
        Router router;
        router.add({.method = "GET", .pattern = "/health/ready", .handler = answer(200)});
        QCOMPARE(router.match("GET", "/health/ready/").kind, RouteMatch::Kind::Found);
    }

    void headIsServedByGet()
    {
        Router router;
        router.add({.method = "GET", .pattern = "/metrics", .handler = answer(200)});
        QCOMPARE(router.match("HEAD", "/metrics").kind, RouteMatch::Kind::Found);
    }
};

QTEST_GUILESS_MAIN(RouterTest)
#include "tst_router.moc"
