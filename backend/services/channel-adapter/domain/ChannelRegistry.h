#pragma once
// The channel plugins of this process: found in the plugin directory, loaded with QPluginLoader,
// each given a ChannelHost (its settings, data directory, callback secret, a timer and an HTTP
// client for delayed callbacks). A plugin that fails to load is logged and listed in failures()
// (admin channel list, /api/v1/channels/health) instead of stopping the service.
//
// Threads: constructed and loaded on the service thread; everything else from any thread.

#include "services/channel-adapter/domain/Routing.h"
#include "services/channel-adapter/plugin/ChannelPlugin.h"

#include <QDateTime>
#include <QMutex>
#include <QReadWriteLock>
#include <QSet>
#include <QSqlDatabase>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include <map>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace paydesk::platform {
class ServiceRuntime;
}

namespace paydesk::services::channels {

// channel_configs row: what an admin controls about one channel.
struct ChannelConfig
{
    bool enabled = true;
    QString mode = QStringLiteral("test"); // test | live
    std::optional<int> feePercentBps;      // override of the plugin's fee schedule
    std::optional<qint64> feeFixedMinor;
    std::optional<qint64> minAmountMinor;
    std::optional<qint64> maxAmountMinor;
    QStringList currencies; // restriction; empty = every currency the plugin supports
    int priority = 100;
    QJsonObject settings; // latency_ms, failure_rate, timeout_rate, async_delay_ms, async_refunds
    QByteArray callbackSecret;
    QDateTime updatedAt;
    QString updatedBy;

    QJsonObject toJson() const; // without the secret
};

struct PluginFailure
{
    QString file;
    QString error;
};

// Where channel plugins are looked for, first existing wins: `configured` (config key plugin_dir,
// env PAYDESK_PLUGIN_DIR), its channels/ subfolder preferred; then <executable dir>/plugins/channels
// (build tree), <executable dir>/../lib/paydesk/plugins/channels (installed), then the build tree's
// plugin output directory compiled in. Returns the first candidate when none exists.
QString channelPluginDirectory(const QString &configured);

class ChannelRegistry
{
public:
    explicit ChannelRegistry(platform::ServiceRuntime &runtime);
    ~ChannelRegistry();
    ChannelRegistry(const ChannelRegistry &) = delete;
    ChannelRegistry &operator=(const ChannelRegistry &) = delete;

    // Service thread, once: loads every plugin in `directory`.
    void load(const QString &directory);

    QString directory() const { return m_directory; }
    QStringList names() const;
    ::paydesk::channels::ChannelPlugin *plugin(const QString &name) const;
    QList<PluginFailure> failures() const;
    QString pluginFile(const QString &name) const;

    // Loads (or creates, with a fresh sealed callback secret) channel_configs rows for every
    // loaded plugin, once per process; then initializes the plugins. Worker threads.
    bool ensureConfigured(QSqlDatabase &db, QString *error);
    ChannelConfig config(const QString &name) const;
    void setConfig(const QString &name, const ChannelConfig &config);
    // Plugin fee schedule with the config's override applied.
    ::paydesk::channels::FeeSchedule effectiveFees(const QString &name) const;
    QList<ChannelOffer> offers() const;
    bool initialized(const QString &name) const;
    // One acquirer call for the metrics: channel_acquirer_requests_total{channel, operation,
    // outcome} (outcome = the result status or the refusal) and channel_acquirer_duration_seconds.
    void recordCall(const QString &channel, const char *operation, const QString &outcome, double seconds);
    // Per channel: loaded, initialized, init error.
    QJsonObject health(const QString &name) const;

private:
    class Host;
    struct Channel
    {
        ::paydesk::channels::ChannelPlugin *plugin = nullptr;
        QString file;
        std::unique_ptr<Host> host;
    };
    platform::ServiceRuntime &m_runtime;
    QObject *m_dispatcher = nullptr; // service thread: timers and callback HTTP
    QNetworkAccessManager *m_network = nullptr;
    prometheus::Family<prometheus::Counter> *m_calls = nullptr;
    prometheus::Family<prometheus::Histogram> *m_callSeconds = nullptr;
    QString m_directory;
    std::map<QString, Channel> m_channels; // fixed after load()
    QList<PluginFailure> m_failures;       // fixed after load()

    QMutex m_configureMutex;
    bool m_configured = false;
    mutable QReadWriteLock m_configLock;
    QHash<QString, ChannelConfig> m_configs;
    QHash<QString, QString> m_initErrors;
    QSet<QString> m_initialized;
};

} // namespace paydesk::services::channels
