// The log explorer fed by a real paydesk-server: /admin/v1/logs search (trace, span, paging), the
// long-poll tail (after=<cursor>&wait_ms=) and the explorer's search and live tail over it.

#include "api/PlatformClient.h"
#include "logs/LogExplorerView.h"
#include "logs/LogTableModel.h"
#include "support/ServerProcess.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace paydesk;
using namespace paydesk::console;
using namespace paydesk::testing;

namespace {
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

class LogBackendTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-gui-logs-XXXXXX")};
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<api::PlatformClient> m_client;

    // A kyc-service request under a trace id of our choosing; returns the trace id.
    QString request(int *status = nullptr)
    {
        const QByteArray traceId = QUuid::createUuid().toByteArray(QUuid::Id128);
        const HttpResult answer =
            httpRequest("GET", m_server->url(40015, "/api/v1/kyc/queue"), {},
                        {{"authorization", "Bearer " + adminToken(m_server->dataDir(), {"kyc.view"})},
                         {"traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"}});
        if (status)
            *status = answer.status;
        return QString::fromLatin1(traceId);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<ServerProcess>(m_dir.path() + "/data", freeBasePort());
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QVERIFY2(m_server->waitAllReady(180000, &error), qPrintable(error));
        api::ServiceMap map;
        map.basePort = m_server->port(40000);
        m_client = std::make_unique<api::PlatformClient>(map);
        m_client->setAccessToken(adminToken(m_server->dataDir(), {"system.view"}));
    }

    void searchByTraceSpanAndPage()
    {
        int status = 0;
        const QString traceId = request(&status);
        QCOMPARE(status, 200);
        QUrlQuery byTrace;
        byTrace.addQueryItem("trace_id", traceId);
        const api::ApiResult found = wait(m_client->searchLogs("kyc-service", byTrace));
        QVERIFY2(found.ok(), qPrintable(found.errorMessage));
        QCOMPARE(found.items().size(), 1);
        const QJsonObject line = found.items().first().toObject();
        QCOMPARE(line.value("path").toString(), QStringLiteral("/api/v1/kyc/queue"));
        QVERIFY(found.object().value("cursor").toInteger() > 0);
        // The same line by its span id; another span id finds nothing.
        byTrace.addQueryItem("span_id", line.value("span_id").toString());
        QCOMPARE(wait(m_client->searchLogs("kyc-service", byTrace)).items().size(), 1);
        QUrlQuery otherSpan;
        otherSpan.addQueryItem("trace_id", traceId);
        otherSpan.addQueryItem("span_id", "0000000000000001");
        QCOMPARE(wait(m_client->searchLogs("kyc-service", otherSpan)).items().size(), 0);
        // Paging: page two starts where page one ended.
        for (int i = 0; i < 4; ++i)
            request();
        // (The searches are requests too and log a line each: the pages look at kyc/queue lines only.)
        QUrlQuery first;
        first.addQueryItem("q", "kyc/queue");
        first.addQueryItem("limit", "2");
        QUrlQuery second = first;
        second.addQueryItem("offset", "2");
        QUrlQuery both;
        both.addQueryItem("q", "kyc/queue");
        both.addQueryItem("limit", "4");
        const QJsonArray a = wait(m_client->searchLogs("kyc-service", first)).items();
        const QJsonArray b = wait(m_client->searchLogs("kyc-service", second)).items();
        const QJsonArray all = wait(m_client->searchLogs("kyc-service", both)).items();
        QCOMPARE(all.size(), 4);
        QCOMPARE(QJsonArray({a[0], a[1], b[0], b[1]}), all);
    }

