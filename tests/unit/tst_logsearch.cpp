#include "platform/observe/JsonLog.h"
#include "platform/observe/LogSearch.h"

#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::platform;

class LogSearchTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_path;

private Q_SLOTS:
    void initTestCase()
    {
        m_path = m_dir.filePath("svc.log");
        JsonLog log("svc", m_path, 50 * 1024, 3); // small files: the lines spread over rotations
        log.setLevel(LogLevel::Debug);
        for (int i = 0; i < 1500; ++i) {
            const LogLevel level = i % 100 == 7  ? LogLevel::Error
                                   : i % 10 == 0 ? LogLevel::Warn
                                                 : LogLevel::Info;
            log.write(level, QStringLiteral("payment %1 handled").arg(i),
                      {{"trace_id", QStringLiteral("trace-%1").arg(i % 50)}, {"i", i}});
        }
    }

    void newestFirstWithLimit()
    {
        LogQuery query;
        query.limit = 5;
        const LogSearchResult result = searchLog(m_path, 3, query);
        QCOMPARE(result.lines.size(), 5);
        QCOMPARE(result.lines.first().value("i").toInt(), 1499);
        QCOMPARE(result.lines.last().value("i").toInt(), 1495);
    }

    void minimumLevelAndTextAcrossRotatedFiles()
    {
        LogQuery query;
        query.minLevel = "ERROR";
        query.limit = 1000;
        const LogSearchResult errors = searchLog(m_path, 3, query);
        QVERIFY(errors.lines.size() >= 2);
        for (const QJsonObject &line : errors.lines)
            QCOMPARE(line.value("level").toString(), QStringLiteral("ERROR"));
        query.minLevel.clear();
        query.text = "PAYMENT 1207 handled";
        const LogSearchResult one = searchLog(m_path, 3, query);
        QCOMPARE(one.lines.size(), 1);
        QCOMPARE(one.lines.first().value("i").toInt(), 1207);
    }

    void traceIdIsExact()
    {
        LogQuery query;
        query.traceId = "trace-4"; // must not match trace-41..49
        query.limit = 1000;
        const LogSearchResult result = searchLog(m_path, 3, query);
        QVERIFY(!result.lines.isEmpty());
        for (const QJsonObject &line : result.lines)
            QCOMPARE(line.value("trace_id").toString(), QStringLiteral("trace-4"));
    }

    void scanIsBounded()
    {
        LogQuery query;
        query.text = "no such text";
        query.scanBytesMax = 10 * 1024;
        const LogSearchResult result = searchLog(m_path, 3, query);
        QVERIFY(result.truncated);
        QVERIFY(result.lines.isEmpty());
        QVERIFY(result.scannedBytes <= 64 * 1024);
    }
};

QTEST_GUILESS_MAIN(LogSearchTest)
#include "tst_logsearch.moc"
