#include "platform/http/Problem.h"

#include <QTest>

using namespace paydesk::platform;

class ProblemTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void responseCarriesAllProblemFields()
    {
        const HttpResponse response =
            Problem::notFound("no route for /x").toResponse("0af7651916cd43dd8448eb211c80319c");
        QCOMPARE(response.status, 404);
        QCOMPARE(response.contentType, QByteArray("application/problem+json"));
        const QJsonObject body = response.jsonObject();
        QCOMPARE(body.value("status").toInt(), 404);
        QCOMPARE(body.value("code").toString(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(body.value("title").toString(), QStringLiteral("Resource not found"));
        QCOMPARE(body.value("detail").toString(), QStringLiteral("no route for /x"));
        QCOMPARE(body.value("trace_id").toString(), QStringLiteral("0af7651916cd43dd8448eb211c80319c"));
        QCOMPARE(body.value("type").toString(), QStringLiteral("https://paydesk.dev/problems/not_found"));
    }

    void malformedJsonReportsTheOffset()
    {
        const QJsonObject body = Problem::malformedJson("bad", 17).toResponse("t").jsonObject();
        QCOMPARE(body.value("status").toInt(), 400);
        QCOMPARE(body.value("code").toString(), QStringLiteral("MALFORMED_JSON"));
        QCOMPARE(body.value("offset").toInt(), 17);
    }

    void payloadTooLargeNamesTheLimit()
    {
        const QJsonObject body = Problem::payloadTooLarge(1024, 4096).toResponse("t").jsonObject();
        QCOMPARE(body.value("status").toInt(), 413);
        QCOMPARE(body.value("code").toString(), QStringLiteral("PAYLOAD_TOO_LARGE"));
        QCOMPARE(body.value("limit_bytes").toInt(), 1024);
        QVERIFY(body.value("detail").toString().contains("4096"));
    }

    void codesAreStable_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("expectedStatus");
        QTest::addColumn<QString>("expectedCode");
        QTest::newRow("405") << Problem::methodNotAllowed("x").status << Problem::methodNotAllowed("x").code
                             << 405 << "METHOD_NOT_ALLOWED";
        QTest::newRow("422") << Problem::validation("x").status << Problem::validation("x").code << 422
                             << "VALIDATION_FAILED";
        QTest::newRow("401") << Problem::unauthorized("x").status << Problem::unauthorized("x").code << 401
                             << "UNAUTHORIZED";
        QTest::newRow("403") << Problem::forbidden("x").status << Problem::forbidden("x").code << 403
                             << "FORBIDDEN";
        QTest::newRow("504") << Problem::deadlineExceeded("x").status << Problem::deadlineExceeded("x").code
                             << 504 << "DEADLINE_EXCEEDED";
        QTest::newRow("500") << Problem::internal("x").status << Problem::internal("x").code << 500
                             << "INTERNAL_ERROR";
    }
    void codesAreStable()
    {
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(int, expectedStatus);
        QFETCH(QString, expectedCode);
        QCOMPARE(status, expectedStatus);
        QCOMPARE(code, expectedCode);
    }
};

QTEST_GUILESS_MAIN(ProblemTest)
#include "tst_problem.moc"
