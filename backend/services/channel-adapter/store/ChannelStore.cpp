#include "services/channel-adapter/store/ChannelStore.h"

#include "platform/db/Sql.h"
#include "platform/security/Crypto.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::channels::store {

using platform::sql::exec;

namespace channel_store {
QVariant optional(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType(QMetaType::LongLong));
}

std::optional<qint64> fromColumn(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<qint64>(value.toLongLong());
}

QString jsonText(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList stringList(const QVariant &jsonColumn)
{
    QStringList list;
    for (const QJsonValue &v : QJsonDocument::fromJson(jsonColumn.toByteArray()).array())
        list.append(v.toString());
    return list;
}

QVariant text(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(value);
}

QByteArray sealSecrets(const QByteArray &masterKey, const ChannelConfig &config)
{
    const QJsonObject secrets{
        {QStringLiteral("callback_secret"), QString::fromLatin1(config.callbackSecret)}};
    return platform::crypto::encrypt(masterKey, QJsonDocument(secrets).toJson(QJsonDocument::Compact));
}

const char *const kRuleColumns = "id, name, channel, priority, enabled, currencies::text, min_amount_minor, "
                                 "max_amount_minor, merchant_ids::text";

RouteRule readRule(const QSqlQuery &q)
{
    RouteRule rule;
    rule.id = q.value(0).toLongLong();
    rule.name = q.value(1).toString();
    rule.channel = q.value(2).toString();
    rule.priority = q.value(3).toInt();
    rule.enabled = q.value(4).toBool();
    rule.currencies = stringList(q.value(5));
    rule.minAmountMinor = fromColumn(q.value(6));
    rule.maxAmountMinor = fromColumn(q.value(7));
    rule.merchantIds = stringList(q.value(8));
    return rule;
}

const char *const kTxColumns =
    "id, transaction_type, payment_no, refund_no, merchant_id, channel, channel_trade_no, channel_refund_no, "
    "amount_minor, currency, captured_minor, refunded_minor, status, decline_code, decline_message, "
    "fee_minor, "
    "net_minor, capture, pay_method, card_brand, card_last4, routing_reason, callback_url, created_at, "
    "updated_at";

ChannelTransaction readTx(const QSqlQuery &q)
{
    ChannelTransaction tx;
    tx.id = q.value(0).toLongLong();
    tx.type = q.value(1).toString();
    tx.paymentNo = q.value(2).toString();
    tx.refundNo = q.value(3).toString();
    tx.merchantId = q.value(4).toString();
    tx.channel = q.value(5).toString();
    tx.channelTradeNo = q.value(6).toString();
    tx.channelRefundNo = q.value(7).toString();
    tx.amountMinor = q.value(8).toLongLong();
    tx.currency = q.value(9).toString();
    tx.capturedMinor = q.value(10).toLongLong();
    tx.refundedMinor = q.value(11).toLongLong();
    tx.status = q.value(12).toString();
    tx.declineCode = q.value(13).toString();
    tx.declineMessage = q.value(14).toString();
    tx.feeMinor = q.value(15).toLongLong();
    tx.netMinor = q.value(16).toLongLong();
    tx.capture = q.value(17).toBool();
    tx.payMethod = q.value(18).toString();
    tx.cardBrand = q.value(19).toString();
    tx.cardLast4 = q.value(20).toString();
    tx.routingReason = q.value(21).toString();
    tx.callbackUrl = q.value(22).toString();
    tx.createdAt = q.value(23).toDateTime().toUTC();
    tx.updatedAt = q.value(24).toDateTime().toUTC();
    return tx;
}

QJsonValue textJson(const QString &value)
{
    return value.isEmpty() ? QJsonValue() : QJsonValue(value);
}
} // namespace channel_store

using namespace channel_store;

QJsonObject ChannelTransaction::toJson() const
{
    QJsonObject json{{QStringLiteral("type"), type},
                     {QStringLiteral("payment_no"), paymentNo},
                     {QStringLiteral("merchant_id"), merchantId},
                     {QStringLiteral("channel"), channel},
                     {QStringLiteral("channel_trade_no"), textJson(channelTradeNo)},
                     {QStringLiteral("amount_minor"), amountMinor},
                     {QStringLiteral("currency"), currency},
                     {QStringLiteral("status"), status},
                     {QStringLiteral("decline_code"), textJson(declineCode)},
                     {QStringLiteral("decline_message"), textJson(declineMessage)},
                     {QStringLiteral("fee_minor"), feeMinor},
                     {QStringLiteral("net_minor"), netMinor},
                     {QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs)}};
    if (type == QLatin1String("refund")) {
        json.insert(QStringLiteral("refund_no"), refundNo);
        json.insert(QStringLiteral("channel_refund_no"), textJson(channelRefundNo));
    } else {
        json.insert(QStringLiteral("captured_minor"), capturedMinor);
        json.insert(QStringLiteral("refunded_minor"), refundedMinor);
        json.insert(QStringLiteral("capture"), capture);
        json.insert(QStringLiteral("pay_method"), textJson(payMethod));
        json.insert(QStringLiteral("card_brand"), textJson(cardBrand));
        json.insert(QStringLiteral("card_last4"), textJson(cardLast4));
        json.insert(QStringLiteral("routing"), QJsonObject{{QStringLiteral("channel"), channel},
                                                           {QStringLiteral("reason"), routingReason}});
    }
    return json;
}

