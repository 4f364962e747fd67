// The single-site default: paydesk-server creates and supervises its own PostgreSQL and
// redis-server in the data directory. Two installations run side by side on shifted ports, and
// the start/status/stop commands work against a background server.

#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::testing;

namespace {
struct CommandResult
{
    int exitCode = -1;
    QByteArray output;
};

CommandResult runCommand(const QStringList &arguments, int timeoutMs = 120000)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(ServerProcess::binary(), arguments);
    if (!process.waitForFinished(timeoutMs))
        process.kill();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAll()};
}

bool portOpen(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost("127.0.0.1", port);
    return socket.waitForConnected(500);
}
} // namespace

class EmbeddedTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-embedded-test-XXXXXX")};

private Q_SLOTS:
    void twoInstancesRunSideBySide()
    {
        const quint16 baseA = freeBasePort();
        quint16 baseB = freeBasePort();
        while (baseB == baseA)
            baseB = freeBasePort();
        ServerProcess a(m_dir.path() + "/a", baseA);
        ServerProcess b(m_dir.path() + "/b", baseB);
        QString error;
        QVERIFY2(a.start(&error), qPrintable(error));
        QVERIFY2(b.start(&error), qPrintable(error));
        QVERIFY2(a.waitAllReady(90000, &error), qPrintable(error));
        QVERIFY2(b.waitAllReady(90000, &error), qPrintable(error));

        // Each has its own private PostgreSQL and Redis on its own shifted ports.
        // (retried: on a loaded 2-core machine one connect can miss its 500 ms)
        QTRY_VERIFY_WITH_TIMEOUT(portOpen(baseA + 432) && portOpen(baseB + 432), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(portOpen(baseA + 379) && portOpen(baseB + 379), 15000);
        QCOMPARE(httpRequest("GET", a.url(40003, "/health")).json().value("port").toInt(), baseA + 3);
        QCOMPARE(httpRequest("GET", b.url(40003, "/health")).json().value("port").toInt(), baseB + 3);

        const CommandResult status = runCommand(
            {"status", "--json", "--data-dir", a.dataDir(), "--base-port", QString::number(baseA)});
        QCOMPARE(status.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(status.output).object();
        QCOMPARE(report.value("all_ready").toBool(), true);
        QCOMPARE(report.value("pid").toInteger(), a.pid());
        QCOMPARE(report.value("services").toArray().size(), 18);
        QCOMPARE(report.value("infrastructure").toArray().size(), 2);

        // A second server on the same data directory is refused, and the first keeps running.
        const CommandResult second =
            runCommand({"run", "--data-dir", a.dataDir(), "--base-port", QString::number(baseA)}, 30000);
        QVERIFY(second.exitCode != 0);
        QVERIFY2(second.output.contains("already runs"), second.output.constData());
        QCOMPARE(httpRequest("GET", a.url(40001, "/health/ready")).status, 200);

        QCOMPARE(a.stop(), 0);
        QVERIFY(!portOpen(baseA + 432));
        QVERIFY(!portOpen(baseA + 379));
        QCOMPARE(httpRequest("GET", b.url(40001, "/health/ready")).status, 200); // b is unaffected
        QCOMPARE(b.stop(), 0);
        QVERIFY(!portOpen(baseB + 432));
    }

    void startStatusStopCommands()
    {
        const quint16 base = freeBasePort();
        const QStringList where{"--data-dir", m_dir.path() + "/bg", "--base-port", QString::number(base)};
        const CommandResult started = runCommand(QStringList{"start"} + where);
        QVERIFY2(started.exitCode == 0, started.output.constData());
        QVERIFY(started.output.contains("payment-gateway"));

        const CommandResult status = runCommand(QStringList{"status"} + where);
        QCOMPARE(status.exitCode, 0);
        QVERIFY(status.output.contains("merchant-limit-service"));
        QVERIFY(status.output.contains("postgresql"));

        const CommandResult stopped = runCommand(QStringList{"stop"} + where);
        QVERIFY2(stopped.exitCode == 0, stopped.output.constData());
        const CommandResult after = runCommand(QStringList{"status", "--json"} + where);
        QCOMPARE(after.exitCode, 1);
        QCOMPARE(QJsonDocument::fromJson(after.output).object().value("pid").toInteger(), 0);
        QVERIFY(!portOpen(base + 432));
    }

    void printConfigShowsSources()
    {
        qputenv("PAYDESK_LOG_LEVEL", "warn");
        const CommandResult result =
            runCommand({"--print-config", "--base-port", "41000", "--data-dir", m_dir.path() + "/cfg"});
        qunsetenv("PAYDESK_LOG_LEVEL");
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.output.contains("base_port"));
        QVERIFY2(result.output.contains("flag     41000"), result.output.constData());
        QVERIFY2(result.output.contains("env      warn"), result.output.constData());
        QVERIFY(runCommand({"--print-config", "--no-such-option", "1"}).exitCode == 2);
        QVERIFY(runCommand({"explode"}).exitCode == 2);
    }
};

QTEST_GUILESS_MAIN(EmbeddedTest)
#include "tst_embedded.moc"
