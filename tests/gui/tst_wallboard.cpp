// The wallboard against a real paydesk-server process (on the test PostgreSQL and Redis): payment
// events written to payment-gateway's outbox reach analytics-service through the server's own
// relay and bus, and WallboardModel — polling through PlatformClient, asynchronously — shows the
// exact figures. Without GET /api/v1/system/health (admin-service on another branch) every tile is
// "unknown" and the board still works; the documented health shape is applied directly too.
// The board is rendered offscreen and saved as ${CMAKE_BINARY_DIR}/screenshots/wallboard.png.

#include "wallboard/Wallboard.h"
#include "wallboard/WallboardModel.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QQuickItem>
#include <QQuickView>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace paydesk;
using namespace paydesk::testing;

class WallboardTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-wallboard-test-XXXXXX")};
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<api::PlatformClient> m_client;
    qint64 m_created = 0;
    qint64 m_failed = 0;

    static QString unknownTileStates(const console::HealthTileModel &tiles)
    {
        QStringList states;
        for (const auto &tile : tiles.tiles())
            if (tile.state != QStringLiteral("unknown"))
                states << tile.name + '=' + tile.state;
        return states.join(',');
    }

    // A minute-by-minute history of the last 12 minutes, written to payment-gateway's outbox as
    // the gateway would: n created per minute, one failure every third minute, the rest succeed.
    bool emitHistory(QString *error)
    {
        QSqlDatabase db = serviceDatabase(m_infra, "test-gateway", "payment_gateway");
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QDateTime minute0 = QDateTime::fromSecsSinceEpoch(now - now % 60, Qt::UTC);
        return platform::inTransaction(
            db,
            [&](QString *why) {
                for (int k = 1; k <= 12; ++k) {
                    const int n = 3 + (k * 7) % 5;
                    for (int i = 0; i < n; ++i) {
                        const QString paymentNo = QStringLiteral("PYW-%1-%2-%3").arg(now).arg(k).arg(i);
                        const QDateTime createdAt = minute0.addSecs(-60LL * k + 5 + i);
                        const bool fail = k % 3 == 0 && i == 0;
                        QJsonObject payload{{"payment_no", paymentNo},
                                            {"merchant_id", "m-wall"},
                                            {"order_no", "O-" + paymentNo},
                                            {"amount_minor", 1000 + 100 * i},
                                            {"currency", i % 2 ? "EUR" : "USD"},
                                            {"channel", "sandbox"},
                                            {"environment", "test"},
                                            {"occurred_at", createdAt.toString(Qt::ISODateWithMs)}};
                        platform::Event created{.eventId = QUuid::createUuid(),
                                                .topic = "payment.events",
                                                .type = "payment.created",
                                                .aggregateType = "payment",
                                                .aggregateId = paymentNo,
                                                .payload = payload};
                        if (platform::outbox::append(db, created, why) <= 0)
                            return false;
                        payload["occurred_at"] = createdAt.addMSecs(150 + 40 * k).toString(Qt::ISODateWithMs);
                        payload["status"] = fail ? "failed" : "success";
                        platform::Event outcome = created;
                        outcome.eventId = QUuid::createUuid();
                        outcome.type = fail ? "payment.failed" : "payment.success";
                        outcome.payload = payload;
                        if (platform::outbox::append(db, outcome, why) <= 0)
                            return false;
                        ++m_created;
                        m_failed += fail ? 1 : 0;
                    }
                }
                return true;
            },
            error);
    }

    // The shape of admin-service's GET /api/v1/system/health (branch gui-shell, README).
    static api::ApiResult sampleHealth()
    {
        api::ApiResult health;
        health.status = 200;
        health.body = QJsonDocument(QJsonObject{
            {"services", QJsonArray{QJsonObject{{"service", "payment-gateway"},
                                                {"state", "healthy"},
                                                {"req_per_s", 41.5},
                                                {"p95_ms", 12.0}},
                                    QJsonObject{{"service", "risk-service"},
                                                {"state", "degraded"},
                                                {"req_per_s", 3},
                                                {"p95_ms", QJsonValue()}},
                                    QJsonObject{{"service", "extra-service"}, {"state", "unreachable"}}}},
            {"infrastructure", QJsonArray{QJsonObject{{"name", "postgresql"}, {"state", "healthy"}},
                                          QJsonObject{{"name", "redis"}, {"state", "unhealthy"}}}}});
        return health;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        const quint16 base = freeBasePort();
        m_server = std::make_unique<ServerProcess>(
            m_dir.path() + "/data", base, QStringList{},
            QHash<QString, QString>{{"PAYDESK_DATABASE_URL", m_infra.databaseUrl()},
                                    {"PAYDESK_REDIS_URL", m_infra.redisUrl()}});
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->waitAllReady(180000, &error), qPrintable(error));
        m_client = std::make_unique<api::PlatformClient>(
            api::ServiceMap::fromUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(base))));
        m_client->setAccessToken(adminToken(m_server->dataDir(), {"payment.view", "system.view"}));
    }

    void modelShowsRealPaymentFigures()
    {
        console::WallboardModel model(m_client.get());
        model.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model.completedPolls(), 1, 30000);
        QVERIFY2(model.paymentsKnown(), qPrintable(model.statusText()));
        QCOMPARE(model.tileModel().rowCount(), int(api::knownServices().size()) + 2);
        if (!model.healthKnown()) // this tree has no /api/v1/system/health yet
            QVERIFY2(unknownTileStates(model.tileModel()).isEmpty(),
                     qPrintable(unknownTileStates(model.tileModel())));

        QString error;
        QVERIFY2(emitHistory(&error), qPrintable(error));
        const qint64 succeeded = m_created - m_failed;
        const double rate = std::round(10000.0 * double(succeeded) / double(m_created)) / 10000.0;
        // The server's relay and analytics-service take them in; the model sees them on a later poll.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                model.refresh();
                return model.failed() == m_failed && model.successRate() == rate;
            }(),
            60000);
        QCOMPARE(m_failed, 4); // minutes 3, 6, 9 and 12
        QVERIFY(model.p95Ms() > 0);
        QVERIFY(model.p95Ms() <= 1000); // 190 … 630 ms, in the ≤ 750 ms bucket
        QCOMPARE(model.paymentsTrend().size(), console::WallboardModel::kWindowMinutes);
        double trendTotal = 0;
        for (const QVariant &v : model.paymentsTrend())
            trendTotal += v.toDouble();
        QCOMPARE(qint64(trendTotal), m_created);
        QVERIFY(model.paymentsPerMinute() > 0);
        // Latency 150 + 40 k ms in minute k: every minute's p95 bucket is ≤ 750 ms.
        QVERIFY(!model.p95Trend().isEmpty());
        for (const QVariant &v : model.p95Trend())
            QVERIFY(v.toDouble() > 0 && v.toDouble() <= 750);
    }

    void healthAnswerFillsTheTiles()
    {
        console::WallboardModel model(nullptr);
        model.applyHealth(sampleHealth());
        QVERIFY(model.healthKnown());
        const QList<console::HealthTileModel::Tile> &tiles = model.tileModel().tiles();
        QCOMPARE(tiles.size(), api::knownServices().size() + 3); // the known layout plus extra-service
        QCOMPARE(tiles.last().name, QStringLiteral("extra-service"));
        QHash<QString, console::HealthTileModel::Tile> byName;
        for (const auto &tile : tiles)
            byName.insert(tile.name, tile);
        QCOMPARE(byName["payment-gateway"].state, QStringLiteral("healthy"));
        QCOMPARE(byName["payment-gateway"].requestsPerSecond, 41.5);
        QCOMPARE(byName["payment-gateway"].p95Ms, 12.0);
        QCOMPARE(byName["risk-service"].p95Ms, -1.0);
        QCOMPARE(byName["redis"].state, QStringLiteral("unhealthy"));
        QCOMPARE(byName["kyc-service"].state, QStringLiteral("unknown"));
        QCOMPARE(model.healthyCount(), 2);
        // A refused answer puts every tile back to unknown.
        api::ApiResult refused;
        refused.status = 404;
        refused.errorCode = "NOT_FOUND";
        model.applyHealth(refused);
        QVERIFY(!model.healthKnown());
        QVERIFY(unknownTileStates(model.tileModel()).isEmpty());
    }

    void wallboardRendersAndIsSaved()
    {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        std::unique_ptr<QQuickView> view(console::Wallboard::create(m_client.get()));
        QCOMPARE(view->status(), QQuickView::Ready);
        QVERIFY(view->errors().isEmpty());
        console::WallboardModel *model = console::Wallboard::model(view.get());
        QVERIFY(model);
        view->resize(1920, 1080);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        QTRY_VERIFY_WITH_TIMEOUT(model->completedPolls() >= 2 && model->failed() == m_failed, 30000);
        const QImage image = view->grabWindow();
        QCOMPARE(image.size(), QSize(1920, 1080));
        // Not a blank frame: the dark background plus text, tiles and trend lines.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 4)
            for (int x = 0; x < image.width(); x += 4)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        QVERIFY(QDir().mkpath(PAYDESK_SCREENSHOT_DIR));
        const QString file = QStringLiteral(PAYDESK_SCREENSHOT_DIR "/wallboard.png");
        QVERIFY(image.save(file));
        qInfo("wallboard screenshot: %s", qPrintable(file));

        // The same board once admin-service reports health (documented shape): coloured tiles.
        model->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!model->polling(), 10000);
        model->applyHealth(sampleHealth());
        Q_EMIT model->changed();
        const QImage withHealth = view->grabWindow();
        QVERIFY(withHealth != image);
        QVERIFY(withHealth.save(QStringLiteral(PAYDESK_SCREENSHOT_DIR "/wallboard-health.png")));
    }

    void cleanupTestCase()
    {
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }
};

QTEST_MAIN(WallboardTest)
#include "tst_wallboard.moc"
