#pragma once
// payctl's commands. Each takes the parsed arguments and a logged-in client, prints its result
// and returns the process exit code (Output.h).

#include "api/PlatformClient.h"

#include <QHash>
#include <QStringList>

namespace paydesk::payctl {

struct Arguments
{
    QStringList positional;          // command words and operands
    QHash<QString, QString> options; // --name value
    QStringList switches;            // --json, --secret, ...

    static bool parse(const QStringList &argv, Arguments *out, QString *error);
    QString option(const QString &name, const QString &fallback = {}) const
    {
        return options.value(name, fallback);
    }
    bool has(const QString &name) const { return switches.contains(name) || options.contains(name); }
};

QString usage();
int run(const Arguments &args);

} // namespace paydesk::payctl