    void longPollReturnsNewLines()
    {
        const api::ApiResult start = wait(m_client->searchLogs("kyc-service", QUrlQuery("limit=1")));
        const qint64 cursor = start.object().value("cursor").toInteger();
        // Nothing new but the log route's own request lines: the poll waits and answers empty, its
        // cursor past those lines.
        const api::ApiResult idle = wait(m_client->tailLogs("kyc-service", cursor, 300));
        QVERIFY2(idle.ok(), qPrintable(idle.errorMessage));
        QCOMPARE(idle.items().size(), 0);
        QVERIFY(idle.object().value("cursor").toInteger() >= cursor);
        // A line written while the poll waits comes back in that poll.
        QFuture<api::ApiResult> poll = m_client->tailLogs("kyc-service", cursor, 20000);
        const QString traceId = request();
        const api::ApiResult fresh = wait(poll);
        QVERIFY2(fresh.ok(), qPrintable(fresh.errorMessage));
        QVERIFY(fresh.items().size() >= 1);
        QCOMPARE(fresh.items().last().toObject().value("trace_id").toString(), traceId);
        QVERIFY(fresh.object().value("cursor").toInteger() > cursor);
        // A cursor that is not a number is refused.
        const api::ApiResult bad =
            m_client->sendSync("kyc-service", "GET", "/admin/v1/logs?after=yesterday&wait_ms=10");
        QCOMPARE(bad.status, 422); // Problem::validation
    }

    void explorerSearchesAndTails()
    {
        for (int i = 0; i < 3; ++i)
            request();
        const QString traceId = request();
        LogExplorerView view(m_client.get());
        view.resize(1280, 760);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy searched(&view, &LogExplorerView::searchFinished);
        view.search(); // every service, last hour
        QVERIFY(searched.wait(30000));
        QVERIFY(view.store().size() >= 5);
        QVERIFY(view.store().findTrace(traceId.toLatin1()) > 0);
        QVERIFY(view.store().services().contains("kyc-service"));
        // Oldest first across services.
        for (qsizetype row = 1; row < view.store().size(); ++row)
            QVERIFY(view.store().timeMs(row - 1) <= view.store().timeMs(row));
        QSignalSpy applied(&view, &LogExplorerView::filterApplied);
        view.setQuery("trace:" + traceId);
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), 10000);
        QCOMPARE(view.model()->rowCount(), 1);
        QCOMPARE(view.model()->index(0, LogTableModel::ServiceColumn).data().toString(),
                 QStringLiteral("kyc-service"));

        // Live tail: a new request's line arrives without a new search.
        view.setQuery("service:kyc-service");
        QTRY_VERIFY_WITH_TIMEOUT(!view.isFiltering(), 10000);
        const int before = view.model()->rowCount();
        view.setTailing(true);
        QTest::qWait(300); // let the polls reach the services (each answers at once if lines are new)
        const QString tailed = request();
        QTRY_VERIFY_WITH_TIMEOUT(view.store().findTrace(tailed.toLatin1()) > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > before, 10000);
        const int last = view.model()->rowCount() - 1;
        QCOMPARE(
            view.model()->index(last, LogTableModel::TraceColumn).data(LogTableModel::TraceIdRole).toString(),
            tailed);
        view.table()->selectRow(last);
        view.table()->setCurrentIndex(view.model()->index(last, 0));
        QDir().mkpath(QStringLiteral(PAYDESK_SCREENSHOT_DIR));
        QVERIFY(view.grab().save(QStringLiteral(PAYDESK_SCREENSHOT_DIR "/logs_explorer_live.png")));
        view.setTailing(false);

        // From the trace view: every service's lines of one trace.
        QSignalSpy again(&view, &LogExplorerView::searchFinished);
        view.showTraceLogs(traceId);
        QVERIFY(again.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isFiltering(), 10000);
        QCOMPARE(view.store().size(), 1);
        QCOMPARE(view.model()->rowCount(), 1);

        // From the payments explorer: lines holding a text, searched on the services' side.
        QSignalSpy text(&view, &LogExplorerView::searchFinished);
        view.showTextLogs("kyc/queue");
        QVERIFY(text.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isFiltering(), 10000);
        QVERIFY(view.store().size() >= 5);
        for (qsizetype row = 0; row < view.store().size(); ++row)
            QVERIFY(QString::fromUtf8(view.store().raw(row)).contains("kyc/queue"));
        QCOMPARE(view.model()->rowCount(), int(view.store().size()));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }
};

QTEST_MAIN(LogBackendTest)
#include "tst_logs_backend.moc"
