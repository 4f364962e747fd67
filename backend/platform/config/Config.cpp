#include "platform/config/Config.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <unistd.h>

namespace paydesk::platform {

QString toString(ConfigSource source)
{
    switch (source) {
    case ConfigSource::Default:
        return QStringLiteral("default");
    case ConfigSource::File:
        return QStringLiteral("file");
    case ConfigSource::Environment:
        return QStringLiteral("env");
    case ConfigSource::Flag:
        return QStringLiteral("flag");
    }
    return {};
}

const QList<ConfigKey> &Config::keys()
{
    static const QList<ConfigKey> kKeys = {
        {"data_dir", QString(), "Data directory: private PostgreSQL/Redis, logs, pid file", false},
        {"base_port", "40000", "Shifts every port: service port = base_port + (seed port - 40000)", false},
        {"bind_address", "127.0.0.1", "Address the service listeners bind to", false},
        {"services", "all", "Comma list of services this process hosts (cluster mode), or 'all'", false},
        {"database_url", QString(),
         "External PostgreSQL (postgresql://user:pw@host:port/db); empty = private cluster", true},
        {"redis_url", QString(), "External Redis (redis://:pw@host:port/db); empty = private redis-server",
         true},
        {"kafka_brokers", QString(),
         "Kafka bootstrap servers (host:port,...) for the event bus; empty = in-process bus (single site)",
         false},
        {"pg_bin_dir", QString(), "PostgreSQL server binaries; empty = newest /usr/lib/postgresql/*/bin",
         false},
        {"redis_binary", QString(), "redis-server executable for the private instance; empty = from PATH",
         false},
        {"workers_per_service", "3", "Worker threads (and database connections) per service", false},
        {"body_limit_bytes", "1048576", "Largest request body accepted (413 above)", false},
        {"log_level", "info", "debug | info | warn | error", false},
        {"log_max_bytes", "10485760", "Size at which a service log file is rotated", false},
        {"log_max_files", "5", "Rotated log files kept per service", false},
        {"readiness_interval_ms", "1000", "How often each service re-checks its dependencies", false},
        {"shutdown_timeout_ms", "30000", "Graceful drain limit on stop/SIGTERM", false},
        {"service_urls", QString(), "Remote services for cluster mode: name=url,name=url", false},
        {"enable_mtls", "false", "Require client certificates on every listener", false},
        {"tls_cert_file", QString(), "PEM certificate for the listeners (enables HTTPS)", false},
        {"tls_key_file", QString(), "PEM private key for tls_cert_file", false},
        {"tls_ca_file", QString(), "PEM CA bundle that client certificates must chain to (mTLS)", false},
        {"plugin_dir", QString(),
         "Plugin root (channel plugins in <plugin_dir>/channels); empty = <bin>/plugins, then "
         "<bin>/../lib/paydesk/plugins, then the build tree",
         false},
    };
    return kKeys;
}

QString Config::defaultDataDir()
{
    // As root the private PostgreSQL runs as `postgres`, which must traverse every parent folder:
    // /var/lib is world-traversable, /root is not.
    if (geteuid() == 0)
        return QStringLiteral("/var/lib/paydesk");
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/paydesk");
}

bool Config::parseFile(const QString &text, QHash<QString, QString> *values, QString *error)
{
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0) {
            *error = QStringLiteral("line %1: expected 'key = value', got '%2'").arg(i + 1).arg(line);
            return false;
        }
        QString value = line.mid(eq + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.mid(1, value.size() - 2);
        values->insert(line.left(eq).trimmed(), value);
    }
    return true;
}

namespace {
bool isKnown(const QString &key)
{
    for (const ConfigKey &known : Config::keys()) {
        if (known.name == key)
            return true;
    }
    return false;
}
} // namespace

