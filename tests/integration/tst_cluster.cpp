// Starts real PostgreSQL and Redis servers on free loopback ports in a temporary directory, and
// checks what the host relies on: they answer with the generated password, come back after a
// SIGKILL, stop cleanly, and fail readably when the port is taken.

#include "platform/cluster/PostgresCluster.h"
#include "platform/cluster/RedisServer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <hiredis/hiredis.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace paydesk::platform;

namespace {

constexpr int kStartTimeoutMs = 30000;
constexpr int kRestartWithinMs = 10000;

quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

bool portAcceptsConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(500);
}

// Live (not zombie) processes whose working directory is `dir`. Both servers chdir into their data
// directory, and so do all their workers, including PostgreSQL's (which leave the process group).
QList<qint64> liveProcessesIn(const QString &dir)
{
    const QString target = QFileInfo(dir).canonicalFilePath();
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (isPid && !target.isEmpty() &&
            QFileInfo(QStringLiteral("/proc/%1/cwd").arg(entry)).canonicalFilePath() == target)
            pids << pid;
    }
    return pids;
}

mode_t fileMode(const QString &path)
{
    struct stat info = {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_mode & 07777 : 07777;
}

QByteArray commandLine(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Runs statements in order over QPSQL and returns the first column of the last result row.
QVariant sqlValue(const PostgresCluster &cluster, const QStringList &statements, QString *failure,
                  const QString &password = {}, const QString &host = {})
{
    const QString name = QStringLiteral("tst_cluster");
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(host.isEmpty() ? cluster.host() : host);
        db.setPort(cluster.port());
        db.setUserName(cluster.superuser());
        db.setPassword(password.isEmpty() ? cluster.password() : password);
        db.setDatabaseName(QStringLiteral("postgres"));
        if (!db.open()) {
            *failure = QStringLiteral("open: ") + db.lastError().text();
        } else {
            QSqlQuery query(db);
            for (const QString &sql : statements) {
                if (!query.exec(sql)) {
                    *failure = sql + QStringLiteral(": ") + query.lastError().text();
                    break;
                }
            }
            if (failure->isEmpty() && query.isSelect() && query.next())
                value = query.value(0);
        }
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

// Sends one command with AUTH first; returns the reply as text, errors prefixed with "error: ".
QString redisAnswer(const RedisServer &redis, const QList<QByteArray> &command)
{
    redisContext *context = redisConnectWithTimeout("127.0.0.1", redis.port(), timeval{1, 0});
    if (!context || context->err) {
        const QString text = context ? QString::fromLatin1(context->errstr) : QStringLiteral("no context");
        redisFree(context);
        return QStringLiteral("error: connect: ") + text;
    }
    QString result;
    for (const QList<QByteArray> &args : {QList<QByteArray>{"AUTH", redis.password().toLatin1()}, command}) {
        std::vector<const char *> argv;
        std::vector<size_t> lengths;
        for (const QByteArray &arg : args) {
            argv.push_back(arg.constData());
            lengths.push_back(static_cast<size_t>(arg.size()));
        }
        auto *reply = static_cast<redisReply *>(
            redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
        if (!reply)
            result = QStringLiteral("error: ") + QString::fromLatin1(context->errstr);
        else if (reply->type == REDIS_REPLY_ERROR)
            result = QStringLiteral("error: ") + QString::fromUtf8(reply->str, reply->len);
        else if (reply->type == REDIS_REPLY_NIL)
            result = QStringLiteral("(nil)");
        else if (reply->type == REDIS_REPLY_ARRAY) {
            QStringList items;
            for (size_t i = 0; i < reply->elements; ++i)
                items << QString::fromUtf8(reply->element[i]->str, reply->element[i]->len);
            result = items.join(u' ');
        } else
            result = QString::fromUtf8(reply->str, reply->len);
        freeReplyObject(reply);
        if (result.startsWith(QLatin1String("error: ")))
            break;
    }
    redisFree(context);
    return result;
}

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void postgresInitializeIsIdempotentAndKeepsPassword();
    void postgresStartsAndAnswersSelectWithGeneratedPassword();
    void postgresRestartsAfterPostmasterIsKilledAndKeepsCommittedRows();
    void postgresRestartKillsOrphanedBackendStillRunningAQuery();
    void postgresRestartWaitsWhileAnotherProcessHoldsThePort();
    void postgresStopClosesPortAndLeavesNoProcess();
    void postgresStartOnTakenPortFailsReadably();
    void postgresSecondServerOnSameClusterFailsAndLeavesFirstAlone();
    void postgresLongDataDirPutsSocketUnderTmp();
    void redisStartsAndAnswersPing();
    void redisRestartsAfterKillAndKeepsWrites();
    void redisStopClosesPortAndLeavesNoProcess();
    void redisStartOnTakenPortFailsReadably();
    void supervisorGivesUpAfterTooManyCrashes();

private:
    // One PostgreSQL cluster (initdb in initTestCase) and one Redis dir shared by the tests; each
    // test starts its own server object on a fresh port.
    PostgresOptions postgresOptions() const;
    RedisOptions redisOptions() const;

    QTemporaryDir m_root;
};

PostgresOptions TestCluster::postgresOptions() const
{
    PostgresOptions options;
    options.dataDir = m_root.filePath(QStringLiteral("data/postgres"));
    options.port = freePort();
    options.maxConnections = 20;
    return options;
}

RedisOptions TestCluster::redisOptions() const
{
    RedisOptions options;
    options.dataDir = m_root.filePath(QStringLiteral("data/redis"));
    options.port = freePort();
    return options;
}

void TestCluster::initTestCase()
{
    QVERIFY(m_root.isValid());
    PostgresCluster cluster(postgresOptions());
    QString error;
    QVERIFY2(cluster.initialize(&error), qPrintable(error));
}

void TestCluster::postgresInitializeIsIdempotentAndKeepsPassword()
{
    const PostgresOptions options = postgresOptions();
    const QString versionFile = options.dataDir + QStringLiteral("/PG_VERSION");
    const QDateTime createdAt = QFileInfo(versionFile).lastModified();
    QString error;
    PostgresCluster first(options);
    QVERIFY2(first.initialize(&error), qPrintable(error));
    PostgresCluster second(options);
    QVERIFY2(second.initialize(&error), qPrintable(error));

    QCOMPARE(first.password().size(), 32);
    QCOMPARE(second.password(), first.password());
    QCOMPARE(QFileInfo(versionFile).lastModified(), createdAt); // no second initdb
    const QString passwordFile = m_root.filePath(QStringLiteral("data/secrets/postgres.password"));
    QCOMPARE(fileMode(passwordFile), mode_t(0600));
    QCOMPARE(fileMode(options.dataDir), mode_t(0700));
    if (::geteuid() == 0) {
        QCOMPARE(QFileInfo(options.dataDir).ownerId(), ::getpwnam("postgres")->pw_uid);
        QVERIFY2(fileMode(m_root.path()) & S_IXOTH,
                 "the temporary dir must have gained o+x for the postgres user");
    }
}

void TestCluster::postgresStartsAndAnswersSelectWithGeneratedPassword()
{
    PostgresCluster cluster(postgresOptions());
    QString error;
    QVERIFY2(cluster.start(kStartTimeoutMs, &error), qPrintable(error));
    QVERIFY(cluster.isRunning());
    QVERIFY(cluster.pid() > 0);
    QCOMPARE(cluster.connectionUrl(), QStringLiteral("postgresql://paydesk:%1@127.0.0.1:%2/postgres")
                                          .arg(cluster.password())
                                          .arg(cluster.port()));

    QString failure;
    QCOMPARE(sqlValue(cluster, {QStringLiteral("SELECT 1")}, &failure).toInt(), 1);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    sqlValue(cluster, {QStringLiteral("SELECT 1")}, &failure, QStringLiteral("wrong-password"));
    QVERIFY2(failure.contains(QLatin1String("password authentication failed")), qPrintable(failure));

    QVERIFY(!commandLine(cluster.pid()).contains(cluster.password().toLatin1()));
    if (::geteuid() == 0)
        QCOMPARE(QFileInfo(QStringLiteral("/proc/%1").arg(cluster.pid())).ownerId(),
                 ::getpwnam("postgres")->pw_uid);
}

void TestCluster::postgresRestartsAfterPostmasterIsKilledAndKeepsCommittedRows()
{
    PostgresCluster cluster(postgresOptions());
    QString error;
    QVERIFY2(cluster.start(kStartTimeoutMs, &error), qPrintable(error));
    QString failure;
    sqlValue(cluster,
             {QStringLiteral("CREATE TABLE IF NOT EXISTS survives_crash (v int)"),
              QStringLiteral("INSERT INTO survives_crash VALUES (42)")},
             &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    QSignalSpy crashed(&cluster, &PostgresCluster::crashed);
    QSignalSpy restarted(&cluster, &PostgresCluster::restarted);
    QSignalSpy gaveUp(&cluster, &PostgresCluster::gaveUp);
    const qint64 oldPid = cluster.pid();
    QCOMPARE(::kill(static_cast<pid_t>(oldPid), SIGKILL), 0);

    QTRY_COMPARE_WITH_TIMEOUT(restarted.count(), 1, kRestartWithinMs);
    QCOMPARE(crashed.count(), 1);
    QCOMPARE(crashed.first().first().toInt(), SIGKILL);
    QCOMPARE(gaveUp.count(), 0);
    QVERIFY(cluster.isRunning());
    QVERIFY(cluster.pid() > 0 && cluster.pid() != oldPid);

    const QVariant count =
        sqlValue(cluster, {QStringLiteral("SELECT count(*) FROM survives_crash WHERE v = 42")}, &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY(count.toInt() >= 1);
}

// A backend busy in a CPU-bound query does not notice that the postmaster died, and keeps the old
// shared memory attached: the new postmaster refuses to start until that backend is gone.
void TestCluster::postgresRestartKillsOrphanedBackendStillRunningAQuery()
{
    PostgresCluster cluster(postgresOptions());
    QString error;
    QVERIFY2(cluster.start(kStartTimeoutMs, &error), qPrintable(error));
    QProcess client;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PGPASSWORD"), cluster.password());
    // Bounds the orphan's life if the code under test fails to kill it (its own timer, no postmaster).
    environment.insert(QStringLiteral("PGOPTIONS"), QStringLiteral("-c statement_timeout=30s"));
    client.setProcessEnvironment(environment);
    const QString psql = QStandardPaths::findExecutable(QStringLiteral("psql"));
    QVERIFY2(!psql.isEmpty(), "psql is not in PATH (package postgresql-client)");
    client.start(psql, {QStringLiteral("-h"), cluster.host(), QStringLiteral("-p"),
                        QString::number(cluster.port()), QStringLiteral("-U"), cluster.superuser(),
                        QStringLiteral("-d"), QStringLiteral("postgres"), QStringLiteral("-c"),
                        QStringLiteral("SELECT count(*) FROM generate_series(1, 10000000000)")});
    QVERIFY(client.waitForStarted());
    const QString busy =
        QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query "
                       "LIKE '%generate_series%' AND pid <> pg_backend_pid()");
    QString failure;
    QTRY_VERIFY_WITH_TIMEOUT(sqlValue(cluster, {busy}, &failure).toInt() > 0, kRestartWithinMs);
    const qint64 busyBackend =
        sqlValue(cluster, {QString(busy).replace(QLatin1String("count(*)"), QLatin1String("pid"))}, &failure)
            .toLongLong();
    QVERIFY2(busyBackend > 0, qPrintable(failure));

    QSignalSpy restarted(&cluster, &PostgresCluster::restarted);
    QSignalSpy gaveUp(&cluster, &PostgresCluster::gaveUp);
    const qint64 oldPid = cluster.pid();
    QCOMPARE(::kill(static_cast<pid_t>(oldPid), SIGKILL), 0);
    QTRY_COMPARE_WITH_TIMEOUT(restarted.count(), 1, kRestartWithinMs);
    QCOMPARE(gaveUp.count(), 0);
    QVERIFY(!liveProcessesIn(cluster.dataDir()).contains(busyBackend));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QProcess::NotRunning, kRestartWithinMs); // lost its backend
    QCOMPARE(sqlValue(cluster, {QStringLiteral("SELECT 1")}, &failure).toInt(), 1);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

// The readiness probe must not take a foreign listener on the port for the restarted server.
void TestCluster::postgresRestartWaitsWhileAnotherProcessHoldsThePort()
{
    PostgresCluster cluster(postgresOptions());
    QString error;
    QVERIFY2(cluster.start(kStartTimeoutMs, &error), qPrintable(error));
    QSignalSpy crashed(&cluster, &PostgresCluster::crashed);
    QSignalSpy restarted(&cluster, &PostgresCluster::restarted);
    QSignalSpy gaveUp(&cluster, &PostgresCluster::gaveUp);
    QCOMPARE(::kill(static_cast<pid_t>(cluster.pid()), SIGKILL), 0);
    QTRY_COMPARE_WITH_TIMEOUT(crashed.count(), 1, kRestartWithinMs);

    // Taken within the first back-off (200 ms), before the restarted server can bind.
    QTcpServer intruder;
    QVERIFY(intruder.listen(QHostAddress::LocalHost, cluster.port()));
    QTRY_VERIFY_WITH_TIMEOUT(crashed.count() >= 2, kRestartWithinMs); // the restart could not bind
    QCOMPARE(restarted.count(), 0);
    QVERIFY(!cluster.isRunning());

    intruder.close();
    QTRY_COMPARE_WITH_TIMEOUT(restarted.count(), 1, kRestartWithinMs);
    QCOMPARE(gaveUp.count(), 0);
    QString failure;
    QCOMPARE(sqlValue(cluster, {QStringLiteral("SELECT 1")}, &failure).toInt(), 1);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestCluster::postgresStopClosesPortAndLeavesNoProcess()
{
    PostgresCluster cluster(postgresOptions());
    QString error;
    QVERIFY2(cluster.start(kStartTimeoutMs, &error), qPrintable(error));
    QSignalSpy crashed(&cluster, &PostgresCluster::crashed);
    QVERIFY(liveProcessesIn(cluster.dataDir()).size() > 1); // postmaster and its workers

    cluster.stop();
    QVERIFY(!cluster.isRunning());
    QCOMPARE(cluster.pid(), 0);
    QVERIFY(!portAcceptsConnections(cluster.port()));
    QCOMPARE(liveProcessesIn(cluster.dataDir()), QList<qint64>());
    QVERIFY(!QFileInfo::exists(cluster.dataDir() + QStringLiteral("/postmaster.pid"))); // clean shutdown
    QTest::qWait(2 * ChildProcess::kBackoffInitialMs);
    QCOMPARE(crashed.count(), 0); // a requested stop is not a crash, and nothing restarts
    QCOMPARE(cluster.pid(), 0);
}

void TestCluster::postgresStartOnTakenPortFailsReadably()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    PostgresOptions options = postgresOptions();
    options.port = blocker.serverPort();
    PostgresCluster cluster(options);
    QString error;
    QVERIFY(!cluster.start(kStartTimeoutMs, &error));
    qInfo().noquote() << "error as an operator sees it:" << error;
    QVERIFY2(error.contains(QStringLiteral("127.0.0.1:%1").arg(options.port)), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("already holds that port")), qPrintable(error));
    QVERIFY2(error.contains(options.dataDir), qPrintable(error));
    QVERIFY(!cluster.isRunning());
    QCOMPARE(cluster.pid(), 0);
}

void TestCluster::postgresSecondServerOnSameClusterFailsAndLeavesFirstAlone()
{
    PostgresCluster first(postgresOptions());
    QString error;
    QVERIFY2(first.start(kStartTimeoutMs, &error), qPrintable(error));
    QSignalSpy firstCrashed(&first, &PostgresCluster::crashed);
    const qint64 firstPostmaster = first.pid();

    PostgresCluster second(postgresOptions()); // same data directory, another port
    QVERIFY(!second.start(kStartTimeoutMs, &error));
    qInfo().noquote() << "error as an operator sees it:" << error;
    QVERIFY2(error.contains(QLatin1String("postmaster.pid")), qPrintable(error)); // the server's own words
    QVERIFY(!second.isRunning());

    // Exact worker lists would be flaky (autovacuum workers come and go): the postmaster must live.
    QVERIFY(liveProcessesIn(first.dataDir()).contains(firstPostmaster));
    QTest::qWait(ChildProcess::kPollMs); // lets a crash of the first server be noticed
    QCOMPARE(first.pid(), firstPostmaster);
    QVERIFY(first.isRunning());
    QString failure;
    QCOMPARE(sqlValue(first, {QStringLiteral("SELECT 1")}, &failure).toInt(), 1);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(firstCrashed.count(), 0);
}

void TestCluster::postgresLongDataDirPutsSocketUnderTmp()
{
    PostgresOptions options = postgresOptions();
    options.dataDir = m_root.filePath(QString(100, u'd') + QStringLiteral("/postgres"));
    PostgresCluster cluster(options);
    QString error;
    QVERIFY2(cluster.start(kStartTimeoutMs, &error), qPrintable(error));
    const QString socketDir = cluster.socketDir();
    QCOMPARE(socketDir, QStringLiteral("/tmp/paydesk-pg-%1").arg(options.port));
    QVERIFY(QFileInfo::exists(socketDir + QStringLiteral("/.s.PGSQL.%1").arg(options.port)));

    QString failure;
    QCOMPARE(sqlValue(cluster, {QStringLiteral("SELECT 1")}, &failure, {}, socketDir).toInt(), 1);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    cluster.stop();
    QDir(socketDir).removeRecursively();
}

void TestCluster::redisStartsAndAnswersPing()
{
    RedisServer redis(redisOptions());
    QString error;
    QVERIFY2(redis.start(kStartTimeoutMs, &error), qPrintable(error));
    QVERIFY(redis.isRunning());
    QCOMPARE(redis.password().size(), 32);
    QCOMPARE(redis.connectionUrl(),
             QStringLiteral("redis://:%1@127.0.0.1:%2/0").arg(redis.password()).arg(redis.port()));
    QCOMPARE(redisAnswer(redis, {"PING"}), QStringLiteral("PONG"));
    QCOMPARE(redisAnswer(redis, {"CONFIG", "GET", "appendonly"}), QStringLiteral("appendonly yes"));
    QCOMPARE(redisAnswer(redis, {"CONFIG", "GET", "appendfsync"}), QStringLiteral("appendfsync everysec"));
    QCOMPARE(redisAnswer(redis, {"CONFIG", "GET", "save"}), QStringLiteral("save "));
    QVERIFY(!commandLine(redis.pid()).contains(redis.password().toLatin1()));
    const QString config = redis.dataDir() + QStringLiteral("/redis.conf");
    QCOMPARE(fileMode(config), mode_t(0600));

    RedisServer again(redisOptions()); // same password file
    QVERIFY2(again.initialize(&error), qPrintable(error));
    QCOMPARE(again.password(), redis.password());
}

void TestCluster::redisRestartsAfterKillAndKeepsWrites()
{
    RedisServer redis(redisOptions());
    QString error;
    QVERIFY2(redis.start(kStartTimeoutMs, &error), qPrintable(error));
    QCOMPARE(redisAnswer(redis, {"SET", "survives", "crash"}), QStringLiteral("OK"));

    QSignalSpy crashed(&redis, &RedisServer::crashed);
    QSignalSpy restarted(&redis, &RedisServer::restarted);
    const qint64 oldPid = redis.pid();
    QCOMPARE(::kill(static_cast<pid_t>(oldPid), SIGKILL), 0);

    QTRY_COMPARE_WITH_TIMEOUT(restarted.count(), 1, kRestartWithinMs);
    QCOMPARE(crashed.count(), 1);
    QCOMPARE(crashed.first().first().toInt(), SIGKILL);
    QVERIFY(redis.isRunning());
    QVERIFY(redis.pid() != oldPid);
    QCOMPARE(redisAnswer(redis, {"PING"}), QStringLiteral("PONG"));
    // Acknowledged writes reached the append-only file before the reply, so a process kill keeps them.
    QCOMPARE(redisAnswer(redis, {"GET", "survives"}), QStringLiteral("crash"));
}

void TestCluster::redisStopClosesPortAndLeavesNoProcess()
{
    RedisServer redis(redisOptions());
    QString error;
    QVERIFY2(redis.start(kStartTimeoutMs, &error), qPrintable(error));
    QSignalSpy crashed(&redis, &RedisServer::crashed);

    redis.stop();
    QVERIFY(!redis.isRunning());
    QCOMPARE(redis.pid(), 0);
    QVERIFY(!portAcceptsConnections(redis.port()));
    QCOMPARE(liveProcessesIn(redis.dataDir()), QList<qint64>());
    QTest::qWait(2 * ChildProcess::kBackoffInitialMs);
    QCOMPARE(crashed.count(), 0);
    QCOMPARE(redis.pid(), 0);
}

void TestCluster::redisStartOnTakenPortFailsReadably()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    RedisOptions options = redisOptions();
    options.port = blocker.serverPort();
    RedisServer redis(options);
    QString error;
    QVERIFY(!redis.start(kStartTimeoutMs, &error));
    qInfo().noquote() << "error as an operator sees it:" << error;
    QVERIFY2(error.contains(QStringLiteral("127.0.0.1:%1").arg(options.port)), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("already holds that port")), qPrintable(error));
    QVERIFY(!redis.isRunning());
    QCOMPARE(redis.pid(), 0);
}

void TestCluster::supervisorGivesUpAfterTooManyCrashes()
{
    RedisServer redis(redisOptions());
    QString error;
    QVERIFY2(redis.start(kStartTimeoutMs, &error), qPrintable(error));
    QSignalSpy crashed(&redis, &RedisServer::crashed);
    QSignalSpy restarted(&redis, &RedisServer::restarted);
    QSignalSpy gaveUp(&redis, &RedisServer::gaveUp);

    QElapsedTimer elapsed;
    elapsed.start();
    int backoffSumMs = 0;
    for (int i = 0; i < ChildProcess::kRestartCountMax; ++i) {
        QVERIFY(redis.pid() > 0);
        QCOMPARE(::kill(static_cast<pid_t>(redis.pid()), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(restarted.count(), i + 1, kRestartWithinMs);
        backoffSumMs += std::min(ChildProcess::kBackoffMaxMs, ChildProcess::kBackoffInitialMs << i);
    }
    QVERIFY2(elapsed.elapsed() >= backoffSumMs, "restarts must back off: 200, 400, 800, ... ms");

    QCOMPARE(::kill(static_cast<pid_t>(redis.pid()), SIGKILL), 0);
    QTRY_COMPARE_WITH_TIMEOUT(gaveUp.count(), 1, kRestartWithinMs);
    QCOMPARE(crashed.count(), ChildProcess::kRestartCountMax + 1);
    QCOMPARE(restarted.count(), ChildProcess::kRestartCountMax);
    QVERIFY(!redis.isRunning());
    QCOMPARE(redis.pid(), 0);
    QVERIFY(!portAcceptsConnections(redis.port()));
    QVERIFY2(gaveUp.first().first().toString().contains(QLatin1String("gave up")),
             qPrintable(gaveUp.first().first().toString()));
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
