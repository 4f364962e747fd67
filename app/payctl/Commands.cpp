#include "Commands.h"

#include "Output.h"
#include "Session.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <cstdio>
#include <functional>
#include <termios.h>
#include <unistd.h>

namespace paydesk::payctl {

namespace {
const QStringList kSwitches{QStringLiteral("json"), QStringLiteral("secret"), QStringLiteral("help")};

int usageError(const QString &message)
{
    std::fprintf(stderr, "payctl: %s\nRun `payctl --help` for the commands.\n", qPrintable(message));
    return kUsage;
}

QString readPassword()
{
    const QByteArray fromEnv = qgetenv("PAYCTL_PASSWORD");
    if (!fromEnv.isEmpty())
        return QString::fromUtf8(fromEnv);
    std::fputs("Password: ", stderr);
    termios saved{};
    const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios silent = saved;
        silent.c_lflag &= static_cast<tcflag_t>(~ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    char buffer[512] = {};
    const bool read = std::fgets(buffer, sizeof buffer, stdin) != nullptr;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
    return read ? QString::fromUtf8(buffer).trimmed() : QString();
}

// A JSON value when the text parses as one ("42", "true", "{...}"), else the text as a string.
QJsonValue jsonOrString(const QString &text)
{
    const QJsonDocument document = QJsonDocument::fromJson("[" + text.toUtf8() + "]");
    return document.isArray() && document.array().size() == 1 ? document.array().first() : QJsonValue(text);
}

struct Context
{
    const Arguments &args;
    api::PlatformClient &client;
    Session &session;
    bool json;
    QString operand(int index) const { return args.positional.value(index); }
};

using Handler = std::function<int(Context &)>;

int needs(Context &c, int operands, const QString &what)
{
    return c.args.positional.size() < operands ? usageError(QStringLiteral("missing %1").arg(what)) : -1;
}

int status(Context &c)
{
    QJsonArray rows;
    bool allReady = true;
    bool anyAnswered = false;
    for (const auto &[name, result] : c.client.healthOfAll()) {
        anyAnswered = anyAnswered || result.status != 0;
        const QJsonObject health = result.object();
        const bool ready = health.value(QStringLiteral("ready")).toBool();
        allReady = allReady && ready;
        rows.append(QJsonObject{{QStringLiteral("service"), name},
                                {QStringLiteral("status"),
                                 result.status == 0 ? QStringLiteral("unreachable")
                                                    : health.value(QStringLiteral("status")).toString()},
                                {QStringLiteral("ready"), ready},
                                {QStringLiteral("port"), health.value(QStringLiteral("port"))},
                                {QStringLiteral("uptime_seconds"),
                                 qRound(health.value(QStringLiteral("uptime_seconds")).toDouble())},
                                {QStringLiteral("in_flight"), health.value(QStringLiteral("in_flight"))}});
    }
    if (c.json)
        std::fputs(QJsonDocument(rows).toJson().constData(), stdout);
    else
        std::fputs(qPrintable(table(rows, {{"service", "service"},
                                           {"status", "status"},
                                           {"ready", "ready"},
                                           {"port", "port"},
                                           {"uptime s", "uptime_seconds"},
                                           {"in flight", "in_flight"}})),
                   stdout);
    if (!anyAnswered)
        std::fprintf(stderr, "payctl: no service answers at %s\n", qPrintable(c.session.url));
    return allReady ? kOk : anyAnswered ? kApiError : kUnreachable;
}

int login(Context &c)
{
    const QString username = c.args.option(QStringLiteral("username"), c.operand(1));
    if (username.isEmpty())
        return usageError(QStringLiteral("login needs --username"));
    const api::ApiResult result =
        c.client.login(username, readPassword(), c.args.option(QStringLiteral("totp")));
    if (result.ok()) {
        c.session.accessToken = QString::fromLatin1(c.client.accessToken());
        c.session.refreshToken = result.object().value(QStringLiteral("refresh_token")).toString();
        c.session.username = username;
        QString error;
        if (!c.session.save(&error))
            std::fprintf(stderr, "payctl: %s\n", qPrintable(error));
    }
    return report(result, c.json, [&](const QJsonObject &body) {
        QString text = QStringLiteral("Logged in as %1 to %2 (token valid %3 s).\n")
                           .arg(username, c.session.url)
                           .arg(body.value(QStringLiteral("expires_in")).toInt());
        if (body.value(QStringLiteral("password_expired")).toBool() ||
            body.value(QStringLiteral("must_change_password")).toBool())
            text += QStringLiteral("Your password must be changed.\n");
        return text;
    });
}

int logout(Context &c)
{
    QString error;
    if (!c.session.clear(&error))
        return usageError(error);
    std::puts("Logged out.");
    return kOk;
}

const QList<Column> kMerchantColumns{{"id", "id"},          {"name", "name"}, {"status", "status"},
                                     {"kyc", "kyc_status"}, {"tier", "tier"}, {"email", "email"},
                                     {"country", "country"}};

int merchants(Context &c)
{
    const QString action = c.operand(1);
    if (action == QStringLiteral("list")) {
        QUrlQuery filter;
        for (const char *name : {"status", "kyc_status", "tier", "q", "page", "page_size"}) {
            const QString option = QString::fromLatin1(name).replace(u'_', u'-');
            if (c.args.options.contains(option))
                filter.addQueryItem(QString::fromLatin1(name), c.args.option(option));
        }
        return report(c.client.merchants(filter), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), kMerchantColumns) +
                   QStringLiteral("%1 merchants\n").arg(body.value(QStringLiteral("total")).toInt());
        });
    }
    if (action == QStringLiteral("show")) {
        if (int e = needs(c, 3, QStringLiteral("merchant id")); e >= 0)
            return e;
        return report(c.client.merchant(c.operand(2)), c.json, keyValues);
    }
    if (action == QStringLiteral("create")) {
        QJsonObject merchant;
        for (const char *name :
             {"name", "email", "phone", "company_name", "business_type", "country", "website", "tier"}) {
            const QString option = QString::fromLatin1(name).replace(u'_', u'-');
            if (c.args.options.contains(option))
                merchant.insert(QString::fromLatin1(name), c.args.option(option));
        }
        return report(c.client.createMerchant(merchant), c.json, keyValues);
    }
    if (action == QStringLiteral("activate") || action == QStringLiteral("suspend") ||
        action == QStringLiteral("reject")) {
        if (int e = needs(c, 3, QStringLiteral("merchant id")); e >= 0)
            return e;
        if (!c.args.options.contains(QStringLiteral("reason")))
            return usageError(QStringLiteral("%1 needs --reason").arg(action));
        return report(
            c.client.changeMerchantStatus(c.operand(2), action, c.args.option(QStringLiteral("reason"))),
            c.json, keyValues);
    }
    return usageError(QStringLiteral("merchants: list | show | create | activate | suspend | reject"));
}

