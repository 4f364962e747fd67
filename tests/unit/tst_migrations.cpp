#include "platform/db/Migrations.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::platform;

class MigrationsTest : public QObject
{
    Q_OBJECT

    static Migration migration(int version, const QByteArray &sql)
    {
        return {"svc", version, QStringLiteral("%1_step.sql").arg(version, 4, 10, QLatin1Char('0')), sql};
    }
    static AppliedMigration applied(const Migration &m)
    {
        return {m.component, m.version, m.name, m.checksum()};
    }

private Q_SLOTS:
    void checksumIsSha256OfTheText()
    {
        QCOMPARE(migration(1, "abc").checksum(),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void onlyUnappliedMigrationsArePending()
    {
        const QList<Migration> available{migration(1, "a"), migration(2, "b"), migration(3, "c")};
        QString error;
        const QList<Migration> pending = pendingMigrations(available, {applied(available[0])}, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(pending.size(), 2);
        QCOMPARE(pending[0].version, 2);
        QCOMPARE(pending[1].version, 3);
    }

    void editedAppliedMigrationStopsStartUp()
    {
        const Migration original = migration(1, "CREATE TABLE t (id int);");
        const Migration edited = migration(1, "CREATE TABLE t (id bigint);");
        QString error;
        const QList<Migration> pending = pendingMigrations({edited}, {applied(original)}, &error);
        QVERIFY(pending.isEmpty());
        QVERIFY2(error.contains("was edited after it was applied"), qPrintable(error));
        QVERIFY(error.contains("svc/0001_step.sql"));
    }

    void removedAppliedMigrationStopsStartUp()
    {
        QString error;
        pendingMigrations({}, {applied(migration(1, "x"))}, &error);
        QVERIFY2(error.contains("no longer exists"), qPrintable(error));
    }

    void filesLoadInVersionOrderAndBadNamesAreRejected()
    {
        QTemporaryDir dir;
        auto write = [&](const QString &name, const QByteArray &text) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write("0002_second.sql", "b");
        write("0001_first.sql", "a");
        QString error;
        QList<Migration> loaded = loadMigrations("svc", dir.path(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(loaded.size(), 2);
        QCOMPARE(loaded[0].name, QStringLiteral("0001_first.sql"));
        QCOMPARE(loaded[1].sql, QByteArray("b"));

        write("0002_duplicate.sql", "c");
        loadMigrations("svc", dir.path(), &error);
        QVERIFY2(error.contains("share version 2"), qPrintable(error));

        QTemporaryDir other;
        QFile bad(other.filePath("init.sql"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.close();
        error.clear();
        loadMigrations("svc", other.path(), &error);
        QVERIFY(error.contains("NNNN_description.sql"));
    }

    void platformMigrationIsCompiledIn()
    {
        QString error;
        const QList<Migration> platform = loadMigrations("platform", ":/migrations/platform", &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!platform.isEmpty());
        QVERIFY(platform.first().sql.contains("outbox_events"));
        QVERIFY(platform.first().sql.contains("idempotency_keys"));
    }
};

QTEST_GUILESS_MAIN(MigrationsTest)
#include "tst_migrations.moc"
