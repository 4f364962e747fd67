#include "platform/observe/TraceContext.h"

#include <QTest>

using namespace paydesk::platform;

class TraceContextTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesTheSpecExample()
    {
        const TraceContext context =
            TraceContext::parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        QVERIFY(context.isValid());
        QCOMPARE(context.traceId, QByteArray("0af7651916cd43dd8448eb211c80319c"));
        QCOMPARE(context.spanId, QByteArray("b7ad6b7169203331"));
        QCOMPARE(context.flags, quint8(1));
        QCOMPARE(context.toTraceparent(),
                 QByteArray("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    }

    void rejectsMalformedHeaders_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("zero trace") << QByteArray("00-00000000000000000000000000000000-b7ad6b7169203331-01");
        QTest::newRow("zero span") << QByteArray("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01");
        QTest::newRow("upper case") << QByteArray("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01");
        QTest::newRow("short trace") << QByteArray("00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01");
        QTest::newRow("version ff") << QByteArray("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        QTest::newRow("extra field v00")
            << QByteArray("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x");
        QTest::newRow("not hex") << QByteArray("00-0af7651916cd43dd8448eb211c80319z-b7ad6b7169203331-01");
    }
    void rejectsMalformedHeaders()
    {
        QFETCH(QByteArray, header);
        QVERIFY(!TraceContext::parse(header).isValid());
    }

    void childKeepsTheTraceAndPointsAtItsParent()
    {
        const TraceContext parent =
            TraceContext::parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        const TraceContext child = TraceContext::childOf(parent);
        QCOMPARE(child.traceId, parent.traceId);
        QCOMPARE(child.parentSpanId, parent.spanId);
        QVERIFY(child.spanId != parent.spanId);
        QVERIFY(child.isValid());
    }

    void invalidParentStartsANewTrace()
    {
        const TraceContext a = TraceContext::childOf({});
        const TraceContext b = TraceContext::childOf({});
        QVERIFY(a.isValid());
        QVERIFY(a.parentSpanId.isEmpty());
        QVERIFY(a.traceId != b.traceId);
        QVERIFY(TraceContext::parse(a.toTraceparent()).isValid());
    }
};

QTEST_GUILESS_MAIN(TraceContextTest)
#include "tst_tracecontext.moc"
