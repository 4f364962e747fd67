// The kernel in process, with small test services on a real PostgreSQL and Redis: ServiceClient
// in-process calls (trace context, deadlines), the outbox relay and event bus (order, redelivery),
// migration checksums stopping one service, and a port conflict failing one service only.

#include "platform/bus/InProcessEventBus.h"
#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/rpc/ServiceClient.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QMutex>
#include <QProcess>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace paydesk::platform;
using namespace paydesk::testing;

namespace {
// Answers who it is and which trace context reached it; /slow sleeps past short deadlines;
// consumes "test.events" and records what it saw.
class BetaService : public Service
{
public:
    struct Seen
    {
        QMutex mutex;
        QList<qint64> sequences;
        QStringList aggregateIds;
        int refusalsLeft = 0;
        int deliveries = 0;
    };
    BetaService(quint16 seedPort, std::shared_ptr<Seen> seen)
        : Service({"beta", seedPort, "paydesk_test_beta", "test service"}), m_seen(std::move(seen))
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &) override
    {
        router.add({.method = "GET", .pattern = "/api/v1/whoami", .handler = [](const HttpRequest &request) {
                        return HttpResponse::json(
                            QJsonObject{{"service", "beta"},
                                        {"trace_id", QString::fromLatin1(request.trace.traceId)},
                                        {"parent_span_id", QString::fromLatin1(request.trace.parentSpanId)},
                                        {"caller", QString::fromLatin1(request.header("x-paydesk-caller"))},
                                        {"in_process", request.inProcess}});
                    }});
        router.add({.method = "GET",
                    .pattern = "/internal/v1/ping",
                    .handler =
                        [](const HttpRequest &request) {
                            return HttpResponse::json(QJsonObject{{"caller", request.principal.id}});
                        },
                    .execution = Execution::ServiceThread,
                    .access = Access::Internal});
        router.add({.method = "GET", .pattern = "/api/v1/slow", .handler = [](const HttpRequest &) {
                        QThread::msleep(400);
                        return HttpResponse::empty(204);
                    }});
    }
    QList<QPair<QString, QString>> consumedTopics() const override { return {{"test.events", "beta"}}; }
    void onReady(ServiceRuntime &runtime) override
    {
        runtime.environment().bus->subscribe("test.events", "beta", &runtime,
                                             [seen = m_seen](const Event &event) {
                                                 QMutexLocker lock(&seen->mutex);
                                                 ++seen->deliveries;
                                                 if (seen->refusalsLeft > 0) {
                                                     --seen->refusalsLeft;
                                                     return false;
                                                 }
                                                 seen->sequences.append(event.sequence);
                                                 seen->aggregateIds.append(event.aggregateId);
                                                 return true;
                                             });
    }

private:
    std::shared_ptr<Seen> m_seen;
};

// Calls beta through ServiceClient; appends outbox events in one transaction.
class AlphaService : public Service
{
public:
    AlphaService(quint16 seedPort, QString migrations)
        : Service({"alpha", seedPort, "paydesk_test_alpha", "test service"}),
          m_migrations(std::move(migrations))
    {
    }
    QString migrationsDirectory() const override { return m_migrations; }
    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        router.add({.method = "GET",
                    .pattern = "/api/v1/ask/{path}",
                    .handler = [&runtime](const HttpRequest &request) {
                        CallOptions options;
                        options.parent = request.trace;
                        options.timeoutMs = request.query.queryItemValue("timeout_ms").toInt();
                        return runtime.client().callSync("beta", "GET",
                                                         "/api/v1/" + request.pathParam("path"), {}, options);
                    }});
        router.add({.method = "POST",
                    .pattern = "/api/v1/events",
                    .handler =
                        [&runtime](const HttpRequest &request) {
                            const int count = request.json.object().value("count").toInt();
                            QString error;
                            QSqlDatabase db = runtime.database().connection(&error);
                            const bool ok = inTransaction(
                                db,
                                [&](QString *why) {
                                    for (int i = 0; i < count; ++i) {
                                        Event event{.topic = "test.events",
                                                    .type = "test.happened",
                                                    .aggregateType = "thing",
                                                    .aggregateId = QString::number(i % 3),
                                                    .payload = {{"i", i}}};
                                        if (outbox::append(db, event, why) < 0)
                                            return false;
                                    }
                                    return true;
                                },
                                &error);
                            if (!ok)
                                return Problem::internal(error).toResponse(request.trace.traceId);
                            runtime.kickOutbox();
                            return HttpResponse::empty(202);
                        },
                    .jsonBody = true});
    }