const QList<Column> kPaymentColumns{
    {"payment", "payment_no"},  {"merchant", "merchant_id"},    {"order", "order_no"},
    {"amount", "amount_minor"}, {"currency", "currency"},       {"status", "status"},
    {"channel", "channel"},     {"refunded", "refunded_minor"}, {"created", "created_at"}};

int payments(Context &c)
{
    const QString action = c.operand(1);
    if (action == QStringLiteral("list")) {
        QUrlQuery filter;
        for (const char *name :
             {"status", "merchant_id", "order_no", "payment_no", "from", "to", "page", "page_size"}) {
            const QString option = QString::fromLatin1(name).replace(u'_', u'-');
            if (c.args.options.contains(option))
                filter.addQueryItem(QString::fromLatin1(name), c.args.option(option));
        }
        return report(c.client.payments(filter), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), kPaymentColumns) +
                   QStringLiteral("%1 payments\n").arg(body.value(QStringLiteral("total")).toInt());
        });
    }
    if (action == QStringLiteral("show")) {
        if (int e = needs(c, 3, QStringLiteral("payment number")); e >= 0)
            return e;
        return report(c.client.payment(c.operand(2)), c.json, [](const QJsonObject &body) {
            QJsonObject summary = body;
            summary.remove(QStringLiteral("timeline"));
            summary.remove(QStringLiteral("refunds"));
            return keyValues(summary) + QStringLiteral("\nTimeline\n") +
                   table(body.value(QStringLiteral("timeline")).toArray(),
                         {{"at", "at"}, {"kind", "kind"}, {"step", "step"}, {"from", "from"}, {"to", "to"}}) +
                   QStringLiteral("\nRefunds\n") +
                   table(body.value(QStringLiteral("refunds")).toArray(), {{"refund", "refund_no"},
                                                                           {"amount", "amount_minor"},
                                                                           {"status", "status"},
                                                                           {"by", "operator_type"},
                                                                           {"created", "created_at"}});
        });
    }
    if (action == QStringLiteral("refund")) {
        if (int e = needs(c, 3, QStringLiteral("payment number")); e >= 0)
            return e;
        bool ok = false;
        const qint64 amount = c.args.option(QStringLiteral("amount")).toLongLong(&ok);
        if (!ok || amount <= 0)
            return usageError(QStringLiteral("refund needs --amount N (integer minor units > 0)"));
        if (!c.args.options.contains(QStringLiteral("reason")))
            return usageError(QStringLiteral("refund needs --reason"));
        return report(c.client.refundPayment(c.operand(2), amount, c.args.option(QStringLiteral("reason"))),
                      c.json, keyValues);
    }
    return usageError(QStringLiteral("payments: list | show | refund"));
}

