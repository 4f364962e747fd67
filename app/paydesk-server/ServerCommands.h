#pragma once
// The paydesk-server commands: run (foreground), start (background), status, stop, admin create,
// ledger verify.

#include "platform/config/Config.h"

#include <QJsonObject>
#include <QStringList>

namespace paydesk::app {

struct CommandLine
{
    QString command;                        // run | start | status | stop | admin | ledger
    QString subcommand;                     // admin: create; ledger: verify
    QHash<QString, QString> commandOptions; // admin: username, password (not config keys)
    QHash<QString, QString> flags;
    bool json = false;
    bool printConfig = false;
    bool help = false;
    QStringList forwarded; // the original options, for `start` to pass on to `run`
};

// Returns false with a readable *error for unknown commands and malformed options.
bool parseCommandLine(const QStringList &arguments, CommandLine *line, QString *error);
QString usage();

int runServer(const platform::Config &config);
int startServer(const platform::Config &config, const CommandLine &line);
int showStatus(const platform::Config &config, bool json);
// The data behind `status`: {pid, data_dir, all_ready, services[], infrastructure[]}.
QJsonObject collectStatus(const platform::Config &config);
int stopServer(const platform::Config &config);
// `admin create --username U [--password P]`: asks the running admin-service to create a super
// admin (POST /internal/v1/admins with this installation's internal token).
int adminCommand(const platform::Config &config, const CommandLine &line);
// `ledger verify [--json]`: asks the running accounting-service to verify the ledger
// (POST /internal/v1/ledger/verify with the internal token); 0 when clean, 1 otherwise.
int ledgerCommand(const platform::Config &config, const CommandLine &line);

} // namespace paydesk::app
