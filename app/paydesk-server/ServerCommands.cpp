#include "ServerCommands.h"

#include "PidFile.h"
#include "platform/host/Server.h"
#include "platform/security/ServerSecrets.h"
#include "services/ServiceCatalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/socket.h>
#include <unistd.h>

namespace paydesk::app {

using platform::Config;

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto ignored = ::write(g_signalPipe[1], &byte, 1); // async-signal-safe
}

QString pidPath(const Config &config)
{
    return config.dataDir() + QStringLiteral("/paydesk-server.pid");
}

void say(const QString &text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

} // namespace

QString usage()
{
    QString text =
        QStringLiteral("usage: paydesk-server <command> [options]\n\n"
                       "commands:\n"
                       "  run      run every service in the foreground (SIGTERM/SIGINT stop gracefully)\n"
                       "  start    run in the background; returns when all services are ready\n"
                       "  status   table of the services and PostgreSQL/Redis (--json for scripts)\n"
                       "  stop     graceful stop of the background server\n"
                       "  admin create --username U [--password P]\n"
                       "           create a super admin on the running server (a generated password\n"
                       "           is shown once when --password is absent)\n\n"
                       "options:\n"
                       "  --print-config        show every setting with its source and exit\n"
                       "  --config FILE         config file (default <data_dir>/paydesk.conf)\n"
                       "  --json                machine-readable output (status)\n");
    for (const platform::ConfigKey &key : Config::keys())
        text += QStringLiteral("  --%1  %2\n")
                    .arg(QString(key.name).replace(u'_', u'-'), -22)
                    .arg(key.description);
    text += QStringLiteral(
        "\nEvery option can also be set as PAYDESK_<NAME> in the environment or in the config file.\n");
    return text;
}

bool parseCommandLine(const QStringList &arguments, CommandLine *line, QString *error)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString arg = arguments[i];
        if (arg == QStringLiteral("--help") || arg == QStringLiteral("-h")) {
            line->help = true;
        } else if (arg == QStringLiteral("--json")) {
            line->json = true;
        } else if (arg == QStringLiteral("--print-config")) {
            line->printConfig = true;
        } else if (arg.startsWith(QStringLiteral("--"))) {
            QString name = arg.mid(2);
            QString value;
            if (name.contains(u'=')) {
                value = name.section(u'=', 1);
                name = name.section(u'=', 0, 0);
            } else if (i + 1 < arguments.size()) {
                value = arguments[++i];
            } else {
                *error = QStringLiteral("option %1 needs a value").arg(arg);
                return false;
            }
            line->flags.insert(name.replace(u'-', u'_'), value);
            line->forwarded << QStringLiteral("--%1=%2").arg(QString(name).replace(u'_', u'-'), value);
        } else if (line->command.isEmpty()) {
            line->command = arg;
        } else if (line->command == QStringLiteral("admin") && line->subcommand.isEmpty()) {
            line->subcommand = arg;
        } else {
            *error = QStringLiteral("unexpected argument '%1'").arg(arg);
            return false;
        }
    }
    if (line->command.isEmpty() && !line->printConfig && !line->help) {
        *error = QStringLiteral("no command given");
        return false;
    }
    static const QStringList kCommands{QStringLiteral("run"), QStringLiteral("start"),
                                       QStringLiteral("status"), QStringLiteral("stop"),
                                       QStringLiteral("admin")};
    if (line->command == QStringLiteral("admin")) {
        for (const QString &option : {QStringLiteral("username"), QStringLiteral("password")}) {
            if (line->flags.contains(option))
                line->commandOptions.insert(option, line->flags.take(option));
        }
    }
    if (!line->command.isEmpty() && !kCommands.contains(line->command)) {
        *error = QStringLiteral("unknown command '%1'").arg(line->command);
        return false;
    }
    return true;
}

