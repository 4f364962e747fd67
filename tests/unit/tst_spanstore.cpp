#include "platform/observe/SpanStore.h"

#include <QTest>

using namespace paydesk::platform;

class SpanStoreTest : public QObject
{
    Q_OBJECT
    static Span span(const QByteArray &trace, int index, qint64 durationUs, int status = 200)
    {
        Span s;
        s.traceId = trace;
        s.spanId = QByteArray::number(index).rightJustified(16, '0');
        s.operation = QStringLiteral("GET /op/%1").arg(index % 2 ? "odd" : "even");
        s.startUnixUs = 1000 + index;
        s.durationUs = durationUs;
        s.status = status;
        s.error = status >= 500;
        return s;
    }

private Q_SLOTS:
    void newestFirstAndBoundedCapacity()
    {
        SpanStore store(5);
        for (int i = 0; i < 8; ++i)
            store.record(span("t", i, 10));
        QCOMPARE(store.size(), 5);
        const QList<Span> all = store.find({});
        QCOMPARE(all.size(), 5);
        QCOMPARE(all.first().startUnixUs, 1007); // newest
        QCOMPARE(all.last().startUnixUs, 1003);  // the three oldest were dropped
    }

    void filtersCombine()
    {
        SpanStore store(100);
        for (int i = 0; i < 20; ++i)
            store.record(span(i < 10 ? "aaaa" : "bbbb", i, i * 1000, i == 15 ? 503 : 200));
        SpanQuery byTrace;
        byTrace.traceId = "bbbb";
        QCOMPARE(store.find(byTrace).size(), 10);
        SpanQuery slowOdd;
        slowOdd.operation = "odd";
        slowOdd.minDurationUs = 12000;
        QCOMPARE(store.find(slowOdd).size(), 4); // 13, 15, 17, 19
        SpanQuery errors;
        errors.errorsOnly = true;
        QCOMPARE(store.find(errors).size(), 1);
        SpanQuery window;
        window.fromUnixUs = 1005;
        window.toUnixUs = 1007;
        window.limit = 2;
        QCOMPARE(store.find(window).size(), 2);
    }

    void kindAndRequestPath()
    {
        SpanStore store(100);
        for (int i = 0; i < 6; ++i) {
            Span s = span("t", i, 10);
            s.kind = i % 3 == 0 ? QStringLiteral("client") : QStringLiteral("server");
            s.attributes.insert("http.target", QStringLiteral("/api/v1/payments/PY%1").arg(i));
            store.record(s);
        }
        SpanQuery servers;
        servers.kind = "server";
        QCOMPARE(store.find(servers).size(), 4);
        SpanQuery payment;
        payment.target = "PY4";
        QCOMPARE(store.find(payment).size(), 1);
        QCOMPARE(store.find(payment).first().spanId, span("t", 4, 0).spanId);
    }

    void platformPollingCanBeHidden()
    {
        SpanStore store(100);
        const QStringList paths{
            "/health",         "/health/ready",    "/metrics",           "/admin/v1/logs",
            "/admin/v1/spans", "/api/v1/payments", "/api/v1/admin/v1/x", "/healthy-looking/api",
            "/metricsz"};
        for (int i = 0; i < paths.size(); ++i) {
            Span s = span("t", i, 10);
            s.attributes.insert("http.target", paths[i]);
            store.record(s);
        }
        store.record(span("t", 99, 10)); // no path at all (an internal span): kept
        SpanQuery everything;
        QCOMPARE(store.find(everything).size(), paths.size() + 1);
        SpanQuery quiet;
        quiet.hidePlatform = true;
        QStringList kept;
        for (const Span &s : store.find(quiet))
            kept << s.attributes.value("http.target").toString();
        QCOMPARE(kept, QStringList({"", "/metricsz", "/healthy-looking/api", "/api/v1/admin/v1/x",
                                    "/api/v1/payments"}));
    }
};

QTEST_GUILESS_MAIN(SpanStoreTest)
#include "tst_spanstore.moc"
