#include "platform/observe/JsonLog.h"
#include "platform/observe/LogSearch.h"

#include <QFileInfo>
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

    void pagingAndSpanId()
    {
        LogQuery query;
        query.limit = 3;
        query.offset = 4;
        const LogSearchResult page = searchLog(m_path, 3, query);
        QCOMPARE(page.lines.size(), 3);
        QCOMPARE(page.lines.first().value("i").toInt(), 1495); // 1499..1496 skipped
        QTemporaryDir dir;
        JsonLog log("svc", dir.filePath("spans.log"), 1024 * 1024, 1);
        log.write(LogLevel::Info, "a", {{"trace_id", "t"}, {"span_id", "s1"}});
        log.write(LogLevel::Info, "b", {{"trace_id", "t"}, {"span_id", "s2"}});
        log.write(LogLevel::Info, "c", {{"trace_id", "t"}, {"span_id", "s1x"}});
        LogQuery bySpan;
        bySpan.traceId = "t";
        bySpan.spanId = "s1";
        const LogSearchResult found = searchLog(dir.filePath("spans.log"), 1, bySpan);
        QCOMPARE(found.lines.size(), 1); // exact: not s1x
        QCOMPARE(found.lines.first().value("message").toString(), QStringLiteral("a"));
    }

    void tailFollowsNewLinesAndRotation()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("tail.log");
        JsonLog log("svc", path, 4096, 2);
        log.write(LogLevel::Info, "before");
        LogQuery filter;
        LogTailResult tail = tailLog(path, -1, filter); // from now on
        QVERIFY(tail.lines.isEmpty());
        QCOMPARE(tail.cursor, logEndCursor(path));
        log.write(LogLevel::Info, "one");
        log.write(LogLevel::Info, "GET /admin/v1/logs 200",
                  {{"route", "/admin/v1/logs"}}); // a tail's own poll
        log.write(LogLevel::Warn, "two");
        tail = tailLog(path, tail.cursor, filter);
        QCOMPARE(tail.lines.size(), 2);
        QCOMPARE(tail.lines.at(0).value("message").toString(), QStringLiteral("one")); // oldest first
        QVERIFY(tailLog(path, tail.cursor, filter).lines.isEmpty());
        // A filter applies to the tail; the cursor still moves past lines it skips.
        filter.minLevel = "WARN";
        log.write(LogLevel::Info, "three");
        log.write(LogLevel::Error, "four");
        tail = tailLog(path, tail.cursor, filter);
        QCOMPARE(tail.lines.size(), 1);
        QCOMPARE(tail.lines.first().value("message").toString(), QStringLiteral("four"));
        filter.minLevel.clear();
        // Rotation between two polls: the rest of .1, then the new file; nothing lost or repeated.
        int written = 0;
        const qint64 before = tail.cursor;
        while (QFileInfo(path).size() >= before) // until the file has rotated
            log.write(LogLevel::Info, QStringLiteral("line %1").arg(written++));
        tail = tailLog(path, before, filter);
        QCOMPARE(tail.lines.size(), written);
        QCOMPARE(tail.lines.last().value("message").toString(), QStringLiteral("line %1").arg(written - 1));
        // A limit stops early and says so; the cursor resumes after the last line returned.
        for (int i = 0; i < 5; ++i)
            log.write(LogLevel::Info, QStringLiteral("burst %1").arg(i));
        filter.limit = 2;
        tail = tailLog(path, tail.cursor, filter);
        QCOMPARE(tail.lines.size(), 2);
        QVERIFY(tail.truncated);
        filter.limit = 100;
        tail = tailLog(path, tail.cursor, filter);
        QCOMPARE(tail.lines.size(), 3);
        QCOMPARE(tail.lines.first().value("message").toString(), QStringLiteral("burst 2"));
    }
};

QTEST_GUILESS_MAIN(LogSearchTest)
#include "tst_logsearch.moc"