int runServer(const Config &config)
{
    QDir().mkpath(config.dataDir());
    PidFile pidFile(pidPath(config));
    QString error;
    if (!pidFile.acquire(&error)) {
        std::fprintf(stderr, "paydesk-server: %s\n", qPrintable(error));
        return 1;
    }
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0) {
        std::fprintf(stderr, "paydesk-server: cannot create the signal pipe\n");
        return 1;
    }
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    QElapsedTimer clock;
    clock.start();
    platform::Server server(config);
    if (!server.start(services::catalog(), &error, [](const QString &step) { say(step); })) {
        std::fprintf(stderr, "paydesk-server: %s\n", qPrintable(error));
        return 1;
    }
    QObject::connect(&server, &platform::Server::infrastructureFailed, [](const QString &reason) {
        std::fprintf(stderr, "paydesk-server: infrastructure failed: %s\n", qPrintable(reason));
    });

    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char byte;
        [[maybe_unused]] const auto ignored = ::read(g_signalPipe[0], &byte, 1);
        notifier.setEnabled(false);
        say(QStringLiteral("Stopping: draining requests, then PostgreSQL and Redis"));
        server.stop();
        QCoreApplication::quit();
    });
    // Report readiness once, without blocking the event loop.
    QTimer readyWatch;
    readyWatch.setInterval(20);
    QObject::connect(&readyWatch, &QTimer::timeout, [&] {
        const auto health = server.health();
        int ready = 0;
        for (const auto &h : health)
            ready += h.ready ? 1 : 0;
        if (ready == health.size()) {
            say(QStringLiteral("PayDesk ready: %1/%1 services in %2 ms (data: %3, pid %4)")
                    .arg(health.size())
                    .arg(clock.elapsed())
                    .arg(config.dataDir())
                    .arg(QCoreApplication::applicationPid()));
            readyWatch.stop();
        } else if (clock.elapsed() > 60000) {
            say(QStringLiteral("PayDesk: %1/%2 services ready after 60 s; see `paydesk-server status`")
                    .arg(ready)
                    .arg(health.size()));
            readyWatch.stop();
        }
    });
    readyWatch.start();
    const int code = QCoreApplication::exec();
    // Everything that holds data is stopped by now: services drained, PostgreSQL and Redis shut
    // down, logs flushed on every line. Leave without running static destructors of libraries
    // (Qt plugins, driver registries), whose order at exit we do not control; the pid file's lock
    // goes with the process.
    server.stop();
    QFile::remove(pidPath(config));
    say(QStringLiteral("Stopped."));
    std::fflush(nullptr);
    std::_Exit(code);
}

int startServer(const Config &config, const CommandLine &line)
{
    PidFile pidFile(pidPath(config));
    if (const qint64 pid = pidFile.runningPid()) {
        say(QStringLiteral("paydesk-server already runs (pid %1)").arg(pid));
        return 0;
    }
    QDir().mkpath(config.dataDir() + QStringLiteral("/logs"));
    QProcess process;
    process.setProgram(QCoreApplication::applicationFilePath());
    process.setArguments(QStringList{QStringLiteral("run")} + line.forwarded);
    process.setStandardOutputFile(config.dataDir() + QStringLiteral("/logs/server.out"), QIODevice::Append);
    process.setStandardErrorFile(config.dataDir() + QStringLiteral("/logs/server.out"), QIODevice::Append);
    process.setStandardInputFile(QProcess::nullDevice());
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        std::fprintf(stderr, "paydesk-server: cannot start %s\n", qPrintable(process.program()));
        return 1;
    }
    say(QStringLiteral("paydesk-server started (pid %1); waiting for the services…").arg(pid));
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 120000) {
        if (::kill(static_cast<pid_t>(pid), 0) != 0) {
            std::fprintf(stderr, "paydesk-server exited during start-up; see %s/logs/server.out\n",
                         qPrintable(config.dataDir()));
            return 1;
        }
        if (pidFile.runningPid() == pid && collectStatus(config).value(QStringLiteral("all_ready")).toBool())
            return showStatus(config, false);
        QThread::msleep(250);
    }
    std::fprintf(stderr, "paydesk-server: not all services ready after 120 s\n");
    return 1;
}

