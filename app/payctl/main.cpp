// payctl: the terminal console of a PayDesk cluster (docs/OPERATIONS.md).

#include "Commands.h"
#include "Output.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("payctl"));
    paydesk::payctl::Arguments args;
    QString error;
    if (!paydesk::payctl::Arguments::parse(app.arguments().mid(1), &args, &error)) {
        std::fprintf(stderr, "payctl: %s\n", qPrintable(error));
        return paydesk::payctl::kUsage;
    }
    if (args.has(QStringLiteral("help")) || args.positional.isEmpty()) {
        std::fputs(qPrintable(paydesk::payctl::usage()),
                   args.positional.isEmpty() && !args.has(QStringLiteral("help")) ? stderr : stdout);
        return args.has(QStringLiteral("help")) ? 0 : paydesk::payctl::kUsage;
    }
    return paydesk::payctl::run(args);
}
