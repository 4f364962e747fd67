#include "platform/config/Config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::platform;

class ConfigTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString writeFile(const QByteArray &text)
    {
        const QString path = m_dir.filePath("paydesk.conf");
        QFile file(path);
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(text);
        return path;
    }

private Q_SLOTS:
    void defaultsApplyWithoutAnySource()
    {
        QString error;
        const Config config = Config::load({{"data_dir", m_dir.path() + "/empty"}}, {}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(config.value("base_port"), QStringLiteral("40000"));
        QCOMPARE(toString(config.source("base_port")), toString(ConfigSource::Default));
        QCOMPARE(config.portFor(40003), quint16(40003));
    }

    void flagBeatsEnvironmentBeatsFileBeatsDefault()
    {
        writeFile("# comment\nbase_port = 41000\nlog_level = debug\nworkers_per_service = 2\n");
        QString error;
        const Config config =
            Config::load({{"data_dir", m_dir.path()}, {"base_port", "43000"}},
                         {{"PAYDESK_BASE_PORT", "42000"}, {"PAYDESK_LOG_LEVEL", "warn"}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(config.value("base_port"), QStringLiteral("43000"));
        QCOMPARE(toString(config.source("base_port")), toString(ConfigSource::Flag));
        QCOMPARE(config.value("log_level"), QStringLiteral("warn"));
        QCOMPARE(toString(config.source("log_level")), toString(ConfigSource::Environment));
        QCOMPARE(config.value("workers_per_service"), QStringLiteral("2"));
        QCOMPARE(toString(config.source("workers_per_service")), toString(ConfigSource::File));
        QCOMPARE(toString(config.source("body_limit_bytes")), toString(ConfigSource::Default));
        QCOMPARE(config.portFor(40003), quint16(43003));
        QCOMPARE(config.portFor(40432), quint16(43432));
        QVERIFY(config.describe().contains("base_port"));
    }

    void dataDirFromEnvironmentLocatesTheConfigFile()
    {
        writeFile("log_level = error\n");
        QString error;
        const Config config = Config::load({}, {{"PAYDESK_DATA_DIR", m_dir.path()}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(config.value("log_level"), QStringLiteral("error"));
        QCOMPARE(config.configFile(), m_dir.filePath("paydesk.conf"));
    }

    void unknownKeysAreErrors()
    {
        QString error;
        Config::load({{"data_dir", m_dir.path() + "/x"}, {"bsae_port", "1"}}, {}, &error);
        QVERIFY(error.contains("bsae-port"));

        writeFile("no_such_key = 1\n");
        error.clear();
        Config::load({{"data_dir", m_dir.path()}}, {}, &error);
        QVERIFY(error.contains("no_such_key"));
    }

    void malformedValuesAreErrors()
    {
        QString error;
        Config::load({{"data_dir", m_dir.path() + "/x"}, {"base_port", "70000"}}, {}, &error);
        QVERIFY(error.contains("base_port"));
        error.clear();
        Config::load({{"data_dir", m_dir.path() + "/x"}, {"workers_per_service", "zero"}}, {}, &error);
        QVERIFY(error.contains("workers_per_service"));
        QHash<QString, QString> values;
        QVERIFY(!Config::parseFile("just words\n", &values, &error));
        QVERIFY(error.contains("line 1"));
    }

    void missingExplicitConfigFileIsAnError()
    {
        QString error;
        Config::load({{"config", m_dir.path() + "/missing.conf"}}, {}, &error);
        QVERIFY(error.contains("does not exist"));
    }

    void exampleConfigFileDocumentsEveryKey()
    {
        QFile example(QStringLiteral(PAYDESK_SOURCE_DIR "/packaging/paydesk.conf.example"));
        QVERIFY(example.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(example.readAll());
        for (const ConfigKey &key : Config::keys())
            QVERIFY2(text.contains("# " + key.name + " ="), qPrintable(key.name));
    }

    void secretsAreMaskedInTheDescription()
    {
        QString error;
        const Config config = Config::load(
            {{"data_dir", m_dir.path() + "/x"}, {"database_url", "postgresql://u:hunter2@h:5432/d"}}, {},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!config.describe().contains("hunter2"));
    }
};

QTEST_GUILESS_MAIN(ConfigTest)
#include "tst_config.moc"
