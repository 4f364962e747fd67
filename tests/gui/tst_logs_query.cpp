// The log explorer's query language: parsing (precedence, errors with their position) and the
// column-wise filter judged against a line-by-line reference on random lines.

#include "logs/LogGenerator.h"
#include "logs/LogQuery.h"

#include <QRandomGenerator>
#include <QTest>

using namespace paydesk::console;

class LogQueryTest : public QObject
{
    Q_OBJECT
    LogStore m_store;

    static QString shape(const QString &query)
    {
        const QueryParseResult parsed = parseLogQuery(query);
        return parsed.ok() ? describe(*parsed.root) : QStringLiteral("ERROR ") + parsed.error;
    }

private Q_SLOTS:
    void initTestCase() { generateLogLines(m_store, 20000, 7); }

    void parsesValidQueries_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << "   "
                               << "*";
        QTest::newRow("word") << "timeout"
                              << "\"timeout\"";
        QTest::newRow("phrase") << "\"connection reset\""
                                << "\"connection reset\"";
        QTest::newRow("field") << "service:payment-gateway"
                               << "service:payment-gateway";
        QTest::newRow("and chain") << "service:payment-gateway AND level:ERROR AND duration_ms>1000"
                                   << "(service:payment-gateway AND level:ERROR AND duration_ms>1000)";
        QTest::newRow("implicit and") << "level:ERROR timeout"
                                      << "(level:ERROR AND \"timeout\")";
        QTest::newRow("and binds tighter than or") << "a OR b AND c"
                                                   << "(\"a\" OR (\"b\" AND \"c\"))";
        QTest::newRow("not binds tighter than and") << "NOT a AND b"
                                                    << "(NOT \"a\" AND \"b\")";
        QTest::newRow("parentheses") << "(a OR b) AND c"
                                     << "((\"a\" OR \"b\") AND \"c\")";
        QTest::newRow("lower-case keywords") << "a or not b"
                                             << "(\"a\" OR NOT \"b\")";
        QTest::newRow("symbols") << "a && !b || c"
                                 << "((\"a\" AND NOT \"b\") OR \"c\")";
        QTest::newRow("comparisons") << "status>=500 duration_ms<=10 level>WARN status<600 status=503"
                                     << "(status>=500 AND duration_ms<=10 AND level>WARN AND status<600 AND "
                                        "status=503)";
        QTest::newRow("aliases") << "trace_id:abc tags:slow timestamp>=2026-11-25T12:00:00Z"
                                 << "(trace:abc AND tag:slow AND time>=2026-11-25T12:00:00Z)";
        QTest::newRow("quoted value") << "message:\"card declined\""
                                      << "message:card declined";
        QTest::newRow("value with colons") << "time<2026-11-25T12:00:00.500Z"
                                           << "time<2026-11-25T12:00:00.500Z";
        QTest::newRow("keyword prefix is a word") << "ORDER ANDROID NOTE"
                                                  << "(\"ORDER\" AND \"ANDROID\" AND \"NOTE\")";
    }
    void parsesValidQueries()
    {
        QFETCH(QString, query);
        QFETCH(QString, expected);
        QCOMPARE(shape(query), expected);
    }

    void reportsErrorsWithTheirPosition_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("missing value") << "duration_ms>" << 12 << "expected a value after 'duration_ms>'";
        QTest::newRow("dangling and") << "level:ERROR AND" << 15 << "after 'AND', found the end";
        QTest::newRow("unclosed paren") << "(a OR b" << 7 << "expected ')' to close the '(' at column 1";
        QTest::newRow("stray close") << "a)" << 1 << "unexpected ')'";
        QTest::newRow("not a number") << "duration_ms>fast" << 12 << "expected a number for duration_ms";
        QTest::newRow("bad level") << "level:LOUD" << 6 << "expected a level";
        QTest::newRow("bad time") << "time>yesterday" << 5 << "ISO 8601";
        QTest::newRow("unterminated phrase") << "a \"bc" << 2 << "closing '\"'";
        QTest::newRow("no field") << "a AND :x" << 6 << "found ':'";
        QTest::newRow("ordered text") << "service>abc" << 7 << "compares numbers";
        QTest::newRow("bad tag") << "tag:fast" << 4 << "tag:slow or tag:error";
        QTest::newRow("empty parens") << "()" << 1 << "found ')'";
    }
    void reportsErrorsWithTheirPosition()
    {
        QFETCH(QString, query);
        QFETCH(int, position);
        QFETCH(QString, fragment);
        const QueryParseResult parsed = parseLogQuery(query);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.errorPosition, position);
        QVERIFY2(parsed.error.contains(fragment), qPrintable(parsed.error));
        QVERIFY2(parsed.error.startsWith(QStringLiteral("at column %1:").arg(position + 1)),
                 qPrintable(parsed.error));
    }

    // The column-wise filter agrees with the one-line reference on fixed and random queries.
    void filterAgreesWithBruteForce_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("seed query") << "service:payment-gateway AND level:ERROR AND duration_ms>1000";
        QTest::newRow("full text") << "timeout";
        QTest::newRow("full text over columns") << "payment-gateway OR 503 OR warn";
        QTest::newRow("full text hex") << "ab1 OR 0f";
        QTest::newRow("phrase, not") << "\"connection reset\" AND NOT service:risk-service";
        QTest::newRow("or") << "level:ERROR OR status=409";
        QTest::newRow("level order") << "level>=WARN AND NOT level:ERROR";
        QTest::newRow("tags") << "tag:slow AND tag:error";
        QTest::newRow("wildcard") << "service:*-service AND message:*declined*";
        QTest::newRow("message contains") << "message:RESET";
        QTest::newRow("inner wildcards") << "message:*card*funds OR span_id:*a*b* OR message=*by*";
        QTest::newRow("time") << "time>=2026-11-25T09:47:00Z AND time<2026-11-25T09:47:30Z";
        QTest::newRow("other field") << "span_id:0* OR span_id:*f";
        QTest::newRow("nothing") << "nosuchword";
        QTest::newRow("everything") << "";
        QRandomGenerator random(11);
        const QStringList terms{"service:payment-gateway",
                                "service:order-service",
                                "level:ERROR",
                                "level<=INFO",
                                "duration_ms>1000",
                                "duration_ms<50",
                                "status>=500",
                                "timeout",
                                "\"card declined\"",
                                "tag:slow",
                                "tag:error",
                                "webhook",
                                "message:ledger*",
                                "status=409"};
        for (int i = 0; i < 40; ++i) {
            QString query;
            const int count = 1 + int(random.bounded(4u));
            for (int t = 0; t < count; ++t) {
                if (t > 0)
                    query += random.bounded(2u) ? QStringLiteral(" AND ") : QStringLiteral(" OR ");
                if (random.bounded(4u) == 0)
                    query += QStringLiteral("NOT ");
                const bool group = random.bounded(3u) == 0;
                query += group ? QStringLiteral("(%1 OR %2)")
                                     .arg(terms.at(random.bounded(terms.size())),
                                          terms.at(random.bounded(terms.size())))
                               : terms.at(random.bounded(terms.size()));
            }
            QTest::addRow("random %d", i) << query;
        }
    }
    void filterAgreesWithBruteForce()
    {
        QFETCH(QString, query);
        const QueryParseResult parsed = parseLogQuery(query);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        const std::vector<quint32> rows = filterLog(m_store, *parsed.root, 0, m_store.size());
        std::vector<quint32> expected;
        for (qsizetype row = 0; row < m_store.size(); ++row)
            if (matchesLine(m_store, row, *parsed.root))
                expected.push_back(quint32(row));
        qInfo("%s: %zu of %lld lines", qPrintable(query), rows.size(), qlonglong(m_store.size()));
        QCOMPARE(rows.size(), expected.size());
        QVERIFY(rows == expected);
        // A window of the store (as the tail filters its new lines) agrees with the whole.
        const std::vector<quint32> window = filterLog(m_store, *parsed.root, 1234, 5678);
        std::vector<quint32> inWindow;
        std::copy_if(expected.begin(), expected.end(), std::back_inserter(inWindow),
                     [](quint32 row) { return row >= 1234 && row < 5678; });
        QVERIFY(window == inWindow);
    }

    void seedQueryFindsWhatItShould()
    {
        const QueryParseResult parsed =
            parseLogQuery("service:payment-gateway AND level:ERROR AND duration_ms>1000");
        const std::vector<quint32> rows = filterLog(m_store, *parsed.root, 0, m_store.size());
        QVERIFY(!rows.empty()); // the generator makes some, or the comparison above proves little
        for (quint32 row : rows) {
            QCOMPARE(m_store.serviceName(m_store.serviceIndex(row)), QStringLiteral("payment-gateway"));
            QCOMPARE(m_store.level(row), LogLevel::Error);
            QVERIFY(m_store.durationMs(row) > 1000);
        }
    }

    void cancelledFilterStopsEmpty()
    {
        const QueryParseResult parsed = parseLogQuery("timeout OR level:ERROR");
        std::atomic<bool> cancelled{true};
        QVERIFY(filterLog(m_store, *parsed.root, 0, m_store.size(), {1000, &cancelled}).empty());
    }
};

QTEST_GUILESS_MAIN(LogQueryTest)
#include "tst_logs_query.moc"