int kyc(Context &c)
{
    const QString action = c.operand(1);
    if (action == QStringLiteral("queue")) {
        QUrlQuery filter;
        filter.addQueryItem(QStringLiteral("status"),
                            c.args.option(QStringLiteral("status"), QStringLiteral("pending")));
        if (c.args.options.contains(QStringLiteral("page")))
            filter.addQueryItem(QStringLiteral("page"), c.args.option(QStringLiteral("page")));
        return report(c.client.kycQueue(filter), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), {{"case", "id"},
                                                                         {"merchant", "merchant_id"},
                                                                         {"level", "target_level"},
                                                                         {"status", "status"},
                                                                         {"submitted", "created_at"}});
        });
    }
    if (action == QStringLiteral("show")) {
        if (int e = needs(c, 3, QStringLiteral("case id")); e >= 0)
            return e;
        return report(c.client.kycCase(c.operand(2)), c.json, keyValues);
    }
    if (action == QStringLiteral("approve") || action == QStringLiteral("reject")) {
        if (int e = needs(c, 3, QStringLiteral("case id")); e >= 0)
            return e;
        if (action == QStringLiteral("reject") && !c.args.options.contains(QStringLiteral("reason")))
            return usageError(QStringLiteral("reject needs --reason"));
        return report(c.client.decideKyc(c.operand(2), action == QStringLiteral("approve"),
                                         c.args.option(QStringLiteral("reason"))),
                      c.json, keyValues);
    }
    return usageError(QStringLiteral("kyc: queue | show | approve | reject"));
}

int keys(Context &c)
{
    const QString action = c.operand(1);
    if (int e = needs(c, 3,
                      action == QStringLiteral("list") || action == QStringLiteral("create")
                          ? QStringLiteral("merchant id")
                          : QStringLiteral("key id"));
        e >= 0)
        return e;
    if (action == QStringLiteral("list")) {
        return report(c.client.apiKeys(c.operand(2)), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), {{"key", "key_id"},
                                                                         {"env", "environment"},
                                                                         {"status", "status"},
                                                                         {"label", "label"},
                                                                         {"last used", "last_used_at"},
                                                                         {"grace until", "grace_until"}});
        });
    }
    if (action == QStringLiteral("create")) {
        return report(
            c.client.createApiKey(c.operand(2), c.args.option(QStringLiteral("env"), QStringLiteral("test")),
                                  c.args.option(QStringLiteral("label"))),
            c.json, [](const QJsonObject &body) {
                return keyValues(body) + QStringLiteral("\nThe secret is shown once: store it now.\n");
            });
    }
    if (action == QStringLiteral("rotate")) {
        return report(c.client.rotateApiKey(
                          c.operand(2),
                          c.args.option(QStringLiteral("grace-seconds"), QStringLiteral("86400")).toInt()),
                      c.json, [](const QJsonObject &body) {
                          return keyValues(body) +
                                 QStringLiteral("\nThe new secret is shown once: store it now.\n");
                      });
    }
    if (action == QStringLiteral("revoke")) {
        if (!c.args.options.contains(QStringLiteral("reason")))
            return usageError(QStringLiteral("revoke needs --reason"));
        return report(c.client.revokeApiKey(c.operand(2), c.args.option(QStringLiteral("reason"))), c.json,
                      keyValues);
    }
    return usageError(QStringLiteral("keys: list | create | rotate | revoke"));
}

