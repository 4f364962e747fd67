// Trace trees: parent/child, orphans and ordering on made-up spans, then on the spans a real
// paydesk-server records (a kyc-service request calling merchant-service), fetched the way the
// trace view fetches them; the trace view's search, waterfall, span logs and picture.

#include "api/PlatformClient.h"
#include "logs/LogTableModel.h"
#include "support/ServerProcess.h"
#include "support/TestSupport.h"
#include "traces/TraceTree.h"
#include "traces/TraceView.h"
#include "traces/WaterfallWidget.h"

#include <QDir>
#include <QEventLoop>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUuid>

using namespace paydesk;
using namespace paydesk::console;
using namespace paydesk::testing;

namespace {
QJsonObject span(const char *id, const char *parent, const char *service, qint64 startUs, qint64 durationUs,
                 bool error = false)
{
    QJsonObject object{{"trace_id", "t1"},
                       {"span_id", id},
                       {"service", service},
                       {"operation", "GET /x"},
                       {"kind", "server"},
                       {"start_unix_us", startUs},
                       {"duration_us", durationUs},
                       {"status", error ? 500 : 200},
                       {"error", error}};
    if (*parent)
        object.insert("parent_span_id", parent);
    return object;
}

QList<int> depths(const Trace &trace)
{
    QList<int> result;
    for (const TraceRow &row : trace.rows)
        result.append(row.depth);
    return result;
}

QStringList order(const Trace &trace)
{
    QStringList result;
    for (const TraceRow &row : trace.rows)
        result.append(trace.spans.at(row.span).spanId);
    return result;
}

api::ApiResult wait(QFuture<api::ApiResult> future)
{
    if (!future.isFinished()) {
        QEventLoop loop;
        auto done = future.then(&loop, [&loop](const api::ApiResult &) { loop.quit(); });
        loop.exec();
    }
    return future.result();
}
} // namespace

class TraceTreeTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-gui-traces-XXXXXX")};
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<api::PlatformClient> m_client;
    quint16 m_base = 0;

    // A kyc-service upload for a merchant that does not exist: kyc-service asks merchant-service.
    api::ApiResult uploadForUnknownMerchant()
    {
        const QString merchant = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QJsonObject body{
            {"type", "other"},
            {"content_type", "application/pdf"},
            {"file_name", "scan.pdf"},
            {"content_base64", QString::fromLatin1(QByteArray("%PDF-1.7\n%x\n").toBase64())}};
        return m_client->sendSync("kyc-service", "POST",
                                  QStringLiteral("/api/v1/merchants/%1/kyc/documents").arg(merchant), body);
    }

    QList<QJsonObject> spansOfTrace(const QString &traceId)
    {
        QList<QJsonObject> all;
        QUrlQuery filter;
        filter.addQueryItem("trace_id", traceId);
        for (const api::ServiceEndpoint &endpoint : api::knownServices()) {
            const api::ApiResult result = wait(m_client->spans(endpoint.name, filter));
            for (const QJsonValue &item : result.items())
                all.append(item.toObject());
        }
        return all;
    }

