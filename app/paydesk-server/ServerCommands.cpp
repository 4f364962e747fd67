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
#include <QJsonArray>
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
                       "           is shown once when --password is absent)\n"
                       "  ledger verify [--json]\n"
                       "           check the running server's ledger: every cached balance against its\n"
                       "           lines, every entry balanced (exit 0 clean, 1 differences listed)\n\n"
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
        } else if ((line->command == QStringLiteral("admin") || line->command == QStringLiteral("ledger")) &&
                   line->subcommand.isEmpty()) {
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
    static const QStringList kCommands{QStringLiteral("run"),    QStringLiteral("start"),
                                       QStringLiteral("status"), QStringLiteral("stop"),
                                       QStringLiteral("admin"),  QStringLiteral("ledger")};
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

namespace {
struct InternalAnswer
{
    int status = 0; // 0: nothing answered
    QJsonObject body;
    QString networkError;
};

// POSTs `body` to a service of the running server with the internal token from
// <data_dir>/secrets. The token proves that this command runs with the server's own secrets; it
// never creates them (new keys would only produce a token the server rejects). False with the
// reason printed when the secrets are missing.
bool callInternal(const Config &config, const char *command, quint16 seedPort, const QString &path,
                  const QJsonObject &body, InternalAnswer *answer)
{
    const QString secretsDir = config.dataDir() + QStringLiteral("/secrets");
    platform::ServerSecrets secrets;
    QString error;
    if (!QFileInfo::exists(secretsDir + QStringLiteral("/internal.key")) ||
        !platform::ServerSecrets::loadOrCreate(secretsDir, &secrets, &error)) {
        std::fprintf(stderr, "paydesk-server: %s: no server secrets in %s%s (is --data-dir the server's?)\n",
                     command, qPrintable(secretsDir),
                     qPrintable(error.isEmpty() ? QString() : QStringLiteral(": ") + error));
        return false;
    }
    const QUrl url(QStringLiteral("http://%1:%2%3")
                       .arg(config.value(QStringLiteral("bind_address")))
                       .arg(config.portFor(seedPort))
                       .arg(path));
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
    answer->status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer->body = QJsonDocument::fromJson(reply->readAll()).object();
    if (answer->status == 0)
        answer->networkError = QStringLiteral("cannot reach %1: %2 (is the server running?)")
                                   .arg(url.toString(), reply->errorString());
    return true;
}

void printRefusal(const char *command, const InternalAnswer &answer)
{
    if (answer.status == 0)
        std::fprintf(stderr, "paydesk-server: %s: %s\n", command, qPrintable(answer.networkError));
    else
        std::fprintf(stderr, "paydesk-server: %s: %d %s: %s\n", command, answer.status,
                     qPrintable(answer.body.value(QStringLiteral("code")).toString()),
                     qPrintable(answer.body.value(QStringLiteral("detail")).toString()));
}

QString describeDifference(const QJsonObject &d)
{
    auto number = [&d](const char *field) {
        const QJsonValue value = d.value(QLatin1String(field));
        return value.isNull() || value.isUndefined() ? QStringLiteral("none")
                                                     : QString::number(value.toInteger());
    };
    const QString kind = d.value(QStringLiteral("kind")).toString();
    if (kind == QStringLiteral("balance"))
        return QStringLiteral("account %1: cached balance %2, computed from lines %3")
            .arg(d.value(QStringLiteral("account")).toVariant().toString(), number("cached"),
                 number("computed"));
    if (kind == QStringLiteral("unbalanced_entry"))
        return QStringLiteral("entry %1 (%2): debits %3 != credits %4")
            .arg(d.value(QStringLiteral("entry_no")).toString(),
                 d.value(QStringLiteral("currency")).toString(), number("debit"), number("credit"));
    if (kind == QStringLiteral("missing_account"))
        return QStringLiteral("entry %1 line %2: account %3 does not exist")
            .arg(d.value(QStringLiteral("entry_no")).toString(), number("line_no"), number("account_id"));
    return QString::fromUtf8(QJsonDocument(d).toJson(QJsonDocument::Compact));
}
} // namespace

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
    QJsonObject body{{QStringLiteral("username"), username}};
    if (line.commandOptions.contains(QStringLiteral("password")))
        body.insert(QStringLiteral("password"), line.commandOptions.value(QStringLiteral("password")));
    InternalAnswer answer;
    if (!callInternal(config, "admin create", 40001, QStringLiteral("/internal/v1/admins"), body, &answer))
        return 1;
    if (answer.status != 201) {
        printRefusal("admin create", answer);
        return 1;
    }
    say(QStringLiteral("Created super admin '%1'.").arg(username));
    if (answer.body.contains(QStringLiteral("password")))
        say(QStringLiteral("Password: %1 (shown once; change it at first login)")
                .arg(answer.body.value(QStringLiteral("password")).toString()));
    return 0;
}

int ledgerCommand(const Config &config, const CommandLine &line)
{
    if (line.subcommand != QStringLiteral("verify")) {
        std::fprintf(stderr, "paydesk-server: usage: paydesk-server ledger verify [--json]\n");
        return 2;
    }
    InternalAnswer answer;
    if (!callInternal(config, "ledger verify", 40007, QStringLiteral("/internal/v1/ledger/verify"), {},
                      &answer))
        return 1;
    if (answer.status != 200) {
        printRefusal("ledger verify", answer);
        return 1;
    }
    const bool ok = answer.body.value(QStringLiteral("ok")).toBool();
    if (line.json) {
        std::fputs(QJsonDocument(answer.body).toJson(QJsonDocument::Indented).constData(), stdout);
        return ok ? 0 : 1;
    }
    const QString checked = QStringLiteral("%1 entries, %2 accounts, %3 lines checked")
                                .arg(answer.body.value(QStringLiteral("checked_entries")).toInteger())
                                .arg(answer.body.value(QStringLiteral("checked_accounts")).toInteger())
                                .arg(answer.body.value(QStringLiteral("checked_lines")).toInteger());
    const qint64 unposted = answer.body.value(QStringLiteral("unposted_events")).toInteger();
    if (ok) {
        say(QStringLiteral("Ledger is consistent: %1.").arg(checked));
    } else {
        const QJsonArray differences = answer.body.value(QStringLiteral("differences")).toArray();
        say(QStringLiteral("Ledger has %1 difference(s) (%2):").arg(differences.size()).arg(checked));
        for (const QJsonValue &difference : differences)
            say(QStringLiteral("  ") + describeDifference(difference.toObject()));
    }
    if (unposted > 0)
        say(QStringLiteral("Note: %1 payment event(s) could not be posted (table unposted_events).")
                .arg(unposted));
    return ok ? 0 : 1;
}

} // namespace paydesk::app