bool loadConfig(QSqlDatabase &db, const QByteArray &masterKey, const QString &channel,
                std::optional<ChannelConfig> *config, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT enabled, mode, fee_percent_bps, fee_fixed_minor, min_amount_minor, "
                  "max_amount_minor, currencies::text, priority, settings::text, secrets, updated_at, "
                  "updated_by FROM channel_configs WHERE channel = ?"),
              {channel}, error))
        return false;
    config->reset();
    if (!q.next())
        return true;
    ChannelConfig c;
    c.enabled = q.value(0).toBool();
    c.mode = q.value(1).toString();
    if (!q.value(2).isNull())
        c.feePercentBps = q.value(2).toInt();
    c.feeFixedMinor = fromColumn(q.value(3));
    c.minAmountMinor = fromColumn(q.value(4));
    c.maxAmountMinor = fromColumn(q.value(5));
    c.currencies = stringList(q.value(6));
    c.priority = q.value(7).toInt();
    c.settings = QJsonDocument::fromJson(q.value(8).toByteArray()).object();
    QByteArray secrets;
    if (!platform::crypto::decrypt(masterKey, q.value(9).toByteArray(), &secrets)) {
        *error = QStringLiteral("the secrets of channel %1 do not open with this master key").arg(channel);
        return false;
    }
    c.callbackSecret = QJsonDocument::fromJson(secrets)
                           .object()
                           .value(QStringLiteral("callback_secret"))
                           .toString()
                           .toLatin1();
    c.updatedAt = q.value(10).toDateTime().toUTC();
    c.updatedBy = q.value(11).toString();
    *config = c;
    return true;
}

bool insertConfigIfMissing(QSqlDatabase &db, const QByteArray &masterKey, const QString &channel,
                           const ChannelConfig &config, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("INSERT INTO channel_configs (channel, secrets) VALUES (?, ?) "
                               "ON CONFLICT (channel) DO NOTHING"),
                {channel, sealSecrets(masterKey, config)}, error);
}

bool saveConfig(QSqlDatabase &db, const QByteArray &masterKey, const QString &channel, const ChannelConfig &c,
                const QString &actor, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE channel_configs SET enabled = ?, mode = ?, fee_percent_bps = ?, "
                               "fee_fixed_minor = ?, min_amount_minor = ?, max_amount_minor = ?, "
                               "currencies = ?::jsonb, priority = ?, settings = ?::jsonb, secrets = ?, "
                               "updated_at = now(), updated_by = ? WHERE channel = ?"),
                {c.enabled, c.mode,
                 c.feePercentBps ? QVariant(*c.feePercentBps) : QVariant(QMetaType(QMetaType::Int)),
                 optional(c.feeFixedMinor), optional(c.minAmountMinor), optional(c.maxAmountMinor),
                 jsonText(c.currencies), c.priority,
                 QString::fromUtf8(QJsonDocument(c.settings).toJson(QJsonDocument::Compact)),
                 sealSecrets(masterKey, c), actor, channel},
                error);
}

bool listRules(QSqlDatabase &db, QList<RouteRule> *rules, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM payment_routes ORDER BY priority, id")
                  .arg(QLatin1String(kRuleColumns)),
              {}, error))
        return false;
    rules->clear();
    while (q.next())
        rules->append(readRule(q));
    return true;
}

bool loadRule(QSqlDatabase &db, qint64 id, std::optional<RouteRule> *rule, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM payment_routes WHERE id = ?").arg(QLatin1String(kRuleColumns)),
              {id}, error))
        return false;
    *rule = q.next() ? std::optional<RouteRule>(readRule(q)) : std::nullopt;
    return true;
}

