// paydesk-server: the whole PayDesk backend (or a subset with --services) in one process.

#include "ServerCommands.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <cstdio>

using namespace paydesk;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("paydesk-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PAYDESK_VERSION));

    app::CommandLine line;
    QString error;
    if (!app::parseCommandLine(app.arguments().mid(1), &line, &error)) {
        std::fprintf(stderr, "paydesk-server: %s\n\n%s", qPrintable(error), qPrintable(app::usage()));
        return 2;
    }
    if (line.help) {
        std::fputs(qPrintable(app::usage()), stdout);
        return 0;
    }
    QHash<QString, QString> environment;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &key : system.keys())
        environment.insert(key, system.value(key));
    const platform::Config config = platform::Config::load(line.flags, environment, &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "paydesk-server: %s\n", qPrintable(error));
        return 2;
    }
    if (line.printConfig) {
        std::fputs(qPrintable(config.describe()), stdout);
        return 0;
    }
    if (line.command == QStringLiteral("run"))
        return app::runServer(config);
    if (line.command == QStringLiteral("start"))
        return app::startServer(config, line);
    if (line.command == QStringLiteral("admin"))
        return app::adminCommand(config, line);
    if (line.command == QStringLiteral("ledger"))
        return app::ledgerCommand(config, line);
    if (line.command == QStringLiteral("status"))
        return app::showStatus(config, line.json);
    return app::stopServer(config);
}
