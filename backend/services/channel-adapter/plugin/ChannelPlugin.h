#pragma once
// The interface a payment channel (acquirer) plugin implements, and the small host interface
// channel-adapter gives it. Header-only and Qt Core only, so that a plugin built outside PayDesk
// needs nothing but this folder. channel-adapter loads plugins with QPluginLoader from the plugin
// directory (see README.md of channel-adapter) and calls them from its worker threads: every
// method of ChannelPlugin must be thread-safe and may block (network latency of the acquirer).
//
// Money is int64 minor units + ISO 4217 code. A card number reaches the plugin in clear inside
// PaymentRequest only; a plugin must never log or persist it (brand + last 4 digits only).

#include <QByteArray>
#include <QDate>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QtPlugin>

#include <functional>

namespace paydesk::channels {

struct ChannelCapabilities
{
    bool preAuth = false;        // capture=false authorizes; capture/void later
    bool partialCapture = false; // capture less than the authorized amount
    bool refunds = false;
    bool partialRefunds = false;
    bool asyncResults = false; // results may arrive later by signed callback
    QStringList payMethods;    // "card", ...
};

// What the acquirer charges: percentage in basis points (290 = 2.9 %) plus a fixed fee in the
// currency's minor units. Rounded half up to the minor unit.
struct FeeSchedule
{
    int percentBps = 0;
    QHash<QString, qint64> fixedMinor; // per currency; absent = 0

    qint64 feeFor(qint64 amountMinor, const QString &currency) const
    {
        return (amountMinor * percentBps + 5000) / 10000 + fixedMinor.value(currency, 0);
    }
};

struct CardData
{
    QString number; // digits only; in memory only
    int expMonth = 0;
    int expYear = 0;
    QString cvc; // in memory only
    QString holder;
};

struct PaymentRequest
{
    QString paymentNo; // the acquirer's idempotency key: the same payment_no never charges twice
    QString merchantId;
    qint64 amountMinor = 0;
    QString currency;
    QString payMethod;
    bool capture = true; // false: authorize only (pre-auth)
    QString description;
    CardData card;
    QUrl callbackUrl; // where delayed results are POSTed (signed); may be empty
};

// Statuses: succeeded | authorized | pending | declined | failed | voided | cancelled.
// `error` is set (and status empty) when the request itself was refused: not_found, invalid_state,
// invalid_amount, invalid_request, unsupported_currency.
struct PaymentResult
{
    QString status;
    QString channelTradeNo;
    QString declineCode;
    QString declineMessage;
    qint64 amountMinor = 0;
    qint64 capturedMinor = 0;
    qint64 refundedMinor = 0;
    qint64 feeMinor = 0;
    QString currency;
    QString cardBrand;
    QString cardLast4;
    QString error;
    QString errorMessage;
};

struct RefundRequest
{
    QString refundNo; // idempotency key at the acquirer
    QString paymentNo;
    QString channelTradeNo;
    qint64 amountMinor = 0;
    QString currency;
    bool async = false; // ask for the result by callback
    QUrl callbackUrl;
};

// Statuses: succeeded | pending | failed. `error` as in PaymentResult.
struct RefundResult
{
    QString status;
    QString channelRefundNo;
    QString declineCode;
    QString declineMessage;
    QString error;
    QString errorMessage;
};

// A verified, normalized callback. verified=false with `error` when the signature or timestamp
// does not hold or the body cannot be read.
struct CallbackResult
{
    bool verified = false;
    QString error;
    QString kind; // payment | refund
    QString paymentNo;
    QString channelTradeNo;
    QString status; // payment: succeeded|authorized|declined|failed; refund: succeeded|failed
    QString declineCode;
    QString declineMessage;
    qint64 amountMinor = 0;
    qint64 feeMinor = 0;
    QString currency;
    QString refundNo;
    QString channelRefundNo;
    QString eventId;
};

// What channel-adapter offers a plugin. Thread-safe; valid until ChannelPlugin::shutdown().
class ChannelHost
{
public:
    virtual ~ChannelHost() = default;
    // The channel's current settings from channel_configs (latency_ms, failure_rate, …, and the
    // fee override as fee_percent_bps / fee_fixed_minor when an admin set one). Read per call:
    // an admin may change them at any time.
    virtual QJsonObject settings() const = 0;
    // A private directory for this channel (statements, journals), created by the host.
    virtual QString dataDirectory() const = 0;
    // Per-installation secret of this channel (callback signatures), generated on first start and
    // stored sealed with the master key.
    virtual QByteArray callbackSecret() const = 0;
    // Runs `task` after `delayMs` on a host thread (never the caller's); dropped at shutdown.
    virtual void schedule(int delayMs, std::function<void()> task) = 0;
    // POSTs `body` to `url` over HTTP with `headers` (retried a few times on a network error or a
    // 5xx answer). Returns at once.
    virtual void postCallback(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                              const QByteArray &body) = 0;
    // 0 debug, 1 info, 2 warn, 3 error. Never pass card data.
    virtual void log(int level, const QString &message) = 0;
};

class ChannelPlugin
{
public:
    virtual ~ChannelPlugin() = default;

    virtual QString name() const = 0; // "sandbox": the channel name in routes and configs
    virtual QString version() const = 0;
    virtual ChannelCapabilities capabilities() const = 0;
    virtual QStringList currencies() const = 0;
    virtual FeeSchedule feeSchedule() const = 0; // the default; channel_configs may override it

    // Once, before any other call but the descriptive ones above. `host` outlives the plugin's use.
    virtual bool initialize(ChannelHost *host, QString *error) = 0;
    // The host goes away: drop pending scheduled work and stop using it.
    virtual void shutdown() = 0;

    virtual PaymentResult createPayment(const PaymentRequest &request) = 0;
    virtual PaymentResult queryPayment(const QString &channelTradeNo) = 0;
    virtual PaymentResult cancelPayment(const QString &channelTradeNo) = 0;
    virtual PaymentResult capture(const QString &channelTradeNo, qint64 amountMinor) = 0;
    virtual PaymentResult voidAuthorization(const QString &channelTradeNo) = 0;
    virtual RefundResult refund(const RefundRequest &request) = 0;

    // `headers` with lower-case names, `body` exactly as received.
    virtual CallbackResult verifyCallback(const QHash<QByteArray, QByteArray> &headers,
                                          const QByteArray &body) = 0;

    // The settlement statement of one UTC day as CSV (header line + one row per settled payment or
    // refund); an empty statement (header only) for a day without settlements.
    virtual bool exportStatement(const QDate &day, QByteArray *csv, QString *error) = 0;
};

} // namespace paydesk::channels

#define PAYDESK_CHANNEL_PLUGIN_IID "io.paydesk.ChannelPlugin/1.0"
Q_DECLARE_INTERFACE(paydesk::channels::ChannelPlugin, PAYDESK_CHANNEL_PLUGIN_IID)
