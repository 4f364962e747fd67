#include "services/channel-adapter/domain/ChannelRegistry.h"

#include "services/channel-adapter/store/ChannelStore.h"

#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"
#include "platform/observe/Metrics.h"
#include "platform/security/Crypto.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QLibrary>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPluginLoader>
#include <QTimer>

namespace paydesk::services::channels {

using namespace platform;
using ::paydesk::channels::ChannelHost;
using ::paydesk::channels::ChannelPlugin;
using ::paydesk::channels::FeeSchedule;

namespace {
QJsonValue optionalJson(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

constexpr int kCallbackAttempts = 4;
} // namespace

QJsonObject ChannelConfig::toJson() const
{
    return {{QStringLiteral("enabled"), enabled},
            {QStringLiteral("mode"), mode},
            {QStringLiteral("fee_percent_bps"), feePercentBps ? QJsonValue(*feePercentBps) : QJsonValue()},
            {QStringLiteral("fee_fixed_minor"), optionalJson(feeFixedMinor)},
            {QStringLiteral("min_amount_minor"), optionalJson(minAmountMinor)},
            {QStringLiteral("max_amount_minor"), optionalJson(maxAmountMinor)},
            {QStringLiteral("currencies"), QJsonArray::fromStringList(currencies)},
            {QStringLiteral("priority"), priority},
            {QStringLiteral("settings"), settings},
            {QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("updated_by"), updatedBy.isEmpty() ? QJsonValue() : QJsonValue(updatedBy)}};
}

QString channelPluginDirectory(const QString &configured)
{
    QStringList candidates;
    QString root = configured;
    if (root.isEmpty())
        root = qEnvironmentVariable("PAYDESK_PLUGIN_DIR");
    if (!root.isEmpty())
        candidates << root + QStringLiteral("/channels") << root;
    const QString app = QCoreApplication::applicationDirPath();
    candidates << app + QStringLiteral("/plugins/channels")
               << QDir::cleanPath(app + QStringLiteral("/../lib/paydesk/plugins/channels"));
#ifdef PAYDESK_CHANNEL_PLUGIN_BUILD_DIR
    candidates << QStringLiteral(PAYDESK_CHANNEL_PLUGIN_BUILD_DIR);
#endif
    for (const QString &candidate : std::as_const(candidates))
        if (QFileInfo(candidate).isDir())
            return QDir::cleanPath(candidate);
    return candidates.first();
}

// What one plugin sees of channel-adapter.
class ChannelRegistry::Host : public ChannelHost
{
public:
    Host(ChannelRegistry &registry, QString name) : m_registry(registry), m_name(std::move(name)) {}

    QJsonObject settings() const override
    {
        const ChannelConfig config = m_registry.config(m_name);
        QJsonObject settings = config.settings;
        if (config.feePercentBps)
            settings.insert(QStringLiteral("fee_percent_bps"), *config.feePercentBps);
        if (config.feeFixedMinor)
            settings.insert(QStringLiteral("fee_fixed_minor"), *config.feeFixedMinor);
        settings.insert(QStringLiteral("mode"), config.mode);
        return settings;
    }
    QString dataDirectory() const override
    {
        return m_registry.m_runtime.environment().config.dataDir() + QStringLiteral("/channels/") + m_name;
    }
    QByteArray callbackSecret() const override { return m_registry.config(m_name).callbackSecret; }
    void schedule(int delayMs, std::function<void()> task) override
    {
        QObject *dispatcher = m_registry.m_dispatcher;
        QMetaObject::invokeMethod(dispatcher, [dispatcher, delayMs, task = std::move(task)] {
            QTimer::singleShot(qMax(0, delayMs), dispatcher, task);
        });
    }
    void postCallback(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                      const QByteArray &body) override
    {
        ChannelRegistry *registry = &m_registry;
        const QString name = m_name;
        QMetaObject::invokeMethod(m_registry.m_dispatcher, [registry, name, url, headers, body] {
            post(registry, name, url, headers, body, 1);
        });
    }
    void log(int level, const QString &message) override
    {
        m_registry.m_runtime.log().write(static_cast<LogLevel>(qBound(0, level, 3)), message,
                                         {{QStringLiteral("channel"), m_name}});
    }

private:
    // Service thread. Retries network errors and 5xx answers with a growing pause.
    static void post(ChannelRegistry *registry, const QString &name, const QUrl &url,
                     const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body, int attempt)
    {
        QNetworkRequest request(url);
        for (const auto &[header, value] : headers)
            request.setRawHeader(header, value);
        request.setTransferTimeout(10000);
        QNetworkReply *reply = registry->m_network->post(request, body);
        QObject::connect(
            reply, &QNetworkReply::finished, registry->m_dispatcher,
            [registry, name, url, headers, body, attempt, reply] {
                reply->deleteLater();
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const bool delivered =
                    reply->error() == QNetworkReply::NoError || (status >= 400 && status < 500);
                const QJsonObject fields{{QStringLiteral("channel"), name},
                                         {QStringLiteral("url"), url.toString()},
                                         {QStringLiteral("status"), status},
                                         {QStringLiteral("attempt"), attempt}};
                if (delivered) {
                    registry->m_runtime.log().write(status < 300 ? LogLevel::Info : LogLevel::Warn,
                                                    QStringLiteral("channel callback delivered"), fields);
                    return;
                }
                if (attempt >= kCallbackAttempts) {
                    registry->m_runtime.log().write(
                        LogLevel::Error,
                        QStringLiteral("channel callback not delivered: %1").arg(reply->errorString()),
                        fields);
                    return;
                }
                QTimer::singleShot(500 * (1 << attempt), registry->m_dispatcher,
                                   [registry, name, url, headers, body, attempt] {
                                       post(registry, name, url, headers, body, attempt + 1);
                                   });
            });
    }

