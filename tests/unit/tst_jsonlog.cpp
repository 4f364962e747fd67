#include "platform/observe/JsonLog.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace paydesk::platform;

class JsonLogTest : public QObject
{
    Q_OBJECT
    static QList<QJsonObject> lines(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QList<QJsonObject> result;
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (!line.isEmpty())
                result.append(QJsonDocument::fromJson(line).object());
        }
        return result;
    }

private Q_SLOTS:
    void writesOneJsonObjectPerLineWithTheSeedFields()
    {
        QTemporaryDir dir;
        JsonLog log("payment-gateway", dir.filePath("logs/payment-gateway.log"), 1 << 20, 3);
        log.write(LogLevel::Info, "GET /health 200",
                  {{"trace_id", "abc"}, {"status", 200}, {"duration_ms", 1.5}});
        const QList<QJsonObject> written = lines(dir.filePath("logs/payment-gateway.log"));
        QCOMPARE(written.size(), 1);
        const QJsonObject line = written.first();
        QCOMPARE(line.value("service").toString(), QStringLiteral("payment-gateway"));
        QCOMPARE(line.value("level").toString(), QStringLiteral("INFO"));
        QCOMPARE(line.value("message").toString(), QStringLiteral("GET /health 200"));
        QCOMPARE(line.value("trace_id").toString(), QStringLiteral("abc"));
        QCOMPARE(line.value("status").toInt(), 200);
        QVERIFY(QDateTime::fromString(line.value("timestamp").toString(), Qt::ISODateWithMs).isValid());
    }

    void levelsBelowTheThresholdAreDropped()
    {
        QTemporaryDir dir;
        JsonLog log("svc", dir.filePath("svc.log"), 1 << 20, 3);
        log.setLevel(LogLevel::Warn);
        log.write(LogLevel::Info, "quiet");
        log.write(LogLevel::Error, "loud");
        const QList<QJsonObject> written = lines(dir.filePath("svc.log"));
        QCOMPARE(written.size(), 1);
        QCOMPARE(written.first().value("message").toString(), QStringLiteral("loud"));
    }

    void rotatesBySizeAndKeepsABoundedNumberOfFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("svc.log");
        JsonLog log("svc", path, 2000, 2);
        for (int i = 0; i < 200; ++i)
            log.write(LogLevel::Info, QStringLiteral("line %1").arg(i));
        QVERIFY(QFile::exists(path + ".1"));
        QVERIFY(QFile::exists(path + ".2"));
        QVERIFY(!QFile::exists(path + ".3"));
        QVERIFY(QFileInfo(path).size() <= 2000);
        QCOMPARE(lines(path).last().value("message").toString(), QStringLiteral("line 199"));
    }

    void concurrentWritersNeverInterleaveLines()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("svc.log");
        JsonLog log("svc", path, 64 << 20, 2);
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&log, t] {
                for (int i = 0; i < 500; ++i)
                    log.write(LogLevel::Info, QStringLiteral("t%1 i%2").arg(t).arg(i),
                              {{"pad", QString(100, 'x')}});
            }));
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            thread->wait();
            delete thread;
        }
        const QList<QJsonObject> written = lines(path);
        QCOMPARE(written.size(), 2000);
        for (const QJsonObject &line : written)
            QVERIFY(line.value("message").toString().startsWith('t'));
    }
};

QTEST_GUILESS_MAIN(JsonLogTest)
#include "tst_jsonlog.moc"