bool insertRule(QSqlDatabase &db, RouteRule *rule, bool *duplicate, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO payment_routes (name, channel, priority, enabled, currencies, "
                  "min_amount_minor, max_amount_minor, merchant_ids) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, "
                  "?::jsonb) ON CONFLICT (name) DO NOTHING RETURNING id"),
              {rule->name, rule->channel, rule->priority, rule->enabled, jsonText(rule->currencies),
               optional(rule->minAmountMinor), optional(rule->maxAmountMinor), jsonText(rule->merchantIds)},
              error))
        return false;
    *duplicate = !q.next();
    if (!*duplicate)
        rule->id = q.value(0).toLongLong();
    return true;
}

bool updateRule(QSqlDatabase &db, const RouteRule &rule, bool *duplicate, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT 1 FROM payment_routes WHERE name = ? AND id <> ?"),
              {rule.name, rule.id}, error))
        return false;
    *duplicate = q.next();
    if (*duplicate)
        return true;
    return exec(q,
                QStringLiteral("UPDATE payment_routes SET name = ?, channel = ?, priority = ?, enabled = ?, "
                               "currencies = ?::jsonb, min_amount_minor = ?, max_amount_minor = ?, "
                               "merchant_ids = ?::jsonb, updated_at = now() WHERE id = ?"),
                {rule.name, rule.channel, rule.priority, rule.enabled, jsonText(rule.currencies),
                 optional(rule.minAmountMinor), optional(rule.maxAmountMinor), jsonText(rule.merchantIds),
                 rule.id},
                error);
}

bool deleteRule(QSqlDatabase &db, qint64 id, bool *existed, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("DELETE FROM payment_routes WHERE id = ?"), {id}, error))
        return false;
    *existed = q.numRowsAffected() > 0;
    return true;
}

bool insertTransaction(QSqlDatabase &db, ChannelTransaction *tx, bool *inserted, QString *error)
{
    QSqlQuery q(db);
    const bool refund = tx->type == QLatin1String("refund");
    const QString conflict = refund ? QStringLiteral("(refund_no) WHERE transaction_type = 'refund'")
                                    : QStringLiteral("(payment_no) WHERE transaction_type = 'payment'");
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO channel_transactions (transaction_type, payment_no, refund_no, merchant_id, "
                  "channel, amount_minor, currency, status, capture, pay_method, card_brand, card_last4, "
                  "routing_reason, callback_url, channel_trade_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?) ON CONFLICT %1 DO NOTHING RETURNING id, created_at, updated_at")
                  .arg(conflict),
              {tx->type, tx->paymentNo,
               refund ? QVariant(tx->refundNo) : QVariant(QMetaType(QMetaType::QString)), tx->merchantId,
               tx->channel, tx->amountMinor, tx->currency, tx->status, tx->capture, text(tx->payMethod),
               text(tx->cardBrand), text(tx->cardLast4), tx->routingReason, text(tx->callbackUrl),
               text(tx->channelTradeNo)},
              error))
        return false;
    *inserted = q.next();
    if (*inserted) {
        tx->id = q.value(0).toLongLong();
        tx->createdAt = q.value(1).toDateTime().toUTC();
        tx->updatedAt = q.value(2).toDateTime().toUTC();
    }
    return true;
}

bool loadPayment(QSqlDatabase &db, const QString &paymentNo, bool forUpdate,
                 std::optional<ChannelTransaction> *tx, QString *error)
{
    QSqlQuery q(db);
    if (!exec(
            q,
            QStringLiteral("SELECT %1 FROM channel_transactions WHERE payment_no = ? AND transaction_type = "
                           "'payment'%2")
                .arg(QLatin1String(kTxColumns), forUpdate ? QStringLiteral(" FOR UPDATE") : QString()),
            {paymentNo}, error))
        return false;
    *tx = q.next() ? std::optional<ChannelTransaction>(readTx(q)) : std::nullopt;
    return true;
}

bool loadRefund(QSqlDatabase &db, const QString &refundNo, std::optional<ChannelTransaction> *tx,
                QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT %1 FROM channel_transactions WHERE refund_no = ? AND transaction_type = 'refund' "
                  "FOR UPDATE")
                  .arg(QLatin1String(kTxColumns)),
              {refundNo}, error))
        return false;
    *tx = q.next() ? std::optional<ChannelTransaction>(readTx(q)) : std::nullopt;
    return true;
}

bool saveResult(QSqlDatabase &db, const ChannelTransaction &tx, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral(
            "UPDATE channel_transactions SET status = ?, channel_trade_no = ?, channel_refund_no = ?, "
            "decline_code = ?, decline_message = ?, captured_minor = ?, refunded_minor = ?, "
            "fee_minor = ?, net_minor = ?, updated_at = now() WHERE id = ?"),
        {tx.status, text(tx.channelTradeNo), text(tx.channelRefundNo), text(tx.declineCode),
         text(tx.declineMessage), tx.capturedMinor, tx.refundedMinor, tx.feeMinor, tx.netMinor, tx.id},
        error);
}

