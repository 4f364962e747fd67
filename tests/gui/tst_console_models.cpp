// The console's models fed by a real paydesk-server (private PostgreSQL and Redis, 18 services):
// HealthModel from GET /api/v1/system/health (and its history), the dashboard's one request per
// refresh and its repaint-only-what-changed tiles, and KycQueueModel from the KYC queue after a
// merchant and a KYC document were created through the API.

#include "FirstRunDialog.h"
#include "api/PlatformClient.h"
#include "health/HealthDashboard.h"
#include "health/HealthModel.h"
#include "health/HealthTile.h"
#include "merchants/KycQueueModel.h"
#include "profiles/SecretStore.h"
#include "profiles/Session.h"
#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QApplication>
#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace paydesk;
using namespace paydesk::console;
using namespace paydesk::testing;

namespace {
QByteArray pngBytes()
{
    QImage image(64, 40, QImage::Format_RGB32);
    image.fill(QColor("#1a73e8"));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}
} // namespace

class TestConsoleModels : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-gui-XXXXXX")};
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<api::PlatformClient> m_client;
    quint16 m_base = 0;

private Q_SLOTS:
    void initTestCase()
    {
        const quint16 base = m_base = freeBasePort();
        QStandardPaths::setTestModeEnabled(true); // profiles of this test only
        m_server = std::make_unique<ServerProcess>(m_dir.path() + QStringLiteral("/data"), base);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->waitAllReady(120000, &error), qPrintable(error));
        api::ServiceMap map;
        map.basePort = base;
        m_client = std::make_unique<api::PlatformClient>(map);
        m_client->setAccessToken(
            adminToken(m_server->dataDir(),
                       {"system.view", "merchant.create", "merchant.view", "kyc.view", "kyc.review"}));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }

    void systemHealthNeedsAnAdmin()
    {
        api::PlatformClient anonymous(m_client->serviceMap());
        const api::ApiResult r = anonymous.sendSync(api::requests::systemHealth());
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode, QStringLiteral("UNAUTHORIZED"));
    }

    void healthModelShowsEveryServiceAndTheInfrastructure()
    {
        // The monitor samples once a second; wait for a round in which every service answered.
        api::ApiResult r;
        // (A loaded machine can fail a check now and then: wait for a round where all pass.)
        const auto allHealthy = [&] {
            r = m_client->sendSync(api::requests::systemHealth());
            return r.ok() && r.object().value("services").toArray().size() == 18 &&
                   r.object().value("summary").toObject().value("healthy").toInt() == 18;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(allHealthy(), r.body.toJson().constData(), 30000);
        HealthModel model;
        QCOMPARE(model.apply(r.object()), 20);
        QCOMPARE(model.rowCount(), 20); // 18 services + PostgreSQL + Redis
        const HealthRow *postgres = model.row(QStringLiteral("postgresql"));
        QVERIFY(postgres && postgres->infrastructure);
        QCOMPARE(postgres->state, QStringLiteral("healthy"));
        QVERIFY(model.row(QStringLiteral("redis"))->ready);
        for (const api::ServiceEndpoint &endpoint : api::knownServices()) {
            const HealthRow *row = model.row(endpoint.name);
            QVERIFY2(row, qPrintable(endpoint.name));
            QVERIFY2(row->state == QStringLiteral("healthy"), qPrintable(endpoint.name + u' ' + row->detail));
            QVERIFY(row->ready);
            QVERIFY2(!row->checks.isEmpty(), qPrintable(endpoint.name));
        }

        // Traffic shows up as req/s and p95 of the service it hit (probes are not counted).
        for (int i = 0; i < 40; ++i)
            QVERIFY(m_client->sendSync(api::requests::merchants({})).ok());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                model.apply(m_client->sendSync(api::requests::systemHealth()).object());
                const HealthRow *merchant = model.row(QStringLiteral("merchant-service"));
                return merchant->requestsPerSecond > 1 && merchant->p95Ms > 0;
            }(),
            10000);
        // Same figures again: only rows whose sparkline still moves (traffic in their recent history)
        // change; idle services and the infrastructure stay as they are, nothing there to repaint.
        const QJsonObject again = m_client->sendSync(api::requests::systemHealth()).object();
        model.apply(again);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const int changedRows = model.apply(again);
        QCOMPARE(changed.count(), changedRows);
        QVERIFY2(changedRows < 20, qPrintable(QString::number(changedRows)));
        for (const QList<QVariant> &signal : changed) {
            const HealthRow &row = model.rows().at(signal.at(0).toModelIndex().row());
            const auto moving = [](const QList<double> &h) {
                return std::any_of(h.begin(), h.end(), [&h](double v) { return v != h.last(); });
            };
            QVERIFY2(!row.infrastructure && (moving(row.rpsHistory) || moving(row.p95History)),
                     qPrintable(row.name));
        }

        const api::ApiResult history =
            m_client->sendSync(api::requests::systemHealthHistory(QStringLiteral("merchant-service"), 60));
        QVERIFY2(history.ok(), qPrintable(history.errorMessage));
        QVERIFY(history.object().value("items").toArray().size() >= 2);
        QCOMPARE(m_client->sendSync(api::requests::systemHealthHistory(QStringLiteral("nope"), 60)).status,
                 404);
        QCOMPARE(m_client->sendSync(api::requests::systemHealthHistory({}, 0)).status, 422);
    }

    void dashboardMakesOneRequestPerRefreshAndRepaintsOnlyChanges()
    {
        HealthDashboard dashboard(m_client.get());
        dashboard.setRefreshInterval(60000); // refreshes driven by the test
        dashboard.resize(1280, 760);
        dashboard.show();
        QSignalSpy refreshed(&dashboard, &HealthDashboard::refreshed);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 10000);
        QVERIFY(refreshed.first().at(0).toBool());
        QCOMPARE(dashboard.tiles().size(), 20);
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.tiles().first()->paintCount() > 0, 5000);
        QCoreApplication::processEvents();
        // An idle installation: another sample changes nothing visible on most tiles.
        QHash<QString, int> paints;
        for (HealthTile *tile : dashboard.tiles())
            paints.insert(tile->name(), tile->paintCount());
        dashboard.refreshNow();
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 2, 10000);
        QTest::qWait(50); // let queued paints happen
        int repainted = 0;
        for (HealthTile *tile : dashboard.tiles())
            repainted += tile->paintCount() > paints.value(tile->name()) ? 1 : 0;
        QVERIFY2(repainted < 20, qPrintable(QStringLiteral("%1 of 20 tiles repainted").arg(repainted)));
        QCOMPARE(dashboard.refreshCount(), int(refreshed.count()));
    }

    void kycQueueModelListsTheCase()
    {
        const api::ApiResult merchant =
            m_client->sendSync(api::requests::createMerchant({{"name", "Queue Books"},
                                                              {"email", "queue@books.example"},
                                                              {"country", "DE"},
                                                              {"business_type", "individual"}}));
        QVERIFY2(merchant.ok(), qPrintable(merchant.errorMessage));
        const QString merchantId = merchant.object().value("id").toString();
        const api::ApiResult upload = m_client->sendSync(api::requests::uploadKycDocument(
            merchantId, {{"type", "id_card"},
                         {"content_type", "image/png"},
                         {"file_name", "id.png"},
                         {"content_base64", QString::fromLatin1(pngBytes().toBase64())}}));
        QVERIFY2(upload.ok(), qPrintable(upload.errorMessage));
        const QString caseId = upload.object().value("case").toObject().value("id").toString();

        QUrlQuery pending;
        pending.addQueryItem(QStringLiteral("status"), QStringLiteral("pending"));
        const api::ApiResult queue = m_client->sendSync(api::requests::kycQueue(pending));
        QVERIFY2(queue.ok(), qPrintable(queue.errorMessage));
        KycQueueModel model;
        model.setPage(queue.object());
        const int row = model.rowOfCase(caseId);
        QVERIFY(row >= 0);
        QCOMPARE(model.data(model.index(row, KycQueueModel::StatusColumn)).toString(),
                 QStringLiteral("pending"));
        QCOMPARE(model.data(model.index(row, KycQueueModel::DocumentsColumn)).toInt(), 1);
        QCOMPARE(model.data(model.index(row, KycQueueModel::MerchantColumn), Qt::ToolTipRole).toString(),
                 merchantId);
        // The merchant's name from merchant-service (the id stays in the tooltip).
        QCOMPARE(model.data(model.index(row, KycQueueModel::MerchantColumn)).toString(),
                 QStringLiteral("Queue Books"));
        QCOMPARE(model.data(model.index(row, KycQueueModel::CaseColumn), Qt::ToolTipRole).toString(), caseId);
        QCOMPARE(model.headerData(KycQueueModel::LevelColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Target level"));

        // The document content comes back as bytes, not JSON.
        const api::ApiResult caseResult = m_client->sendSync(api::requests::kycCase(caseId));
        const QString documentId =
            caseResult.object().value("documents").toArray().first().toObject().value("id").toString();
        const api::ApiResult content = m_client->sendSync(api::requests::kycDocumentContent(documentId));
        QVERIFY2(content.ok(), qPrintable(content.errorMessage));
        QCOMPARE(content.raw, pngBytes());
        QVERIFY(content.contentType.startsWith(QStringLiteral("image/png")));
    }

    void remoteProfileSignsInAndResumesWithItsRefreshToken()
    {
        ConnectionProfile profile;
        profile.name = QStringLiteral("test-cluster");
        profile.mode = ConnectionProfile::Mode::Remote;
        profile.url = QStringLiteral("http://127.0.0.1:%1").arg(m_base);
        InMemorySecretStore secrets;
        api::PlatformClient client(profile.serviceMap());
        Session session(profile, &secrets, &client);
        QSignalSpy failed(&session, &Session::loginFailed);
        QSignalSpy in(&session, &Session::loggedIn);
        session.login(QStringLiteral("not-the-password"), false);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY2(failed.first().at(0).toString().startsWith(QStringLiteral("INVALID_CREDENTIALS")),
                 qPrintable(failed.first().at(0).toString()));
        QFile file(m_server->dataDir() + QStringLiteral("/secrets/initial-admin-password"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        session.login(QString::fromUtf8(file.readAll().trimmed()), false);
        QTRY_COMPARE_WITH_TIMEOUT(in.count(), 1, 10000);
        QVERIFY(client.sendSync(api::requests::systemHealth()).ok());
        // A remote profile keeps the refresh token, not the password.
        SecretResult token, password;
        secrets.read(refreshTokenKey(profile.name)).then([&](const SecretResult &r) { token = r; });
        secrets.read(passwordKey(profile.name)).then([&](const SecretResult &r) { password = r; });
        QTRY_VERIFY(token.ok && password.ok);
        QVERIFY(token.value && !token.value->isEmpty());
        QVERIFY(!password.value);

        // The next start: the set-up dialog resumes the profile with that token, without asking.
        FirstRunDialog dialog(&secrets);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.resumeRemote(profile);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
        std::unique_ptr<api::PlatformClient> resumed(dialog.takeClient());
        QVERIFY(resumed && resumed->sendSync(api::requests::systemHealth()).ok());
    }
};

QTEST_MAIN(TestConsoleModels)
#include "tst_console_models.moc"