int stopServer(const Config &config)
{
    PidFile pidFile(pidPath(config));
    const qint64 pid = pidFile.runningPid();
    if (pid == 0) {
        say(QStringLiteral("paydesk-server is not running (data dir %1)").arg(config.dataDir()));
        return 0;
    }
    if (::kill(static_cast<pid_t>(pid), SIGTERM) != 0) {
        std::fprintf(stderr, "paydesk-server: cannot signal pid %lld\n", static_cast<long long>(pid));
        return 1;
    }
    say(QStringLiteral("Stopping paydesk-server (pid %1)…").arg(pid));
    QElapsedTimer clock;
    clock.start();
    const qint64 limitMs = config.int64Value(QStringLiteral("shutdown_timeout_ms")) +
                           120000; // drain, then PostgreSQL's shutdown checkpoint
    while (pidFile.runningPid() != 0) {
        if (clock.elapsed() > limitMs) {
            std::fprintf(stderr, "paydesk-server: pid %lld did not stop within %lld ms\n",
                         static_cast<long long>(pid), static_cast<long long>(limitMs));
            return 1;
        }
        QThread::msleep(50);
    }
    say(QStringLiteral("Stopped in %1 ms.").arg(clock.elapsed()));
    return 0;
}

// The token proves that this command runs with the server's own secrets; it never creates them
// (new keys would only produce a token the server rejects).
int adminCommand(const Config &config, const CommandLine &line)
{
    if (line.subcommand != QStringLiteral("create")) {
        std::fprintf(stderr,
                     "paydesk-server: usage: paydesk-server admin create --username U [--password P]\n");
        return 2;
    }
    const QString username = line.commandOptions.value(QStringLiteral("username"));
    if (username.isEmpty()) {
        std::fprintf(stderr, "paydesk-server: admin create: --username is required\n");
        return 2;
    }
    const QString secretsDir = config.dataDir() + QStringLiteral("/secrets");
    platform::ServerSecrets secrets;
    QString error;
    if (!QFileInfo::exists(secretsDir + QStringLiteral("/internal.key")) ||
        !platform::ServerSecrets::loadOrCreate(secretsDir, &secrets, &error)) {
        std::fprintf(
            stderr, "paydesk-server: admin create: no server secrets in %s%s (is --data-dir the server's?)\n",
            qPrintable(secretsDir), qPrintable(error.isEmpty() ? QString() : QStringLiteral(": ") + error));
        return 1;
    }
    QJsonObject body{{QStringLiteral("username"), username}};
    if (line.commandOptions.contains(QStringLiteral("password")))
        body.insert(QStringLiteral("password"), line.commandOptions.value(QStringLiteral("password")));
    const QUrl url(QStringLiteral("http://%1:%2/internal/v1/admins")
                       .arg(config.value(QStringLiteral("bind_address")))
                       .arg(config.portFor(40001)));
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-PayDesk-Internal-Token", secrets.internalToken());
    request.setRawHeader("X-PayDesk-Caller", "paydesk-server-cli");
    request.setTransferTimeout(30000);
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    if (status == 0) {
        std::fprintf(
            stderr,
            "paydesk-server: admin create: cannot reach admin-service at %s: %s (is the server running?)\n",
            qPrintable(url.toString()), qPrintable(reply->errorString()));
        return 1;
    }
    if (status != 201) {
        std::fprintf(stderr, "paydesk-server: admin create: %d %s: %s\n", status,
                     qPrintable(answer.value(QStringLiteral("code")).toString()),
                     qPrintable(answer.value(QStringLiteral("detail")).toString()));
        return 1;
    }
    say(QStringLiteral("Created super admin '%1'.").arg(username));
    if (answer.contains(QStringLiteral("password")))
        say(QStringLiteral("Password: %1 (shown once; change it at first login)")
                .arg(answer.value(QStringLiteral("password")).toString()));
    return 0;
}

} // namespace paydesk::app
