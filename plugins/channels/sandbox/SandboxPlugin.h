#pragma once
// The sandbox acquirer: behaves like a real card acquirer with deterministic outcomes chosen by
// the test card number (README.md in this folder), pre-auth/capture/void, full and partial
// refunds, delayed results by signed callback, configurable latency and failure injection, and a
// durable daily settlement statement. State is kept in memory and journalled to
// <data>/journal.jsonl (replayed on start), so a restart keeps captures and refunds possible.

#include "services/channel-adapter/plugin/ChannelPlugin.h"

#include <QHash>
#include <QMutex>
#include <QObject>

namespace paydesk::channels::sandbox {

class SandboxPlugin : public QObject, public ChannelPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID PAYDESK_CHANNEL_PLUGIN_IID FILE "sandbox.json")
    Q_INTERFACES(paydesk::channels::ChannelPlugin)

public:
    QString name() const override { return QStringLiteral("sandbox"); }
    QString version() const override { return QStringLiteral("1.0.0"); }
    ChannelCapabilities capabilities() const override;
    QStringList currencies() const override;
    FeeSchedule feeSchedule() const override;

    bool initialize(ChannelHost *host, QString *error) override;
    void shutdown() override;

    PaymentResult createPayment(const PaymentRequest &request) override;
    PaymentResult queryPayment(const QString &channelTradeNo) override;
    PaymentResult cancelPayment(const QString &channelTradeNo) override;
    PaymentResult capture(const QString &channelTradeNo, qint64 amountMinor) override;
    PaymentResult voidAuthorization(const QString &channelTradeNo) override;
    RefundResult refund(const RefundRequest &request) override;
    CallbackResult verifyCallback(const QHash<QByteArray, QByteArray> &headers,
                                  const QByteArray &body) override;
    bool exportStatement(const QDate &day, QByteArray *csv, QString *error) override;

private:
    struct Payment
    {
        QString tradeNo;
        QString paymentNo;
        qint64 amountMinor = 0;
        QString currency;
        bool capture = true;
        QString status;
        QString finalStatus; // for pending: what the callback will say
        QString declineCode;
        QString declineMessage;
        qint64 capturedMinor = 0;
        qint64 refundedMinor = 0; // succeeded + pending refunds
        qint64 feeMinor = 0;
        QString cardBrand;
        QString cardLast4;
        QString callbackUrl;
    };
    struct Refund
    {
        QString refundNo;
        QString channelRefundNo;
        QString tradeNo;
        qint64 amountMinor = 0;
        QString status;
    };

    QJsonObject settingsSnapshot() const;
    // Sleeps the configured latency; true when failure injection turns this call into a timeout.
    void simulateLatency(const QJsonObject &settings) const;
    bool inject(const QJsonObject &settings, const char *key) const;
    qint64 feeFor(const QJsonObject &settings, qint64 amountMinor, const QString &currency) const;
    static PaymentResult toResult(const Payment &payment);
    static PaymentResult refused(const QString &error, const QString &message);
    void decide(Payment *payment, const PaymentRequest &request) const;
    void settlePayment(Payment *payment, qint64 amountMinor, const QJsonObject &settings);
    void completeLater(const QString &tradeNo, int delayMs);
    void completeRefundLater(const QString &refundNo, const QUrl &callbackUrl, int delayMs);
    void sendCallback(const QUrl &url, const QJsonObject &payload);
    void appendStatement(const QString &type, const Payment &payment, const QString &reference,
                         qint64 amountMinor, qint64 feeMinor, qint64 netMinor);
    static QByteArray journalLine(const Payment &payment);
    static QByteArray journalLine(const Refund &refund);
    void journal(const Payment &payment);
    void journal(const Refund &refund);
    void replayJournal();
    void compactJournal();

    mutable QMutex m_mutex; // guards everything below
    ChannelHost *m_host = nullptr;
    QString m_dir;
    QHash<QString, Payment> m_payments;       // by trade no
    QHash<QString, QString> m_tradeByPayment; // payment_no -> trade no
    QHash<QString, Refund> m_refunds;         // by refund_no
};

} // namespace paydesk::channels::sandbox