int limits(Context &c)
{
    const QString action = c.operand(1);
    if (int e = needs(c, 3, QStringLiteral("merchant id")); e >= 0)
        return e;
    if (action == QStringLiteral("show"))
        return report(c.client.limits(c.operand(2)), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(),
                         {{"currency", "currency"},
                          {"single max", "single_max_minor"},
                          {"daily max", "daily_max_minor"},
                          {"daily used", "daily_used_minor"},
                          {"monthly max", "monthly_max_minor"},
                          {"monthly used", "monthly_used_minor"},
                          {"source", "source"},
                          {"warning", "warning"}});
        });
    if (action == QStringLiteral("set")) {
        QJsonObject body{{QStringLiteral("currency"), c.args.option(QStringLiteral("currency"))}};
        const QList<QPair<QString, QString>> fields{{"single", "single_max_minor"},
                                                    {"daily", "daily_max_minor"},
                                                    {"monthly", "monthly_max_minor"},
                                                    {"daily-count", "daily_count_max"},
                                                    {"monthly-count", "monthly_count_max"}};
        for (const auto &[option, field] : fields) {
            if (c.args.options.contains(option))
                body.insert(field, c.args.option(option).toLongLong());
        }
        return report(c.client.setLimits(c.operand(2), body), c.json, keyValues);
    }
    return usageError(QStringLiteral("limits: show | set"));
}

int ledger(Context &c)
{
    const QString action = c.operand(1);
    if (action == QStringLiteral("balances")) {
        QUrlQuery filter;
        for (const auto &[option, field] : {std::pair{"merchant", "merchant_id"},
                                            std::pair{"currency", "currency"}, std::pair{"page", "page"}}) {
            if (c.args.options.contains(QLatin1String(option)))
                filter.addQueryItem(QLatin1String(field), c.args.option(QLatin1String(option)));
        }
        return report(c.client.ledgerBalances(filter), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), {{"account", "account"},
                                                                         {"currency", "currency"},
                                                                         {"side", "normal_side"},
                                                                         {"balance", "balance_minor"},
                                                                         {"debits", "debit_minor"},
                                                                         {"credits", "credit_minor"}});
        });
    }
    if (action == QStringLiteral("verify")) {
        const api::ApiResult result = c.client.verifyLedger();
        const int code = report(result, c.json, [](const QJsonObject &body) {
            QString text = QStringLiteral("%1: %2 entries, %3 accounts checked\n")
                               .arg(body.value(QStringLiteral("ok")).toBool() ? QStringLiteral("consistent")
                                                                              : QStringLiteral("DIFFERENCES"))
                               .arg(body.value(QStringLiteral("checked_entries")).toInteger())
                               .arg(body.value(QStringLiteral("checked_accounts")).toInteger());
            const QJsonArray differences = body.value(QStringLiteral("differences")).toArray();
            if (!differences.isEmpty())
                text += table(differences, {{"kind", "kind"},
                                            {"account", "account"},
                                            {"cached", "cached"},
                                            {"computed", "computed"},
                                            {"entry", "entry_no"},
                                            {"debit", "debit"},
                                            {"credit", "credit"}});
            return text;
        });
        // A ledger with differences is a failed check for scripts.
        return code == kOk && !result.object().value(QStringLiteral("ok")).toBool() ? kApiError : code;
    }
    return usageError(QStringLiteral("ledger: balances [--merchant M] [--currency C] | verify"));
}

int config(Context &c)
{
    const QString action = c.operand(1);
    if (int e = needs(c, 3, QStringLiteral("config key")); e >= 0)
        return e;
    if (action == QStringLiteral("get"))
        return report(c.client.configValue(c.operand(2)), c.json, keyValues);
    if (action == QStringLiteral("set")) {
        if (int e = needs(c, 4, QStringLiteral("value")); e >= 0)
            return e;
        return report(c.client.setConfigValue(c.operand(2), jsonOrString(c.operand(3)),
                                              c.args.has(QStringLiteral("secret")) ? std::optional<bool>(true)
                                                                                   : std::nullopt),
                      c.json, keyValues);
    }
    return usageError(QStringLiteral("config: get KEY | set KEY VALUE [--secret]"));
}

