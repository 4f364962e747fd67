// The console's SecretStore: the in-memory store, and KeychainSecretStore against a real Secret
// Service — a gnome-keyring unlocked inside a private D-Bus session (dbus-run-session), with HOME
// and XDG_RUNTIME_DIR in a scratch folder. The keyring half runs in a child of this program
// started under dbus-run-session; it is skipped only when those tools are missing.

#include "profiles/SecretStore.h"

#include <QApplication>
#include <QFutureWatcher>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cstdio>

using namespace paydesk::console;

namespace {
// Waits for a store answer while the event loop runs (the keyring answers over D-Bus).
SecretResult await(QFuture<SecretResult> future)
{
    if (!future.isFinished()) {
        QFutureWatcher<SecretResult> watcher;
        QEventLoop loop;
        QObject::connect(&watcher, &QFutureWatcher<SecretResult>::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        if (!future.isFinished())
            loop.exec();
    }
    if (!future.isFinished())
        return {false, {}, QStringLiteral("no answer within 20 s")};
    return future.result();
}

// The round trip both stores must pass. Returns an empty string or what went wrong.
QString roundTrip(SecretStore &store)
{
    const QString key = refreshTokenKey(QStringLiteral("test-profile"));
    SecretResult r = await(store.remove(key));
    if (!r.ok)
        return QStringLiteral("remove of an absent key failed: ") + r.error;
    r = await(store.read(key));
    if (!r.ok || r.value)
        return QStringLiteral("absent key read as present or failed: ") + r.error;
    r = await(store.write(key, QStringLiteral("rt_secret-1 ünïcode")));
    if (!r.ok)
        return QStringLiteral("write failed: ") + r.error;
    r = await(store.read(key));
    if (!r.ok || r.value != QStringLiteral("rt_secret-1 ünïcode"))
        return QStringLiteral("read back '%1' (%2)").arg(r.value.value_or(QStringLiteral("<none>")), r.error);
    r = await(store.write(key, QStringLiteral("rt_secret-2")));
    if (!r.ok || await(store.read(key)).value != QStringLiteral("rt_secret-2"))
        return QStringLiteral("overwrite failed: ") + r.error;
    if (await(store.read(passwordKey(QStringLiteral("test-profile")))).value)
        return QStringLiteral("keys of one profile are not separate");
    r = await(store.remove(key));
    if (!r.ok || await(store.read(key)).value)
        return QStringLiteral("remove failed: ") + r.error;
    return {};
}
} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void inMemoryRoundTrip()
    {
        InMemorySecretStore store;
        const QString problem = roundTrip(store);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void keychainRoundTripUnderARealKeyring()
    {
        const QString dbus = QStandardPaths::findExecutable(QStringLiteral("dbus-run-session"));
        const QString keyring = QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
        if (dbus.isEmpty() || keyring.isEmpty())
            QSKIP("dbus-run-session or gnome-keyring-daemon is not installed");
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        QDir(scratch.path()).mkpath(QStringLiteral("runtime"));
        QFile::setPermissions(scratch.path() + QStringLiteral("/runtime"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), scratch.path());
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), scratch.path() + QStringLiteral("/runtime"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), scratch.path() + QStringLiteral("/data"));
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        // The keyring is unlocked from stdin (creating the login collection), then this program runs
        // its keyring half inside the same private session bus.
        const QString script = QStringLiteral(
            "printf test-keyring-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
            "exec \"$0\" --keyring-child");
        child.start(dbus, {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"), script,
                           QCoreApplication::applicationFilePath()});
        QVERIFY2(child.waitForFinished(60000), "the keyring child did not finish within 60 s");
        const QByteArray output = child.readAll();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, output.constData());
        QVERIFY2(output.contains("keyring round trip ok"), output.constData());
    }
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (app.arguments().contains(QStringLiteral("--keyring-child"))) {
        KeychainSecretStore store(QStringLiteral("PayDesk Console test"));
        const QString problem = roundTrip(store);
        std::printf("%s\n", problem.isEmpty() ? "keyring round trip ok" : qPrintable(problem));
        return problem.isEmpty() ? 0 : 1;
    }
    TestSecretStore test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_secret_store.moc"
