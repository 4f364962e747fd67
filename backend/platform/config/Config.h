#pragma once
// Effective configuration of one PayDesk process. Every value comes from exactly one source, in
// increasing precedence: built-in default < config file < environment (PAYDESK_<KEY>) < command-line
// flag (--key value). `paydesk-server --print-config` shows each value with its source.

#include <QHash>
#include <QString>
#include <QStringList>

namespace paydesk::platform {

enum class ConfigSource { Default, File, Environment, Flag };
QString toString(ConfigSource source);

struct ConfigKey
{
    QString name; // snake_case; env PAYDESK_<NAME>, flag --name-with-dashes
    QString defaultValue;
    QString description;
    bool secret = false; // printed masked
};

class Config
{
public:
    // The documented keys; anything else in a file, env or flag is an error (typos must not pass).
    static const QList<ConfigKey> &keys();

    // Builds the effective config. `flags` are key → value already parsed from argv.
    // The file is --config / PAYDESK_CONFIG, else <data_dir>/paydesk.conf when it exists.
    static Config load(const QHash<QString, QString> &flags, const QHash<QString, QString> &environment,
                       QString *error);

    QString value(const QString &key) const;
    int intValue(const QString &key) const;
    qint64 int64Value(const QString &key) const;
    bool boolValue(const QString &key) const;
    ConfigSource source(const QString &key) const;
    QString configFile() const { return m_configFile; }
    void set(const QString &key, const QString &value, ConfigSource source);

    // Ports: every port is base_port + (seed port - 40000), so one option shifts them all.
    quint16 portFor(quint16 seedPort) const;
    QString dataDir() const { return value(QStringLiteral("data_dir")); }

    QString describe() const; // the --print-config table

    // "key = value" lines, '#' comments; returns false with a message naming the line.
    static bool parseFile(const QString &text, QHash<QString, QString> *values, QString *error);
    static QString defaultDataDir();

private:
    struct Entry
    {
        QString value;
        ConfigSource source = ConfigSource::Default;
    };
    QHash<QString, Entry> m_entries;
    QString m_configFile;
};

} // namespace paydesk::platform
