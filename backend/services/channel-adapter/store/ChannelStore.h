#pragma once
// SQL of channel-adapter: channel_configs (secrets sealed with the master key), payment_routes and
// channel_transactions. Every function runs on the caller's connection (and transaction).

#include "services/channel-adapter/domain/ChannelRegistry.h"
#include "services/channel-adapter/domain/Routing.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>

#include <optional>

namespace paydesk::services::channels::store {

// One row of channel_transactions: a payment (refund_no empty) or a refund. Card brand and last 4
// digits only; the number and CVC never reach the database.
struct ChannelTransaction
{
    qint64 id = 0;
    QString type = QStringLiteral("payment"); // payment | refund
    QString paymentNo;
    QString refundNo;
    QString merchantId;
    QString channel;
    QString channelTradeNo;
    QString channelRefundNo;
    qint64 amountMinor = 0;
    QString currency;
    qint64 capturedMinor = 0;
    qint64 refundedMinor = 0;
    // processing (at the acquirer now) | pending | authorized | succeeded | declined | failed |
    // voided | cancelled
    QString status = QStringLiteral("processing");
    QString declineCode;
    QString declineMessage;
    qint64 feeMinor = 0;
    qint64 netMinor = 0;
    bool capture = true;
    QString payMethod;
    QString cardBrand;
    QString cardLast4;
    QString routingReason;
    QString callbackUrl;
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const;
};

bool loadConfig(QSqlDatabase &db, const QByteArray &masterKey, const QString &channel,
                std::optional<ChannelConfig> *config, QString *error);
bool insertConfigIfMissing(QSqlDatabase &db, const QByteArray &masterKey, const QString &channel,
                           const ChannelConfig &config, QString *error);
bool saveConfig(QSqlDatabase &db, const QByteArray &masterKey, const QString &channel,
                const ChannelConfig &config, const QString &actor, QString *error);

bool listRules(QSqlDatabase &db, QList<RouteRule> *rules, QString *error);
bool loadRule(QSqlDatabase &db, qint64 id, std::optional<RouteRule> *rule, QString *error);
// *duplicate when the name is taken (nothing written).
bool insertRule(QSqlDatabase &db, RouteRule *rule, bool *duplicate, QString *error);
bool updateRule(QSqlDatabase &db, const RouteRule &rule, bool *duplicate, QString *error);
bool deleteRule(QSqlDatabase &db, qint64 id, bool *existed, QString *error);

// *inserted false when a payment with this payment_no (or refund with this refund_no) exists.
bool insertTransaction(QSqlDatabase &db, ChannelTransaction *tx, bool *inserted, QString *error);
bool loadPayment(QSqlDatabase &db, const QString &paymentNo, bool forUpdate,
                 std::optional<ChannelTransaction> *tx, QString *error);
bool loadRefund(QSqlDatabase &db, const QString &refundNo, std::optional<ChannelTransaction> *tx,
                QString *error);
// Writes the acquirer's answer (status, trade numbers, decline, amounts, fee, net) by id.
bool saveResult(QSqlDatabase &db, const ChannelTransaction &tx, QString *error);
// Sum of the payment's refunds that are not failed (reserved or done).
bool refundsReserved(QSqlDatabase &db, const QString &paymentNo, qint64 *amountMinor, QString *error);

// One verify request (the body itself is not kept: it may be forged or large; its hash is).
struct CallbackRecord
{
    qint64 id = 0;
    QString channel;
    bool verified = false;
    QString error;
    QString eventId;
    QString kind;
    QString paymentNo;
    QString refundNo;
    QString status;
    bool applied = false;
    QString bodySha256;
    QDateTime receivedAt;

    QJsonObject toJson() const;
};
bool insertCallback(QSqlDatabase &db, const CallbackRecord &record, QString *error);
bool listCallbacks(QSqlDatabase &db, const QString &channel, const QString &paymentNo,
                   const std::optional<bool> &verified, int offset, int limit, QList<CallbackRecord> *items,
                   qint64 *total, QString *error);

struct TransactionFilter
{
    QString paymentNo;
    QString merchantId;
    QString channel;
    QString status;
    QString type;
};
bool listTransactions(QSqlDatabase &db, const TransactionFilter &filter, int offset, int limit,
                      QList<ChannelTransaction> *items, qint64 *total, QString *error);

} // namespace paydesk::services::channels::store
