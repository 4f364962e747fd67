// paydesk-server as a whole, against a real PostgreSQL and redis-server started by the test:
// all 18 services ready, metrics valid for promtool, problem responses for bad input, trace
// context, readiness that follows the database, graceful SIGTERM.

#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::testing;

class ServerTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-server-test-XXXXXX")};
    std::unique_ptr<ServerProcess> m_server;
    static constexpr quint16 kGateway = 40003;

    QString gateway(const QString &path) const { return m_server->url(kGateway, path); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_server = std::make_unique<ServerProcess>(
            m_dir.path() + QStringLiteral("/data"), freeBasePort(),
            QStringList{"--body-limit-bytes", "65536"},
            QHash<QString, QString>{{"PAYDESK_DATABASE_URL", m_infra.databaseUrl()},
                                    {"PAYDESK_REDIS_URL", m_infra.redisUrl()}});
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->waitAllReady(60000, &error), qPrintable(error));
    }

    void allEighteenServicesAreHealthy()
    {
        QCOMPARE(ServerProcess::seedPorts().size(), 18);
        for (quint16 seed : ServerProcess::seedPorts()) {
            const HttpResult health = httpRequest("GET", m_server->url(seed, "/health"));
            QCOMPARE(health.status, 200);
            const QJsonObject body = health.json();
            QCOMPARE(body.value("status").toString(), QStringLiteral("healthy"));
            QCOMPARE(body.value("version").toString(), QStringLiteral(PAYDESK_VERSION));
            QVERIFY(body.value("uptime_seconds").toDouble() >= 0);
            QStringList names;
            for (const auto &check : body.value("checks").toArray()) {
                names << check.toObject().value("name").toString();
                QVERIFY(check.toObject().contains("latency_ms"));
            }
            QVERIFY2(names.contains("postgres") && names.contains("redis"), qPrintable(names.join(',')));
            QCOMPARE(httpRequest("GET", m_server->url(seed, "/health/live")).status, 200);
        }
    }

    void everyServiceHasItsOwnMigratedDatabase()
    {
        QProcess psql;
        psql.start("psql", {m_infra.databaseUrl(), "-Atc",
                            "SELECT datname FROM pg_database WHERE datname LIKE 'payment_%'"});
        QVERIFY(psql.waitForFinished(10000));
        const QStringList databases =
            QString::fromUtf8(psql.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(databases.size(), 18);
        QVERIFY(databases.contains("payment_merchant_limit"));
        QString url = m_infra.databaseUrl();
        url.replace(QStringLiteral("/postgres"), QStringLiteral("/payment_gateway"));
        psql.start("psql", {url, "-Atc",
                            "SELECT count(*) FROM schema_migrations; SELECT to_regclass('outbox_events'), "
                            "to_regclass('idempotency_keys')"});
        QVERIFY(psql.waitForFinished(10000));
        const QString out = QString::fromUtf8(psql.readAllStandardOutput());
        QVERIFY2(out.contains("outbox_events") && out.contains("idempotency_keys"), qPrintable(out));
    }

    void everyMetricsEndpointPassesPromtool()
    {
        const QString promtool = QStandardPaths::findExecutable("promtool");
        QVERIFY2(!promtool.isEmpty(), "promtool (Debian package prometheus) is required");
        for (quint16 seed : ServerProcess::seedPorts()) {
            httpRequest("GET", m_server->url(seed, "/health")); // at least one counted request
            const HttpResult metrics = httpRequest("GET", m_server->url(seed, "/metrics"));
            QCOMPARE(metrics.status, 200);
            QVERIFY(metrics.headers.value("content-type").startsWith("text/plain; version=0.0.4"));
            for (const char *name : {"http_requests_total{", "http_request_duration_seconds_bucket{",
                                     "process_resident_memory_bytes", "process_cpu_seconds_total",
                                     "process_threads", "db_pool_connections{"})
                QVERIFY2(metrics.body.contains(name), name);
            QProcess check;
            check.start(promtool, {"check", "metrics"});
            check.write(metrics.body);
            check.closeWriteChannel();
            QVERIFY(check.waitForFinished(15000));
            QVERIFY2(check.exitCode() == 0, check.readAll().constData());
        }
    }

    void openApiListsTheServedRoutes()
    {
        const QJsonObject doc = httpRequest("GET", gateway("/openapi.json")).json();
        QCOMPARE(doc.value("openapi").toString(), QStringLiteral("3.0.3"));
        const QJsonObject paths = doc.value("paths").toObject();
        for (const char *path : {"/health", "/health/ready", "/health/live", "/metrics", "/openapi.json"})
            QVERIFY2(paths.contains(path), path);
        QVERIFY(paths.value("/admin/v1/log-level").toObject().contains("put"));
    }

    void unknownRouteIsNotFoundProblem()
    {
        const HttpResult result = httpRequest("GET", gateway("/api/v1/nothing-here"));
        QCOMPARE(result.status, 404);
        QCOMPARE(result.headers.value("content-type"), QByteArray("application/problem+json"));
        const QJsonObject problem = result.json();
        QCOMPARE(problem.value("code").toString(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(problem.value("status").toInt(), 404);
        QCOMPARE(problem.value("trace_id").toString().size(), 32);
        for (const char *field : {"type", "title", "detail"})
            QVERIFY(problem.contains(field));
    }

    void wrongMethodIsMethodNotAllowedWithAllow()
    {
        const HttpResult result = httpRequest("DELETE", gateway("/health"));
        QCOMPARE(result.status, 405);
        QCOMPARE(result.headers.value("allow"), QByteArray("GET"));
        QCOMPARE(result.json().value("code").toString(), QStringLiteral("METHOD_NOT_ALLOWED"));
    }

    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(m_server->dataDir(), permissions)}};
    }

    void adminRoutesEnforceTokenAndPermission()
    {
        const QString url = gateway("/admin/v1/log-level");
        const QByteArray body = R"({"level": "debug"})";
        HttpResult result = httpRequest("PUT", url, body);
        QCOMPARE(result.status, 401);
        QCOMPARE(result.json().value("code").toString(), QStringLiteral("UNAUTHORIZED"));
        QCOMPARE(httpRequest("PUT", url, body, {{"Authorization", "Bearer not.a.token"}}).status, 401);
        QCOMPARE(httpRequest("PUT", url, body,
                             {{"Authorization", "Bearer " + adminToken(m_server->dataDir(), {"*"}, -5)}})
                     .status,
                 401);
        result = httpRequest("PUT", url, body, admin({"system.view"}));
        QCOMPARE(result.status, 403);
        QCOMPARE(result.json().value("code").toString(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(httpRequest("GET", url, {}, admin({"system.view"})).status, 200);
        QCOMPARE(httpRequest("GET", url).status, 401);

        result = httpRequest("PUT", url, body, admin({"system.update"}));
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value("level").toString(), QStringLiteral("debug"));
        QCOMPARE(httpRequest("GET", url, {}, admin({"system.*"})).json().value("level").toString(),
                 QStringLiteral("debug"));
        QCOMPARE(httpRequest("PUT", url, R"({"level": "info"})", admin({"*"})).status, 200);

        // Both changes left an audit event in the service's outbox, with actor and before/after.
        QString dbUrl = m_infra.databaseUrl();
        dbUrl.replace(QStringLiteral("/postgres"), QStringLiteral("/payment_gateway"));
        QProcess psql;
        psql.start("psql",
                   {dbUrl, "-Atc",
                    "SELECT payload->>'actor_name', payload->>'before', payload->>'after' FROM outbox_events "
                    "WHERE topic = 'audit.events' ORDER BY id"});
        QVERIFY(psql.waitForFinished(10000));
        const QString rows = QString::fromUtf8(psql.readAllStandardOutput());
        QVERIFY2(rows.contains("tester|info|debug\ntester|debug|info"), qPrintable(rows));
    }

    void malformedJsonIsBadRequestWithPosition()
    {
        const HttpResult result =
            httpRequest("PUT", gateway("/admin/v1/log-level"), R"({"level": "info",})", admin({"*"}));
        QCOMPARE(result.status, 400);
        const QJsonObject problem = result.json();
        QCOMPARE(problem.value("code").toString(), QStringLiteral("MALFORMED_JSON"));
        // QJsonParseError::offset points just past the offending '}' (index 17).
        QCOMPARE(problem.value("offset").toInt(), 18);
        QVERIFY(problem.value("detail").toString().contains("offset 18"));
        QCOMPARE(httpRequest("PUT", gateway("/admin/v1/log-level"), "[1,2]", admin({"*"})).status, 400);
        QCOMPARE(
            httpRequest("PUT", gateway("/admin/v1/log-level"), R"({"level": "loud"})", admin({"*"})).status,
            422);
    }

    void oversizedBodyIsPayloadTooLarge()
    {
        const QByteArray big = "{\"level\":\"" + QByteArray(70000, 'x') + "\"}";
        const HttpResult result = httpRequest("PUT", gateway("/admin/v1/log-level"), big);
        QCOMPARE(result.status, 413);
        QCOMPARE(result.json().value("code").toString(), QStringLiteral("PAYLOAD_TOO_LARGE"));
        QCOMPARE(result.json().value("limit_bytes").toInt(), 65536);
    }

    void malformedHttpLeavesTheServerUp()
    {
        for (const QByteArray &garbage :
             {QByteArray("GARBAGE\r\n\r\n"), QByteArray("GET / HTTP/9.9\r\nHost\r\n\r\n"),
              QByteArray(8192, '\x01'), QByteArray("POST /health HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
            QTcpSocket socket;
            socket.connectToHost("127.0.0.1", m_server->port(kGateway));
            QVERIFY(socket.waitForConnected(2000));
            socket.write(garbage);
            socket.waitForBytesWritten(1000);
            socket.waitForReadyRead(500);
            socket.abort();
        }
        QCOMPARE(httpRequest("GET", gateway("/health")).status, 200);
        QVERIFY(m_server->isRunning());
    }

    void traceparentIsContinuedAndLogged()
    {
        const QByteArray incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const HttpResult result =
            httpRequest("GET", gateway("/api/v1/unknown"), {}, {{"traceparent", incoming}});
        const QList<QByteArray> parts = result.headers.value("traceparent").split('-');
        QCOMPARE(parts.size(), 4);
        QCOMPARE(parts[1], QByteArray("4bf92f3577b34da6a3ce929d0e0e4736"));
        QVERIFY(parts[2] != QByteArray("00f067aa0ba902b7"));
        QVERIFY(!result.headers.value("x-request-id").isEmpty());

        QFile log(m_server->dataDir() + "/logs/payment-gateway.log");
        QVERIFY(log.open(QIODevice::ReadOnly));
        QJsonObject line;
        for (const QByteArray &text : log.readAll().split('\n')) {
            if (text.contains(parts[2]))
                line = QJsonDocument::fromJson(text).object();
        }
        QCOMPARE(line.value("trace_id").toString(), QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(line.value("parent_span_id").toString(), QStringLiteral("00f067aa0ba902b7"));
        QCOMPARE(line.value("status").toInt(), 404);
        QCOMPARE(line.value("level").toString(), QStringLiteral("WARN"));
        for (const char *field : {"timestamp", "service", "message", "method", "path", "duration_ms"})
            QVERIFY2(line.contains(field), field);

        // The same line through the log search API, by trace id and by minimum level.
        const HttpResult found =
            httpRequest("GET", gateway("/admin/v1/logs?trace_id=4bf92f3577b34da6a3ce929d0e0e4736&level=warn"),
                        {}, admin({"system.view"}));
        QCOMPARE(found.status, 200);
        const QJsonArray items = found.json().value("items").toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().toObject().value("span_id").toString(), QString::fromLatin1(parts[2]));
        QCOMPARE(httpRequest("GET", gateway("/admin/v1/logs?level=loud"), {}, admin({"system.view"})).status,
                 422);
        QCOMPARE(httpRequest("GET", gateway("/admin/v1/logs")).status, 401);
    }

    void readinessFollowsTheDatabase()
    {
        const QString ready = m_server->url(40007, "/health/ready");
        QCOMPARE(httpRequest("GET", ready).status, 200);
        m_infra.postgres().stop(90000); // a busy disk makes the shutdown checkpoint slow
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE_WITH_TIMEOUT(httpRequest("GET", ready, {}, {}, 1000).status, 503, 5000);
        qInfo("readiness turned 503 after %lld ms", clock.elapsed());
        QCOMPARE(httpRequest("GET", ready).json().value("code").toString(), QStringLiteral("NOT_READY"));
        QCOMPARE(httpRequest("GET", m_server->url(40007, "/health/live")).status, 200);

        QString error;
        QVERIFY2(m_infra.postgres().start(60000, &error), qPrintable(error));
        QString readyError;
        QVERIFY2(m_server->waitAllReady(15000, &readyError), qPrintable(readyError));
    }

    void sigtermStopsGracefully()
    {
        const int exitCode = m_server->stop();
        QVERIFY2(
            exitCode == 0,
            qPrintable(
                QStringLiteral("exit %1; output:\n%2").arg(exitCode).arg(m_server->output().right(3000))));
        QVERIFY2(m_server->output().contains("Stopped."), qPrintable(m_server->output().right(1000)));
        QTcpSocket socket;
        socket.connectToHost("127.0.0.1", m_server->port(kGateway));
        QVERIFY(!socket.waitForConnected(1000));
    }
};

QTEST_GUILESS_MAIN(ServerTest)
#include "tst_server.moc"