bool refundsReserved(QSqlDatabase &db, const QString &paymentNo, qint64 *amountMinor, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT COALESCE(sum(amount_minor), 0) FROM channel_transactions WHERE payment_no = ? "
                  "AND transaction_type = 'refund' AND status IN ('processing', 'pending', 'succeeded')"),
              {paymentNo}, error))
        return false;
    *amountMinor = q.next() ? q.value(0).toLongLong() : 0;
    return true;
}

bool listTransactions(QSqlDatabase &db, const TransactionFilter &filter, int offset, int limit,
                      QList<ChannelTransaction> *items, qint64 *total, QString *error)
{
    QStringList where;
    QVariantList values;
    const auto add = [&](const QString &value, const char *clause) {
        if (!value.isEmpty()) {
            where.append(QLatin1String(clause));
            values.append(value);
        }
    };
    add(filter.paymentNo, "payment_no = ?");
    add(filter.merchantId, "merchant_id = ?");
    add(filter.channel, "channel = ?");
    add(filter.status, "status = ?");
    add(filter.type, "transaction_type = ?");
    const QString clause =
        where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM channel_transactions") + clause, values, error))
        return false;
    *total = q.next() ? q.value(0).toLongLong() : 0;
    QVariantList paged = values;
    paged << limit << offset;
    if (!exec(q,
              QStringLiteral(
                  "SELECT %1 FROM channel_transactions%2 ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                  .arg(QLatin1String(kTxColumns), clause),
              paged, error))
        return false;
    items->clear();
    while (q.next())
        items->append(readTx(q));
    return true;
}

QJsonObject CallbackRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("channel"), channel},
            {QStringLiteral("verified"), verified},
            {QStringLiteral("error"), textJson(error)},
            {QStringLiteral("event_id"), textJson(eventId)},
            {QStringLiteral("kind"), textJson(kind)},
            {QStringLiteral("payment_no"), textJson(paymentNo)},
            {QStringLiteral("refund_no"), textJson(refundNo)},
            {QStringLiteral("status"), textJson(status)},
            {QStringLiteral("applied"), applied},
            {QStringLiteral("body_sha256"), bodySha256},
            {QStringLiteral("received_at"), receivedAt.toString(Qt::ISODateWithMs)}};
}

bool insertCallback(QSqlDatabase &db, const CallbackRecord &r, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO channel_callbacks (channel, verified, error, event_id, kind, payment_no, "
                       "refund_no, status, applied, body_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {r.channel, r.verified, text(r.error), text(r.eventId), text(r.kind), text(r.paymentNo),
         text(r.refundNo), text(r.status), r.applied, r.bodySha256},
        error);
}

bool listCallbacks(QSqlDatabase &db, const QString &channel, const QString &paymentNo,
                   const std::optional<bool> &verified, int offset, int limit, QList<CallbackRecord> *items,
                   qint64 *total, QString *error)
{
    QStringList where;
    QVariantList values;
    if (!channel.isEmpty()) {
        where.append(QStringLiteral("channel = ?"));
        values.append(channel);
    }
    if (!paymentNo.isEmpty()) {
        where.append(QStringLiteral("payment_no = ?"));
        values.append(paymentNo);
    }
    if (verified) {
        where.append(QStringLiteral("verified = ?"));
        values.append(*verified);
    }
    const QString clause =
        where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM channel_callbacks") + clause, values, error))
        return false;
    *total = q.next() ? q.value(0).toLongLong() : 0;
    QVariantList paged = values;
    paged << limit << offset;
    if (!exec(q,
              QStringLiteral(
                  "SELECT id, channel, verified, error, event_id, kind, payment_no, refund_no, status, "
                  "applied, body_sha256, received_at FROM channel_callbacks%1 ORDER BY received_at DESC, "
                  "id DESC LIMIT ? OFFSET ?")
                  .arg(clause),
              paged, error))
        return false;
    items->clear();
    while (q.next()) {
        CallbackRecord r;
        r.id = q.value(0).toLongLong();
        r.channel = q.value(1).toString();
        r.verified = q.value(2).toBool();
        r.error = q.value(3).toString();
        r.eventId = q.value(4).toString();
        r.kind = q.value(5).toString();
        r.paymentNo = q.value(6).toString();
        r.refundNo = q.value(7).toString();
        r.status = q.value(8).toString();
        r.applied = q.value(9).toBool();
        r.bodySha256 = q.value(10).toString();
        r.receivedAt = q.value(11).toDateTime().toUTC();
        items->append(r);
    }
    return true;
}

} // namespace paydesk::services::channels::store