private:
    QString m_migrations;
};
} // namespace

class PlatformTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-platform-test-XXXXXX")};
    std::shared_ptr<BetaService::Seen> m_seen = std::make_shared<BetaService::Seen>();
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<InProcessEventBus> m_bus;
    quint16 m_base = 0;

    HostEnvironment environment(const QString &name)
    {
        QString error;
        HostEnvironment env;
        if (!makeHostEnvironment(m_infra, m_dir.path() + "/" + name, m_base, m_bus.get(), &env, &error) ||
            !ServerSecrets::loadOrCreate(m_dir.path() + "/secrets", &env.secrets,
                                         &error)) // shared by the hosts
            qFatal("host environment: %s", qPrintable(error));
        return env;
    }

    void writeMigration(const QByteArray &sql)
    {
        QDir().mkpath(m_dir.path() + "/alpha-migrations");
        QFile file(m_dir.path() + "/alpha-migrations/0001_things.sql");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(sql);
    }

    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        writeMigration("CREATE TABLE things (id bigint PRIMARY KEY);");
        m_host = std::make_unique<ServiceHost>(environment("host1"));
        m_host->add(std::make_unique<AlphaService>(40101, m_dir.path() + "/alpha-migrations"));
        m_host->add(std::make_unique<BetaService>(40102, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 30000);
    }

    void inProcessCallCarriesTheTraceAndTheCaller()
    {
        const QByteArray incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const HttpResult result = httpRequest("GET", url(40101, "/api/v1/ask/whoami?timeout_ms=2000"), {},
                                              {{"traceparent", incoming}});
        QCOMPARE(result.status, 200);
        const QJsonObject body = result.json();
        QCOMPARE(body.value("service").toString(), QStringLiteral("beta"));
        QCOMPARE(body.value("trace_id").toString(), QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
        QVERIFY(body.value("in_process").toBool());
        QCOMPARE(body.value("caller").toString(), QStringLiteral("alpha"));
        // Beta's parent is alpha's span, not the external caller's.
        QVERIFY(!body.value("parent_span_id").toString().isEmpty());
        QVERIFY(body.value("parent_span_id").toString() != QStringLiteral("00f067aa0ba902b7"));
    }

    void spansLinkCallerCallAndCallee()
    {
        const QByteArray traceId = TraceContext::randomHex(16);
        const QByteArray incoming = "00-" + traceId + "-00f067aa0ba902b7-01";
        const HttpResult result = httpRequest("GET", url(40101, "/api/v1/ask/whoami?timeout_ms=2000"), {},
                                              {{"traceparent", incoming}});
        QCOMPARE(result.status, 200);
        const QHash<QByteArray, QByteArray> admin{
            {"Authorization", "Bearer " + adminToken(m_dir.path(), {"system.view"})}};
        const QJsonArray alphaSpans =
            httpRequest("GET", url(40101, "/admin/v1/spans?trace_id=" + traceId), {}, admin)
                .json()
                .value("items")
                .toArray();
        const QJsonArray betaSpans =
            httpRequest("GET", url(40102, "/admin/v1/spans?trace_id=" + traceId), {}, admin)
                .json()
                .value("items")
                .toArray();
        QCOMPARE(alphaSpans.size(), 2); // its server span and its client span
        QCOMPARE(betaSpans.size(), 1);
        QJsonObject server, client;
        for (const QJsonValue &span : alphaSpans)
            (span.toObject().value("kind").toString() == "server" ? server : client) = span.toObject();
        QCOMPARE(server.value("parent_span_id").toString(), QStringLiteral("00f067aa0ba902b7"));
        QCOMPARE(server.value("operation").toString(), QStringLiteral("GET /api/v1/ask/{path}"));
        QCOMPARE(client.value("parent_span_id").toString(), server.value("span_id").toString());
        QCOMPARE(client.value("operation").toString(), QStringLiteral("call beta GET /api/v1/whoami"));
        const QJsonObject callee = betaSpans.first().toObject();
        QCOMPARE(callee.value("parent_span_id").toString(), client.value("span_id").toString());
        QCOMPARE(result.json().value("parent_span_id").toString(), client.value("span_id").toString());
        QVERIFY(client.value("duration_us").toInteger() >= callee.value("duration_us").toInteger());
        QCOMPARE(httpRequest("GET", url(40101, "/admin/v1/spans")).status, 401);
    }

    void internalRoutesAcceptServicesOnly()
    {
        QCOMPARE(httpRequest("GET", url(40102, "/internal/v1/ping")).status, 403);
        QCOMPARE(
            httpRequest("GET", url(40102, "/internal/v1/ping"), {}, {{"X-PayDesk-Internal-Token", "forged"}})
                .status,
            403);
        ServerSecrets secrets;
        QString error;
        QVERIFY(ServerSecrets::loadOrCreate(m_dir.path() + "/secrets", &secrets, &error));
        QCOMPARE(httpRequest("GET", url(40102, "/internal/v1/ping"), {},
                             {{"X-PayDesk-Internal-Token", secrets.internalToken()}})
                     .status,
                 200);
        ServiceClient client(m_host->directory(), "alpha");
        const HttpResponse inProcess = client.callSync("beta", "GET", "/internal/v1/ping");
        QCOMPARE(inProcess.status, 200);
        QCOMPARE(inProcess.jsonObject().value("caller").toString(), QStringLiteral("alpha"));
    }

    void callPastItsDeadlineAnswersGatewayTimeout()
    {
        const HttpResult result = httpRequest("GET", url(40101, "/api/v1/ask/slow?timeout_ms=100"));
        QCOMPARE(result.status, 504);
        QCOMPARE(result.json().value("code").toString(), QStringLiteral("DEADLINE_EXCEEDED"));
    }

    void remoteCallGoesOverHttpWithTraceAndDeadline()
    {
        ServiceDirectory directory;
        directory.addRemote("beta", QUrl(url(40102, "/")));
        directory.addRemote("gone", QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(freePort())));
        ServerSecrets secrets;
        QString error;
        QVERIFY(ServerSecrets::loadOrCreate(m_dir.path() + "/secrets", &secrets, &error));
        ServiceClient client(directory, "remote-test", secrets.internalToken());
        CallOptions options;
        options.parent = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        options.timeoutMs = 3000;
        HttpResponse response = client.callSync("beta", "GET", "/api/v1/whoami", {}, options);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.jsonObject().value("trace_id").toString(),
                 QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(response.jsonObject().value("parent_span_id").toString(),
                 QStringLiteral("00f067aa0ba902b7"));
        QCOMPARE(response.jsonObject().value("in_process").toBool(), false);
        QCOMPARE(response.jsonObject().value("caller").toString(), QStringLiteral("remote-test"));

        // Internal routes of a remote service accept the installation's token, and only that.
        QCOMPARE(client.callSync("beta", "GET", "/internal/v1/ping", {}, options).status, 200);
        QCOMPARE(ServiceClient(directory, "outsider")
                     .callSync("beta", "GET", "/internal/v1/ping", {}, options)
                     .status,
                 403);

        options.timeoutMs = 100;
        response = client.callSync("beta", "GET", "/api/v1/slow", {}, options);
        QCOMPARE(response.status, 504);
        QCOMPARE(response.jsonObject().value("code").toString(), QStringLiteral("DEADLINE_EXCEEDED"));

        options.timeoutMs = 2000;
        response = client.callSync("gone", "GET", "/health", {}, options);
        QCOMPARE(response.status, 503);
        QCOMPARE(response.jsonObject().value("code").toString(), QStringLiteral("SERVICE_UNAVAILABLE"));
    }

    void callToAnUnknownServiceIsUnavailable()
    {
        ServiceClient client(m_host->directory(), "test");
        const HttpResponse response = client.callSync("nobody", "GET", "/health");
        QCOMPARE(response.status, 503);
        QCOMPARE(response.jsonObject().value("code").toString(), QStringLiteral("SERVICE_UNKNOWN"));
    }

    void outboxEventsArriveInOrderAndAreMarkedPublished()
    {
        {
            QMutexLocker lock(&m_seen->mutex);
            m_seen->sequences.clear();
        }
        QCOMPARE(httpRequest("POST", url(40101, "/api/v1/events"), R"({"count": 30})").status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(
            [&] {
                QMutexLocker l(&m_seen->mutex);
                return m_seen->sequences.size();
            }(),
            30, 10000);
        QMutexLocker lock(&m_seen->mutex);
        for (int i = 1; i < m_seen->sequences.size(); ++i)
            QVERIFY(m_seen->sequences[i - 1] < m_seen->sequences[i]);
        lock.unlock();
        // The relay marks a row published (and counts it) only after the consumer acknowledged it.
        QTRY_VERIFY_WITH_TIMEOUT(httpRequest("GET", url(40101, "/metrics"))
                                     .body.contains("outbox_events_published_total{service=\"alpha\"} 30"),
                                 5000);
    }

    void refusedEventIsRedeliveredAndNothingOvertakesIt()
    {
        {
            QMutexLocker lock(&m_seen->mutex);
            m_seen->sequences.clear();
            m_seen->refusalsLeft = 1;
            m_seen->deliveries = 0;
        }
        QCOMPARE(httpRequest("POST", url(40101, "/api/v1/events"), R"({"count": 3})").status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(
            [&] {
                QMutexLocker l(&m_seen->mutex);
                return m_seen->sequences.size();
            }(),
            3, 10000);
        QMutexLocker lock(&m_seen->mutex);
        QCOMPARE(m_seen->deliveries, 4); // the refused one came again, then the other two
        QVERIFY(m_seen->sequences[0] < m_seen->sequences[1] && m_seen->sequences[1] < m_seen->sequences[2]);
    }

    void editedMigrationStopsOnlyThatService()
    {
        m_host->stop();
        writeMigration("CREATE TABLE things (id bigint PRIMARY KEY, note text);");
        m_host = std::make_unique<ServiceHost>(environment("host2"));
        m_host->add(std::make_unique<AlphaService>(40101, m_dir.path() + "/alpha-migrations"));
        m_host->add(std::make_unique<BetaService>(40102, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->runtime("beta")->health().ready, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(toString(m_host->runtime("alpha")->health().state),
                                  QStringLiteral("failed"), 30000);
        const HealthSnapshot alpha = m_host->runtime("alpha")->health();
        QVERIFY2(alpha.error.contains("was edited after it was applied"), qPrintable(alpha.error));
        QCOMPARE(httpRequest("GET", url(40101, "/health/ready")).status, 503);
        QCOMPARE(httpRequest("GET", url(40101, "/health")).json().value("status").toString(),
                 QStringLiteral("unhealthy"));
        QCOMPARE(httpRequest("GET", url(40102, "/health/ready")).status, 200);
        m_host->stop();
        writeMigration("CREATE TABLE things (id bigint PRIMARY KEY);");
    }

    void portConflictFailsOnlyThatService()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, m_base + 101));
        m_host = std::make_unique<ServiceHost>(environment("host3"));
        m_host->add(std::make_unique<AlphaService>(40101, m_dir.path() + "/alpha-migrations"));
        m_host->add(std::make_unique<BetaService>(40102, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->runtime("beta")->health().ready, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(toString(m_host->runtime("alpha")->health().state),
                                  QStringLiteral("failed"), 10000);
        QVERIFY(m_host->runtime("alpha")->health().error.contains("cannot listen"));
        QVERIFY(!m_host->allReady());

        // ServiceControl: a failed service is not started in place; a restart once the port is
        // free listens again and becomes ready, the others untouched. Remote names are refused.
        QString error;
        QVERIFY(!m_host->startService("alpha", &error));
        QVERIFY2(error.contains("failed") && error.contains("restart"), qPrintable(error));
        squatter.close();
        QVERIFY2(m_host->restartService("alpha", &error), qPrintable(error));
        QVERIFY(m_host->runtime("alpha")->health().ready);
        QCOMPARE(httpRequest("GET", url(40101, "/health/ready")).status, 200);
        QVERIFY(m_host->allReady());
        QVERIFY(m_host->controls("beta"));
        QVERIFY(!m_host->controls("elsewhere"));
        QVERIFY(!m_host->stopService("elsewhere", &error));
        QVERIFY2(error.contains("does not run in this process"), qPrintable(error));
        m_host->stop();
    }

    void tlsAndMutualTlsListeners()
    {
        // A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl.
        const QString d = m_dir.path() + "/pki";
        QDir().mkpath(d);
        auto run = [&](const QString &program, const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(d);
            p.start(program, args);
            p.waitForFinished(30000);
            return p.exitCode();
        };
        QCOMPARE(run("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
                                 "ca.pem", "-days", "1", "-subj", "/CN=PayDesk Test CA"}),
                 0);
        for (const QString &name : {QStringLiteral("server"), QStringLiteral("client")}) {
            QCOMPARE(run("openssl",
                         {"req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                          name + ".csr", "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1"}),
                     0);
            QCOMPARE(run("openssl", {"x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey",
                                     "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "1",
                                     "-copy_extensions", "copy"}),
                     0);
        }
        auto curl = [&](const QString &url, const QStringList &extra) {
            QProcess p;
            p.start("curl", QStringList{"-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                        "--cacert", d + "/ca.pem"} +
                                extra + QStringList{url});
            p.waitForFinished(10000);
            return QString::fromLatin1(p.readAllStandardOutput());
        };
        for (const bool mutual : {false, true}) {
            HostEnvironment env = environment(mutual ? "mtls" : "tls");
            env.config.set("tls_cert_file", d + "/server.pem", ConfigSource::Flag);
            env.config.set("tls_key_file", d + "/server.key", ConfigSource::Flag);
            env.config.set("tls_ca_file", d + "/ca.pem", ConfigSource::Flag);
            env.config.set("enable_mtls", mutual ? "true" : "false", ConfigSource::Flag);
            m_host = std::make_unique<ServiceHost>(env);
            m_host->add(std::make_unique<BetaService>(40102, m_seen));
            m_host->start();
            QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 30000);
            const QString https = QStringLiteral("https://127.0.0.1:%1/health/live").arg(m_base + 102);
            const QStringList clientCert{"--cert", d + "/client.pem", "--key", d + "/client.key"};
            QCOMPARE(curl(https, clientCert), QStringLiteral("200"));
            QCOMPARE(curl(https, mutual ? QStringList{} : QStringList{}),
                     mutual ? QStringLiteral("000") : QStringLiteral("200"));
            QCOMPARE(curl(url(40102, "/health/live"), {}),
                     QStringLiteral("000")); // no plain HTTP on a TLS port
            m_host->stop();
        }
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stop();
    }
};

QTEST_GUILESS_MAIN(PlatformTest)
#include "tst_platform.moc"