Config Config::load(const QHash<QString, QString> &flags, const QHash<QString, QString> &environment,
                    QString *error)
{
    Config config;
    for (const ConfigKey &key : keys())
        config.set(key.name, key.defaultValue, ConfigSource::Default);
    config.set(QStringLiteral("data_dir"), defaultDataDir(), ConfigSource::Default);

    QHash<QString, QString> fromEnv;
    for (auto it = environment.begin(); it != environment.end(); ++it) {
        if (!it.key().startsWith(QStringLiteral("PAYDESK_")) || it.key() == QStringLiteral("PAYDESK_CONFIG"))
            continue;
        const QString key = it.key().mid(8).toLower();
        if (isKnown(key))
            fromEnv.insert(key, it.value());
    }
    for (auto it = flags.begin(); it != flags.end(); ++it) {
        if (it.key() != QStringLiteral("config") && !isKnown(it.key())) {
            *error = QStringLiteral("unknown option --%1").arg(QString(it.key()).replace(u'_', u'-'));
            return {};
        }
    }

    // The config file location may itself depend on data_dir from env or flags.
    QString dataDir =
        flags.value(QStringLiteral("data_dir"), fromEnv.value(QStringLiteral("data_dir"), config.dataDir()));
    QString file = flags.value(QStringLiteral("config"), environment.value(QStringLiteral("PAYDESK_CONFIG")));
    const bool explicitFile = !file.isEmpty();
    if (!explicitFile)
        file = dataDir + QStringLiteral("/paydesk.conf");
    if (QFileInfo::exists(file)) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read config file %1: %2").arg(file, f.errorString());
            return {};
        }
        QHash<QString, QString> fromFile;
        QString parseError;
        if (!parseFile(QString::fromUtf8(f.readAll()), &fromFile, &parseError)) {
            *error = QStringLiteral("%1: %2").arg(file, parseError);
            return {};
        }
        for (auto it = fromFile.begin(); it != fromFile.end(); ++it) {
            if (!isKnown(it.key())) {
                *error = QStringLiteral("%1: unknown key '%2'").arg(file, it.key());
                return {};
            }
            config.set(it.key(), it.value(), ConfigSource::File);
        }
        config.m_configFile = file;
    } else if (explicitFile) {
        *error = QStringLiteral("config file %1 does not exist").arg(file);
        return {};
    }
    for (auto it = fromEnv.begin(); it != fromEnv.end(); ++it)
        config.set(it.key(), it.value(), ConfigSource::Environment);
    for (auto it = flags.begin(); it != flags.end(); ++it) {
        if (it.key() != QStringLiteral("config"))
            config.set(it.key(), it.value(), ConfigSource::Flag);
    }

    bool ok = false;
    const int basePort = config.value(QStringLiteral("base_port")).toInt(&ok);
    if (!ok || basePort < 1024 || basePort > 65000) {
        *error = QStringLiteral("base_port must be a number from 1024 to 65000, got '%1'")
                     .arg(config.value(QStringLiteral("base_port")));
        return {};
    }
    for (const char *numeric : {"workers_per_service", "body_limit_bytes", "log_max_bytes", "log_max_files",
                                "readiness_interval_ms", "shutdown_timeout_ms"}) {
        const QString key = QString::fromLatin1(numeric);
        if (config.int64Value(key) <= 0) {
            *error = QStringLiteral("%1 must be a positive number, got '%2'").arg(key, config.value(key));
            return {};
        }
    }
    config.set(QStringLiteral("data_dir"), QDir::cleanPath(QDir(config.dataDir()).absolutePath()),
               config.source(QStringLiteral("data_dir")));
    return config;
}

QString Config::value(const QString &key) const
{
    Q_ASSERT_X(m_entries.contains(key), "Config::value", qPrintable(key));
    return m_entries.value(key).value;
}

int Config::intValue(const QString &key) const
{
    return value(key).toInt();
}

qint64 Config::int64Value(const QString &key) const
{
    return value(key).toLongLong();
}

bool Config::boolValue(const QString &key) const
{
    const QString v = value(key).toLower();
    return v == QStringLiteral("true") || v == QStringLiteral("1") || v == QStringLiteral("yes") ||
           v == QStringLiteral("on");
}

ConfigSource Config::source(const QString &key) const
{
    return m_entries.value(key).source;
}

void Config::set(const QString &key, const QString &value, ConfigSource source)
{
    m_entries.insert(key, Entry{value, source});
}

quint16 Config::portFor(quint16 seedPort) const
{
    return static_cast<quint16>(intValue(QStringLiteral("base_port")) + (seedPort - 40000));
}

QString Config::describe() const
{
    QString out = QStringLiteral("%1  %2  %3\n")
                      .arg(QStringLiteral("key"), -22)
                      .arg(QStringLiteral("source"), -7)
                      .arg(QStringLiteral("value"));
    for (const ConfigKey &key : keys()) {
        QString shown = value(key.name);
        if (key.secret && !shown.isEmpty())
            shown = QStringLiteral("(set, hidden)");
        out +=
            QStringLiteral("%1  %2  %3\n").arg(key.name, -22).arg(toString(source(key.name)), -7).arg(shown);
    }
    out += QStringLiteral("config file: %1\n")
               .arg(m_configFile.isEmpty() ? QStringLiteral("(none)") : m_configFile);
    return out;
}

} // namespace paydesk::platform
