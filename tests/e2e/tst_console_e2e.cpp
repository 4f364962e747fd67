// The merchant-management flow end to end, as an admin would drive it: a real paydesk-server
// (private PostgreSQL and Redis), payctl as a separate process, and a merchant calling with a
// signed request. Nothing in-process: only the programs a user runs.

#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace paydesk::testing;

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};
} // namespace

class ConsoleEndToEndTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-console-e2e-XXXXXX")};
    std::unique_ptr<ServerProcess> m_server;
    QString m_url;
    QString m_merchantId;

    Run payctl(const QStringList &args, const QByteArray &password = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", m_dir.path() + "/config"); // payctl's session lives here
        if (!password.isEmpty())
            env.insert("PAYCTL_PASSWORD", QString::fromUtf8(password));
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("PAYCTL_BIN"), QStringList{"--url", m_url} + args);
        process.closeWriteChannel();
        if (!process.waitForFinished(30000))
            process.kill();
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                process.readAllStandardOutput(), process.readAllStandardError()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("PAYCTL_BIN"), "ctest sets PAYCTL_BIN");
        const quint16 base = freeBasePort();
        m_url = QStringLiteral("http://127.0.0.1:%1").arg(base);
        m_server = std::make_unique<ServerProcess>(m_dir.path() + "/data", base);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->waitAllReady(120000, &error), qPrintable(error));
    }

    void firstAdminLogsInWithTheOneTimePassword()
    {
        QFile file(m_server->dataDir() + "/secrets/initial-admin-password");
        QTRY_VERIFY_WITH_TIMEOUT(file.exists(), 10000);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
        const QByteArray password = file.readAll().trimmed();
        QVERIFY(!password.isEmpty());
        QVERIFY2(m_server->output().contains("First admin: admin"),
                 qPrintable(m_server->output().right(2000)));

        const Run wrong = payctl({"login", "--username", "admin"}, "not-the-password");
        QCOMPARE(wrong.exitCode, 4);
        QVERIFY2(wrong.err.contains("INVALID_CREDENTIALS"), wrong.err.constData());
        const Run ok = payctl({"login", "--username", "admin"}, password);
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        QVERIFY(ok.out.contains("Logged in as admin"));
        QFile session(m_dir.path() + "/config/paydesk/payctl.json");
        QVERIFY(session.exists());
        QCOMPARE(session.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
    }

    void statusShowsEveryServiceReady()
    {
        const Run status = payctl({"status", "--json"});
        QCOMPARE(status.exitCode, 0);
        const QJsonArray rows = QJsonDocument::fromJson(status.out).array();
        QCOMPARE(rows.size(), 18);
        for (const QJsonValue &row : rows)
            QVERIFY2(row.toObject().value("ready").toBool(),
                     qPrintable(row.toObject().value("service").toString()));
    }

    void adminOnboardsAMerchant()
    {
        const Run created =
            payctl({"merchants", "create", "--json", "--name", "Corner Books", "--email",
                    "owner@cornerbooks.example", "--country", "DE", "--business-type", "individual"});
        QVERIFY2(created.exitCode == 0, created.err.constData());
        m_merchantId = created.json().value("id").toString();
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("pending"));

        const Run list = payctl({"merchants", "list", "--status", "pending"});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("Corner Books"));
        QVERIFY(list.out.contains(m_merchantId.toLatin1()));

        // Activation waits for KYC: refused with the stable code, exit code 1.
        const Run activate = payctl({"merchants", "activate", m_merchantId, "--reason", "looks fine"});
        QCOMPARE(activate.exitCode, 1);
        QVERIFY2(activate.err.contains("KYC_NOT_VERIFIED"), activate.err.constData());
        QCOMPARE(payctl({"merchants", "activate", m_merchantId}).exitCode, 2); // --reason is required

        const Run bad = payctl({"merchants", "create", "--name", "X", "--email", "not-an-email", "--country",
                                "DE", "--business-type", "individual"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("VALIDATION_FAILED"), bad.err.constData());
    }

    void merchantCallsWithASignedRequest()
    {
        const Run key =
            payctl({"keys", "create", m_merchantId, "--env", "test", "--label", "shop", "--json"});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        const QByteArray keyId = key.json().value("key_id").toString().toLatin1();
        const QByteArray secret = key.json().value("secret").toString().toLatin1();
        QVERIFY(keyId.startsWith("pk_test_"));
        QVERIFY(secret.startsWith("sk_test_"));
        const Run keys = payctl({"keys", "list", m_merchantId});
        QVERIFY(keys.out.contains(keyId));
        QVERIFY(!keys.out.contains(secret)); // shown once, never listed

        auto signedGet = [&](const QByteArray &signingSecret) {
            const QByteArray timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toLatin1();
            const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
            const QByteArray signature =
                QMessageAuthenticationCode::hash(timestamp + nonce, signingSecret, QCryptographicHash::Sha256)
                    .toHex();
            return httpRequest("GET", m_server->url(40002, "/api/v1/me"), {},
                               {{"X-API-Key", keyId},
                                {"X-Signature", signature},
                                {"X-Timestamp", timestamp},
                                {"X-Nonce", nonce}});
        };
        const HttpResult me = signedGet(secret);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value("id").toString(), m_merchantId);
        QCOMPARE(signedGet("sk_test_wrong").status, 401);
        QCOMPARE(httpRequest("GET", m_server->url(40002, "/api/v1/me")).status, 401);

        // KYC reviewed in the console, the merchant activated; a suspension stops its key at once
        // (without revoking it) and re-activation restores it.
        const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(56, 'p');
        const HttpResult uploaded =
            httpRequest("POST", m_server->url(40015, "/api/v1/merchants/" + m_merchantId + "/kyc/documents"),
                        QJsonDocument(QJsonObject{{"type", "id_card"},
                                                  {"content_type", "image/png"},
                                                  {"file_name", "id.png"},
                                                  {"content_base64", QString::fromLatin1(png.toBase64())}})
                            .toJson(),
                        {{"Authorization", "Bearer " + adminToken(m_server->dataDir(), {"kyc.review"})}});
        QCOMPARE(uploaded.status, 201);
        const QString caseId = uploaded.json().value("case").toObject().value("id").toString();
        QVERIFY(payctl({"kyc", "queue"}).out.contains(caseId.toLatin1()));
        const Run approved = payctl({"kyc", "approve", caseId, "--reason", "passport matches"});
        QVERIFY2(approved.exitCode == 0, approved.err.constData());
        // kyc.events reach merchant-service through the outbox: wait for kyc_status, then activate.
        QTRY_COMPARE_WITH_TIMEOUT(
            payctl({"merchants", "show", m_merchantId, "--json"}).json().value("kyc_status").toString(),
            QStringLiteral("verified"), 10000);
        const Run activated = payctl({"merchants", "activate", m_merchantId, "--reason", "KYC approved"});
        QVERIFY2(activated.exitCode == 0, activated.err.constData());
        QVERIFY2(payctl({"merchants", "suspend", m_merchantId, "--reason", "chargeback spike"}).exitCode == 0,
                 "suspend");
        QTRY_COMPARE_WITH_TIMEOUT(signedGet(secret).status, 403, 10000);
        QCOMPARE(signedGet(secret).json().value("code").toString(), QStringLiteral("MERCHANT_NOT_ACTIVE"));
        QVERIFY(payctl({"merchants", "activate", m_merchantId, "--reason", "resolved"}).exitCode == 0);
        QTRY_COMPARE_WITH_TIMEOUT(signedGet(secret).status, 200, 10000);

        const Run revoked = payctl({"keys", "revoke", QString::fromLatin1(keyId), "--reason", "test over"});
        QVERIFY2(revoked.exitCode == 0, revoked.err.constData());
        QCOMPARE(signedGet(secret).status, 401);
    }

    void limitsConfigAndFlags()
    {
        Run set = payctl({"limits", "set", m_merchantId, "--currency", "EUR", "--daily", "250000"});
        QVERIFY2(set.exitCode == 0, set.err.constData());
        const Run show = payctl({"limits", "show", m_merchantId, "--json"});
        QCOMPARE(show.exitCode, 0);
        bool found = false;
        for (const QJsonValue &limit : show.json().value("limits").toArray()) {
            if (limit.toObject().value("currency").toString() == "EUR") {
                found = true;
                QCOMPARE(limit.toObject().value("effective").toObject().value("daily_max_minor").toInteger(),
                         250000);
            }
        }
        QVERIFY(found);

        set = payctl({"config", "set", "checkout.theme", "\"dark\""});
        QVERIFY2(set.exitCode == 0, set.err.constData());
        const Run get = payctl({"config", "get", "checkout.theme", "--json"});
        QCOMPARE(get.exitCode, 0);
        QCOMPARE(get.json().value("value").toString(), QStringLiteral("dark"));
        QCOMPARE(payctl({"config", "get", "no.such.key"}).exitCode, 1);

        set = payctl({"flags", "set", "new-checkout", "--enabled", "true", "--rollout", "25"});
        QVERIFY2(set.exitCode == 0, set.err.constData());
        const Run flags = payctl({"flags", "list"});
        QCOMPARE(flags.exitCode, 0);
        QVERIFY(flags.out.contains("new-checkout"));
    }

    void everyChangeIsInTheAuditLog()
    {
        const QString token = QString::fromLatin1(adminToken(m_server->dataDir(), {"audit.view"}));
        QTRY_VERIFY_WITH_TIMEOUT(httpRequest("GET", m_server->url(40001, "/api/v1/audit-logs?page_size=100"),
                                             {}, {{"Authorization", "Bearer " + token.toLatin1()}})
                                         .json()
                                         .value("total")
                                         .toInt() >= 5,
                                 10000);
        const QJsonArray logs = httpRequest("GET", m_server->url(40001, "/api/v1/audit-logs?page_size=100"),
                                            {}, {{"Authorization", "Bearer " + token.toLatin1()}})
                                    .json()
                                    .value("items")
                                    .toArray();
        QStringList actions;
        for (const QJsonValue &entry : logs)
            actions.append(entry.toObject().value("action").toString());
        for (const char *expected : {"merchant.create", "apikey.create", "apikey.revoke"})
            QVERIFY2(std::any_of(actions.begin(), actions.end(),
                                 [&](const QString &a) { return a.startsWith(expected); }),
                     qPrintable(expected + QStringLiteral(" missing in ") + actions.join(',')));
    }

    void loggedOutConsoleIsRefused()
    {
        QCOMPARE(payctl({"logout"}).exitCode, 0);
        const Run refused = payctl({"merchants", "list"});
        QCOMPARE(refused.exitCode, 4);
        QVERIFY(refused.err.contains("UNAUTHORIZED"));
        QCOMPARE(payctl({"bogus"}).exitCode, 2);
    }

    void cleanupTestCase()
    {
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }
};

QTEST_GUILESS_MAIN(ConsoleEndToEndTest)
#include "tst_console_e2e.moc"