private Q_SLOTS:
    void parentsAndChildrenInStartOrder()
    {
        // Given out of order: children sort by start, depth follows the parent chain.
        const Trace trace = buildTrace({span("c2", "r", "b", 300, 50), span("g", "c1", "c", 150, 20),
                                        span("r", "", "a", 100, 500), span("c1", "r", "b", 120, 100)});
        QCOMPARE(order(trace), QStringList({"r", "c1", "g", "c2"}));
        QCOMPARE(depths(trace), QList<int>({0, 1, 2, 1}));
        QCOMPARE(trace.rows.at(2).parentRow, 1);
        QCOMPARE(trace.startUs, 100);
        QCOMPARE(trace.endUs, 600);
        QCOMPARE(trace.services(), QStringList({"a", "b", "c"}));
        QVERIFY(!trace.rows.at(0).orphan);
    }

    void orphansBecomeMarkedRoots()
    {
        // "x" names a parent nobody recorded; "y" too, and starts first: roots sort by start.
        const Trace trace = buildTrace({span("r", "", "a", 100, 500), span("x", "gone", "b", 400, 10, true),
                                        span("y", "gone2", "c", 50, 10), span("xc", "x", "b", 405, 2)});
        QCOMPARE(order(trace), QStringList({"y", "r", "x", "xc"}));
        QCOMPARE(depths(trace), QList<int>({0, 0, 0, 1}));
        QVERIFY(trace.rows.at(0).orphan);
        QVERIFY(!trace.rows.at(1).orphan);
        QVERIFY(trace.rows.at(2).orphan);
        QVERIFY(!trace.rows.at(3).orphan);
        QCOMPARE(trace.errorCount(), 1);
    }

    void duplicatesAndCyclesLoseNothing()
    {
        const Trace trace = buildTrace({span("a", "b", "s", 1, 1), span("b", "a", "s", 2, 1),
                                        span("a", "b", "s", 1, 1), span("", "", "s", 3, 1)});
        QCOMPARE(trace.spans.size(), 2); // the duplicate and the id-less span are dropped
        QCOMPARE(trace.rows.size(), 2);  // the cycle's spans are still shown
        QVERIFY(buildTrace({}).rows.isEmpty());
    }

    void startTheServer()
    {
        m_base = freeBasePort();
        m_server = std::make_unique<ServerProcess>(m_dir.path() + "/data", m_base);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->waitAllReady(180000, &error), qPrintable(error));
        api::ServiceMap map;
        map.basePort = m_base;
        m_client = std::make_unique<api::PlatformClient>(map);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_dir.path() + "/data/secrets/jwt.key"), 10000);
        m_client->setAccessToken(adminToken(m_server->dataDir(), {"system.view", "kyc.review"}));
    }

    void treeOfARealRequestAcrossServices()
    {
        const api::ApiResult upload = uploadForUnknownMerchant();
        QCOMPARE(upload.status, 404);
        QCOMPARE(upload.errorCode, QStringLiteral("MERCHANT_NOT_FOUND"));
        QCOMPARE(upload.traceId.size(), 32);
        const Trace trace = buildTrace(spansOfTrace(upload.traceId));
        QCOMPARE(trace.spans.size(), 3);
        QCOMPARE(depths(trace), QList<int>({0, 1, 2}));
        const TraceSpan &root = trace.spans.at(trace.rows.at(0).span);
        const TraceSpan &call = trace.spans.at(trace.rows.at(1).span);
        const TraceSpan &callee = trace.spans.at(trace.rows.at(2).span);
        QCOMPARE(root.service, QStringLiteral("kyc-service"));
        QCOMPARE(root.kind, QStringLiteral("server"));
        QVERIFY(!trace.rows.at(0).orphan);
        QCOMPARE(call.kind, QStringLiteral("client"));
        QCOMPARE(call.parentSpanId, root.spanId);
        QCOMPARE(callee.service, QStringLiteral("merchant-service"));
        QCOMPARE(callee.parentSpanId, call.spanId);
        QCOMPARE(callee.status, 404);
        // The callee runs inside the call, the call inside the request.
        QVERIFY(call.startUs >= root.startUs && call.endUs() <= root.endUs());
        QVERIFY(callee.startUs >= call.startUs);
        QCOMPARE(trace.services(), QStringList({"kyc-service", "merchant-service"}));
    }

    void aCallerOutsideTheClusterMakesAnOrphan()
    {
        // The caller's span id arrives in traceparent but was never recorded here.
        const QByteArray traceId = QUuid::createUuid().toByteArray(QUuid::Id128);
        const QByteArray parent = "00f067aa0ba902b7";
        const HttpResult answer =
            httpRequest("GET", m_server->url(40015, "/api/v1/kyc/queue"), {},
                        {{"authorization", "Bearer " + adminToken(m_server->dataDir(), {"kyc.view"})},
                         {"traceparent", "00-" + traceId + "-" + parent + "-01"}});
        QVERIFY2(answer.status == 200, answer.body.constData());
        const Trace trace = buildTrace(spansOfTrace(QString::fromLatin1(traceId)));
        QCOMPARE(trace.rows.size(), 1);
        QVERIFY(trace.rows.at(0).orphan);
        QCOMPARE(trace.spans.at(0).parentSpanId, QString::fromLatin1(parent));
    }

    void traceViewSearchesAndDrawsTheWaterfall()
    {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(uploadForUnknownMerchant().status, 404);
        TraceView view(m_client.get());
        view.resize(1280, 820);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy found(&view, &TraceView::searchFinished);
        view.setSearch("kyc-service", "kyc/documents", 0, false);
        view.search();
        QVERIFY(found.wait(20000));
        QVERIFY2(found.first().first().toInt() >= 4,
                 qPrintable(QString::number(found.first().first().toInt())));
        QCOMPARE(view.results()->topLevelItem(0)->text(1), QStringLiteral("kyc-service"));

        // Choosing a result opens its trace: three spans over two services.
        QSignalSpy loaded(&view, &TraceView::traceLoaded);
        QSignalSpy logs(&view, &TraceView::spanLogsLoaded);
        view.results()->setCurrentItem(view.results()->topLevelItem(0));
        QVERIFY(loaded.wait(20000));
        QCOMPARE(loaded.first().first().toInt(), 3);
        QCOMPARE(view.waterfall()->trace().rows.size(), 3);
        QCOMPARE(view.waterfall()->selectedRow(), 0);
        // The root span's logs: the request line kyc-service wrote with that span id.
        QTRY_VERIFY_WITH_TIMEOUT(!logs.isEmpty(), 20000);
        QVERIFY(logs.last().first().toInt() >= 1);
        QVERIFY(view.spanLogs()
                    ->index(0, LogTableModel::MessageColumn)
                    .data()
                    .toString()
                    .contains("kyc/documents"));
        QVERIFY(view.attributes()->topLevelItemCount() >= 9);

        // The callee's row: its own attributes and logs.
        logs.clear();
        view.waterfall()->selectRow(2);
        QTRY_VERIFY_WITH_TIMEOUT(!logs.isEmpty(), 20000);
        QCOMPARE(view.attributes()->topLevelItem(0)->text(1), QStringLiteral("merchant-service"));
        QDir().mkpath(QStringLiteral(PAYDESK_SCREENSHOT_DIR));
        QVERIFY(view.grab().save(QStringLiteral(PAYDESK_SCREENSHOT_DIR "/traces_view.png")));

        QSignalSpy wantLogs(&view, &TraceView::logsRequested);
        for (QPushButton *button : view.findChildren<QPushButton *>())
            if (button->text() == QStringLiteral("All logs of this trace"))
                button->click();
        QCOMPARE(wantLogs.count(), 1);
        QCOMPARE(wantLogs.first().first().toString(), view.waterfall()->trace().traceId);
    }

    void waterfallPicture()
    {
        // A made-up wider trace for the picture: errors red, an orphan, five services.
        QList<QJsonObject> spans{span("r", "", "cashier-service", 0, 480000),
                                 span("a", "r", "payment-gateway", 20000, 420000),
                                 span("b", "a", "risk-service", 30000, 60000),
                                 span("c", "a", "channel-adapter", 100000, 250000, true),
                                 span("d", "c", "channel-adapter", 110000, 200000, true),
                                 span("e", "a", "accounting-service", 360000, 50000),
                                 span("f", "missing", "notification-service", 500000, 90000)};
        WaterfallWidget waterfall;
        waterfall.resize(1000, 260);
        waterfall.setTrace(buildTrace(spans));
        waterfall.selectRow(3);
        QVERIFY(waterfall.grab().save(QStringLiteral(PAYDESK_SCREENSHOT_DIR "/traces_waterfall.png")));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }
};

QTEST_MAIN(TraceTreeTest)
#include "tst_traces_tree.moc"