int flags(Context &c)
{
    const QString action = c.operand(1);
    if (action == QStringLiteral("list"))
        return report(c.client.flags(), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), {{"flag", "name"},
                                                                         {"enabled", "enabled"},
                                                                         {"rollout %", "rollout_percent"},
                                                                         {"allow", "allow_merchants"},
                                                                         {"deny", "deny_merchants"}});
        });
    if (action == QStringLiteral("set")) {
        if (int e = needs(c, 3, QStringLiteral("flag name")); e >= 0)
            return e;
        // PUT replaces the flag: start from its current state so unnamed fields (rollout,
        // allow and deny lists) are kept.
        const api::ApiResult current = c.client.flag(c.operand(2));
        if (!current.ok() && current.status != 404)
            return report(current, c.json, keyValues);
        QJsonObject flag{{QStringLiteral("enabled"), false}, {QStringLiteral("rollout_percent"), 0}};
        for (const char *field :
             {"enabled", "rollout_percent", "allow_merchants", "deny_merchants", "description"}) {
            const QString name = QString::fromLatin1(field);
            if (current.ok() && current.object().contains(name))
                flag.insert(name, current.object().value(name));
        }
        if (c.args.options.contains(QStringLiteral("enabled")))
            flag.insert(QStringLiteral("enabled"),
                        c.args.option(QStringLiteral("enabled")) == QStringLiteral("true"));
        if (c.args.options.contains(QStringLiteral("rollout")))
            flag.insert(QStringLiteral("rollout_percent"), c.args.option(QStringLiteral("rollout")).toInt());
        return report(c.client.setFlag(c.operand(2), flag), c.json, keyValues);
    }
    return usageError(QStringLiteral("flags: list | set NAME [--enabled true|false] [--rollout N]"));
}

// Stops, starts or restarts one service of the server (admin-service, permission system.control)
// and prints where it ended up; the server answers once the service got there.
int services(Context &c)
{
    const QString action = c.operand(1);
    if (action != QStringLiteral("stop") && action != QStringLiteral("start") &&
        action != QStringLiteral("restart"))
        return usageError(QStringLiteral("services: stop | start | restart NAME"));
    if (int e = needs(c, 3, QStringLiteral("service name")); e >= 0)
        return e;
    const QString name = c.operand(2);
    if (!c.json)
        std::fprintf(stderr, "payctl: %s %s…\n",
                     qPrintable(action == QStringLiteral("stop")    ? QStringLiteral("stopping")
                                : action == QStringLiteral("start") ? QStringLiteral("starting")
                                                                    : QStringLiteral("restarting")),
                     qPrintable(name));
    return report(c.client.controlService(name, action), c.json, [&](const QJsonObject &health) {
        return QStringLiteral("%1: %2 (state %3, %4, port %5)\n")
            .arg(health.value(QStringLiteral("service")).toString(name),
                 health.value(QStringLiteral("status")).toString(),
                 health.value(QStringLiteral("state")).toString(),
                 health.value(QStringLiteral("ready")).toBool() ? QStringLiteral("ready")
                                                                : QStringLiteral("not ready"))
            .arg(health.value(QStringLiteral("port")).toInt());
    });
}

int webhooks(Context &c)
{
    const QString action = c.operand(1);
    if (action == QStringLiteral("list")) {
        QUrlQuery filter;
        for (const char *name : {"merchant_id", "payment_no", "status", "event", "page", "page_size"}) {
            const QString option = QString::fromLatin1(name).replace(u'_', u'-');
            if (c.args.options.contains(option))
                filter.addQueryItem(QString::fromLatin1(name), c.args.option(option));
        }
        return report(c.client.webhookDeliveries(filter), c.json, [](const QJsonObject &body) {
            return table(body.value(QStringLiteral("items")).toArray(), {{"delivery", "id"},
                                                                         {"merchant", "merchant_id"},
                                                                         {"event", "event"},
                                                                         {"payment", "payment_no"},
                                                                         {"status", "status"},
                                                                         {"attempts", "attempts"},
                                                                         {"last code", "last_status_code"},
                                                                         {"url", "url"}}) +
                   QStringLiteral("%1 deliveries\n").arg(body.value(QStringLiteral("total")).toInt());
        });
    }
    if (action == QStringLiteral("redeliver")) {
        if (int e = needs(c, 3, QStringLiteral("delivery id")); e >= 0)
            return e;
        return report(c.client.redeliverWebhook(c.operand(2)), c.json, keyValues);
    }
    return usageError(
        QStringLiteral("webhooks: list [--merchant-id M] [--payment-no P] [--status S] [--event E] | "
                       "redeliver DELIVERY"));
}
} // namespace

bool Arguments::parse(const QStringList &argv, Arguments *out, QString *error)
{
    for (qsizetype i = 0; i < argv.size(); ++i) {
        const QString &arg = argv[i];
        if (!arg.startsWith(QStringLiteral("--"))) {
            out->positional.append(arg);
            continue;
        }
        QString name = arg.mid(2);
        if (name.contains(u'=')) {
            out->options.insert(name.section(u'=', 0, 0), name.section(u'=', 1));
        } else if (kSwitches.contains(name)) {
            out->switches.append(name);
        } else if (i + 1 < argv.size()) {
            out->options.insert(name, argv[++i]);
        } else {
            *error = QStringLiteral("option --%1 needs a value").arg(name);
            return false;
        }
    }
    return true;
}