    ChannelRegistry &m_registry;
    const QString m_name;
};

ChannelRegistry::ChannelRegistry(ServiceRuntime &runtime) : m_runtime(runtime)
{
    // Parented to the runtime (service thread); timers and replies live and die there.
    m_dispatcher = new QObject(&runtime);
    m_network = new QNetworkAccessManager(m_dispatcher);
    auto registry = runtime.metrics().registry();
    m_calls = &prometheus::BuildCounter()
                   .Name("channel_acquirer_requests_total")
                   .Help("Calls of channel-adapter to a channel plugin (acquirer) by outcome")
                   .Register(*registry);
    m_callSeconds = &prometheus::BuildHistogram()
                         .Name("channel_acquirer_duration_seconds")
                         .Help("Time a channel plugin (acquirer) took to answer")
                         .Register(*registry);
}

void ChannelRegistry::recordCall(const QString &channel, const char *operation, const QString &outcome,
                                 double seconds)
{
    static const prometheus::Histogram::BucketBoundaries kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                                     0.5,   1.0,  2.5,   5.0,  10.0, 30.0};
    const std::string service = m_runtime.name().toStdString();
    m_calls
        ->Add({{"service", service},
               {"channel", channel.toStdString()},
               {"operation", operation},
               {"outcome", outcome.isEmpty() ? std::string("unknown") : outcome.toStdString()}})
        .Increment();
    m_callSeconds
        ->Add({{"service", service}, {"channel", channel.toStdString()}, {"operation", operation}}, kBuckets)
        .Observe(seconds);
}

ChannelRegistry::~ChannelRegistry()
{
    for (auto &[name, channel] : m_channels)
        if (initialized(name))
            channel.plugin->shutdown();
}

void ChannelRegistry::load(const QString &directory)
{
    m_directory = directory;
    const QDir dir(directory);
    if (!dir.exists()) {
        m_failures.append({directory, QStringLiteral("plugin directory does not exist")});
        m_runtime.log().write(LogLevel::Error,
                              QStringLiteral("channel plugin directory %1 does not exist").arg(directory));
        return;
    }
    for (const QFileInfo &file : dir.entryInfoList(QDir::Files, QDir::Name)) {
        if (!QLibrary::isLibrary(file.fileName()))
            continue;
        QPluginLoader loader(file.absoluteFilePath());
        QObject *root = loader.instance();
        ChannelPlugin *plugin = root ? qobject_cast<ChannelPlugin *>(root) : nullptr;
        QString error;
        if (!root)
            error = loader.errorString();
        else if (!plugin)
            error = QStringLiteral("not a channel plugin (IID %1 expected)")
                        .arg(QLatin1String(PAYDESK_CHANNEL_PLUGIN_IID));
        else if (plugin->name().isEmpty() || m_channels.count(plugin->name()) > 0)
            error = QStringLiteral("channel name '%1' is empty or already loaded")
                        .arg(plugin ? plugin->name() : QString());
        if (!error.isEmpty()) {
            m_failures.append({file.absoluteFilePath(), error});
            m_runtime.log().write(LogLevel::Error, QStringLiteral("channel plugin not loaded: %1").arg(error),
                                  {{QStringLiteral("file"), file.absoluteFilePath()}});
            continue;
        }
        Channel channel;
        channel.plugin = plugin;
        channel.file = file.absoluteFilePath();
        channel.host = std::make_unique<Host>(*this, plugin->name());
        m_runtime.log().write(
            LogLevel::Info,
            QStringLiteral("channel plugin %1 %2 loaded").arg(plugin->name(), plugin->version()),
            {{QStringLiteral("file"), channel.file}});
        m_channels.emplace(plugin->name(), std::move(channel));
    }
}

QStringList ChannelRegistry::names() const
{
    QStringList names;
    for (const auto &[name, channel] : m_channels)
        names.append(name);
    return names;
}

ChannelPlugin *ChannelRegistry::plugin(const QString &name) const
{
    const auto it = m_channels.find(name);
    return it == m_channels.end() ? nullptr : it->second.plugin;
}

QList<PluginFailure> ChannelRegistry::failures() const
{
    return m_failures;
}

QString ChannelRegistry::pluginFile(const QString &name) const
{
    const auto it = m_channels.find(name);
    return it == m_channels.end() ? QString() : it->second.file;
}

bool ChannelRegistry::ensureConfigured(QSqlDatabase &db, QString *error)
{
    QMutexLocker lock(&m_configureMutex);
    if (m_configured)
        return true;
    const QByteArray &masterKey = m_runtime.environment().secrets.masterKey;
    for (auto &[name, channel] : m_channels) {
        std::optional<ChannelConfig> config;
        if (!store::loadConfig(db, masterKey, name, &config, error))
            return false;
        if (!config) {
            ChannelConfig fresh;
            fresh.callbackSecret = crypto::randomBytes(32).toHex();
            if (!store::insertConfigIfMissing(db, masterKey, name, fresh, error) ||
                !store::loadConfig(db, masterKey, name, &config, error))
                return false;
            if (!config) {
                *error = QStringLiteral("channel_configs row of %1 vanished").arg(name);
                return false;
            }
        }
        setConfig(name, *config);
    }
    for (auto &[name, channel] : m_channels) {
        QString initError;
        const bool ok = channel.plugin->initialize(channel.host.get(), &initError);
        QWriteLocker configLock(&m_configLock);
        if (ok) {
            m_initialized.insert(name);
        } else {
            m_initErrors.insert(name, initError);
            m_runtime.log().write(LogLevel::Error,
                                  QStringLiteral("channel %1 failed to initialize: %2").arg(name, initError));
        }
    }
    m_configured = true;
    return true;
}

bool ChannelRegistry::initialized(const QString &name) const
{
    QReadLocker lock(&m_configLock);
    return m_initialized.contains(name);
}

ChannelConfig ChannelRegistry::config(const QString &name) const
{
    QReadLocker lock(&m_configLock);
    return m_configs.value(name);
}

void ChannelRegistry::setConfig(const QString &name, const ChannelConfig &config)
{
    QWriteLocker lock(&m_configLock);
    m_configs.insert(name, config);
}

FeeSchedule ChannelRegistry::effectiveFees(const QString &name) const
{
    ChannelPlugin *channel = plugin(name);
    if (!channel)
        return {};
    FeeSchedule fees = channel->feeSchedule();
    const ChannelConfig settings = config(name);
    if (settings.feePercentBps)
        fees.percentBps = *settings.feePercentBps;
    if (settings.feeFixedMinor)
        for (const QString &currency : channel->currencies())
            fees.fixedMinor.insert(currency, *settings.feeFixedMinor);
    return fees;
}

QList<ChannelOffer> ChannelRegistry::offers() const
{
    QList<ChannelOffer> offers;
    for (const auto &[name, channel] : m_channels) {
        const ChannelConfig settings = config(name);
        ChannelOffer offer;
        offer.name = name;
        offer.enabled = settings.enabled && initialized(name);
        for (const QString &currency : channel.plugin->currencies())
            if (settings.currencies.isEmpty() || settings.currencies.contains(currency))
                offer.currencies.append(currency);
        offer.payMethods = channel.plugin->capabilities().payMethods;
        offer.minAmountMinor = settings.minAmountMinor;
        offer.maxAmountMinor = settings.maxAmountMinor;
        offer.priority = settings.priority;
        offer.fees = effectiveFees(name);
        offers.append(offer);
    }
    return offers;
}

QJsonObject ChannelRegistry::health(const QString &name) const
{
    const auto it = m_channels.find(name);
    if (it == m_channels.end())
        return {{QStringLiteral("ok"), false}, {QStringLiteral("message"), QStringLiteral("not loaded")}};
    QReadLocker lock(&m_configLock);
    const QString initError = m_initErrors.value(name);
    const bool ok = m_initialized.contains(name);
    return {{QStringLiteral("ok"), ok},
            {QStringLiteral("message"),
             ok ? QStringLiteral("loaded from %1").arg(it->second.file)
                : (initError.isEmpty() ? QStringLiteral("not initialized yet") : initError)}};
}

} // namespace paydesk::services::channels