QString usage()
{
    return QStringLiteral(
        "usage: payctl [--url http://host:base_port] [--json] <command>\n\n"
        "  status                                     health of every service\n"
        "  login --username U [--totp CODE]           password from PAYCTL_PASSWORD or the prompt\n"
        "  logout\n"
        "  merchants list [--status S] [--kyc-status S] [--tier T] [--q TEXT] [--page N]\n"
        "  merchants show ID\n"
        "  merchants create --name N --email E [--country CC] [--tier T] [--business-type "
        "individual|company]\n"
        "  merchants activate|suspend|reject ID --reason TEXT\n"
        "  kyc queue [--status pending]    kyc show CASE    kyc approve CASE [--reason R]    kyc reject CASE "
        "--reason R\n"
        "  keys list MERCHANT    keys create MERCHANT [--env test|live] [--label L]\n"
        "  keys rotate KEY [--grace-seconds N]    keys revoke KEY --reason R\n"
        "  limits show MERCHANT\n"
        "  limits set MERCHANT --currency C [--single N] [--daily N] [--monthly N] [--daily-count N] "
        "[--monthly-count N]\n"
        "  payments list [--status S] [--merchant-id M] [--order-no O] [--from T] [--to T] [--page N]\n"
        "  payments show PAYMENT_NO    payments refund PAYMENT_NO --amount N --reason R\n"
        "  ledger balances [--merchant M] [--currency C] [--page N]    ledger verify\n"
        "  config get KEY    config set KEY VALUE [--secret]\n"
        "  flags list    flags set NAME [--enabled true|false] [--rollout PERCENT]\n"
        "  webhooks list [--merchant-id M] [--payment-no P] [--status pending|retrying|delivered|dead] "
        "[--event E] [--page N]\n"
        "  webhooks redeliver DELIVERY\n"
        "  services stop|start|restart NAME           one service of the server (needs system.control)\n\n"
        "Amounts are integer minor units. Exit codes: 0 ok, 1 refused by the server, 2 usage, 3 "
        "unreachable,\n"
        "4 not logged in or not permitted. The session is kept in ~/.config/paydesk/payctl.json (mode "
        "0600).\n");
}

int run(const Arguments &args)
{
    Session session = Session::load();
    if (args.options.contains(QStringLiteral("url")))
        session.url = args.option(QStringLiteral("url"));
    const QUrl url(session.url);
    if (!url.isValid() || url.host().isEmpty())
        return usageError(
            QStringLiteral("--url must look like http://127.0.0.1:40000, got '%1'").arg(session.url));
    api::PlatformClient client(api::ServiceMap::fromUrl(url));
    client.setAccessToken(session.accessToken.toLatin1());

    static const QHash<QString, Handler> kCommands{
        {QStringLiteral("status"), status},     {QStringLiteral("login"), login},
        {QStringLiteral("logout"), logout},     {QStringLiteral("merchants"), merchants},
        {QStringLiteral("kyc"), kyc},           {QStringLiteral("keys"), keys},
        {QStringLiteral("limits"), limits},     {QStringLiteral("config"), config},
        {QStringLiteral("flags"), flags},       {QStringLiteral("ledger"), ledger},
        {QStringLiteral("webhooks"), webhooks}, {QStringLiteral("payments"), payments},
        {QStringLiteral("services"), services},
    };
    const auto handler = kCommands.find(args.positional.value(0));
    if (handler == kCommands.end())
        return usageError(args.positional.isEmpty()
                              ? QStringLiteral("no command given")
                              : QStringLiteral("unknown command '%1'").arg(args.positional.first()));
    Context context{args, client, session, args.has(QStringLiteral("json"))};
    int code = (*handler)(context);
    // An expired access token is renewed once with the refresh token, then the command retried.
    if (code == kAuth && !session.refreshToken.isEmpty() &&
        args.positional.first() != QStringLiteral("login")) {
        const api::ApiResult renewed = client.refresh(session.refreshToken);
        if (renewed.ok()) {
            session.accessToken = QString::fromLatin1(client.accessToken());
            session.refreshToken = renewed.object().value(QStringLiteral("refresh_token")).toString();
            QString error;
            session.save(&error);
            code = (*handler)(context);
        }
    }
    return code;
}

} // namespace paydesk::payctl
