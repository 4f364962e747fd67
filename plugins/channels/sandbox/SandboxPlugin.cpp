#include "SandboxPlugin.h"

#include "services/channel-adapter/plugin/ChannelSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QThread>
#include <QUuid>

#include <unistd.h>

namespace paydesk::channels::sandbox {

namespace {
const QStringList kCurrencies = {QStringLiteral("USD"), QStringLiteral("EUR"), QStringLiteral("GBP"),
                                 QStringLiteral("CAD"), QStringLiteral("AUD"), QStringLiteral("CHF"),
                                 QStringLiteral("SGD"), QStringLiteral("HKD"), QStringLiteral("CNY"),
                                 QStringLiteral("JPY"), QStringLiteral("KRW"), QStringLiteral("BHD"),
                                 QStringLiteral("KWD")};
constexpr int kPercentBps = 290; // 2.9 %
constexpr int kDefaultAsyncDelayMs = 200;
const QByteArray kStatementHeader =
    "date,channel_trade_no,payment_no,type,amount_minor,currency,fee_minor,net_minor,status,reference\n";

// The fixed part of the fee: 0.30 of a major unit for 2-decimal currencies (30 minor), 0.300 for
// 3-decimal ones (300 minor), and 30 units for 0-decimal ones (JPY 30 is about the same money).
qint64 fixedFeeMinor(const QString &currency)
{
    switch (currencyExponent(currency)) {
    case 0:
        return 30;
    case 3:
        return 300;
    default:
        return 30;
    }
}

QString newId(const char *prefix)
{
    return QString::fromLatin1(prefix) + QUuid::createUuid().toString(QUuid::Id128).left(24);
}

QByteArray csvField(const QString &value)
{
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n'))
        return value.toUtf8();
    QString quoted = value;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return '"' + quoted.toUtf8() + '"';
}

// Appends `line` and forces it to disk before returning: a statement row that was reported
// settled must survive a crash.
bool appendDurably(const QString &path, const QByteArray &header, const QByteArray &line)
{
    QFile file(path);
    const bool fresh = !file.exists();
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    if (fresh && !header.isEmpty())
        file.write(header);
    const bool written = file.write(line) == line.size() && file.flush();
    return written && ::fsync(file.handle()) == 0;
}
} // namespace

ChannelCapabilities SandboxPlugin::capabilities() const
{
    return {.preAuth = true,
            .partialCapture = true,
            .refunds = true,
            .partialRefunds = true,
            .asyncResults = true,
            .payMethods = {QStringLiteral("card")}};
}

QStringList SandboxPlugin::currencies() const
{
    return kCurrencies;
}

FeeSchedule SandboxPlugin::feeSchedule() const
{
    FeeSchedule fees{.percentBps = kPercentBps, .fixedMinor = {}};
    for (const QString &currency : kCurrencies)
        fees.fixedMinor.insert(currency, fixedFeeMinor(currency));
    return fees;
}

bool SandboxPlugin::initialize(ChannelHost *host, QString *error)
{
    QMutexLocker lock(&m_mutex);
    m_host = host;
    m_dir = host->dataDirectory();
    if (!QDir().mkpath(m_dir + QStringLiteral("/statements"))) {
        *error = QStringLiteral("cannot create %1/statements").arg(m_dir);
        return false;
    }
    m_payments.clear();
    m_tradeByPayment.clear();
    m_refunds.clear();
    replayJournal();
    return true;
}

void SandboxPlugin::shutdown()
{
    QMutexLocker lock(&m_mutex);
    m_host = nullptr;
}

QJsonObject SandboxPlugin::settingsSnapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_host ? m_host->settings() : QJsonObject();
}

void SandboxPlugin::simulateLatency(const QJsonObject &settings) const
{
    const int latency = settings.value(QStringLiteral("latency_ms")).toInt(0);
    if (latency > 0)
        QThread::msleep(static_cast<unsigned long>(qMin(latency, 30000)));
}

bool SandboxPlugin::inject(const QJsonObject &settings, const char *key) const
{
    const double rate = settings.value(QLatin1String(key)).toDouble(0);
    return rate > 0 && QRandomGenerator::global()->generateDouble() < rate;
}

qint64 SandboxPlugin::feeFor(const QJsonObject &settings, qint64 amountMinor, const QString &currency) const
{
    FeeSchedule fees = feeSchedule();
    // A negotiated rate (channel_configs fee override) replaces the list price.
    if (settings.contains(QStringLiteral("fee_percent_bps")))
        fees.percentBps = settings.value(QStringLiteral("fee_percent_bps")).toInt();
    if (settings.contains(QStringLiteral("fee_fixed_minor")))
        fees.fixedMinor.insert(currency, settings.value(QStringLiteral("fee_fixed_minor")).toInteger());
    return fees.feeFor(amountMinor, currency);
}

PaymentResult SandboxPlugin::toResult(const Payment &payment)
{
    return {.status = payment.status,
            .channelTradeNo = payment.tradeNo,
            .declineCode = payment.declineCode,
            .declineMessage = payment.declineMessage,
            .amountMinor = payment.amountMinor,
            .capturedMinor = payment.capturedMinor,
            .refundedMinor = payment.refundedMinor,
            .feeMinor = payment.feeMinor,
            .currency = payment.currency,
            .cardBrand = payment.cardBrand,
            .cardLast4 = payment.cardLast4,
            .error = {},
            .errorMessage = {}};
}

PaymentResult SandboxPlugin::refused(const QString &error, const QString &message)
{
    PaymentResult result;
    result.error = error;
    result.errorMessage = message;
    return result;
}

// The test card table (README.md). Sets status (or finalStatus for pending) and the decline.
void SandboxPlugin::decide(Payment *payment, const PaymentRequest &request) const
{
    const QString &number = request.card.number;
    const QString approved = request.capture ? QStringLiteral("succeeded") : QStringLiteral("authorized");
    const auto decline = [payment](const char *code, const char *message) {
        payment->status = QStringLiteral("declined");
        payment->declineCode = QLatin1String(code);
        payment->declineMessage = QLatin1String(message);
    };
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const bool pastExpiry = request.card.expYear < today.year() ||
                            (request.card.expYear == today.year() && request.card.expMonth < today.month());
    if (!luhnValid(number))
        return decline("invalid_card_number", "The card number is not valid");
    if (number == QLatin1String("4000000000000002"))
        return decline("card_declined", "The card was declined");
    if (number == QLatin1String("4000000000009995"))
        return decline("insufficient_funds", "The card has insufficient funds");
    if (number == QLatin1String("4000000000000069") || pastExpiry)
        return decline("expired_card", "The card has expired");
    if (number == QLatin1String("4000000000000119")) {
        payment->status = QStringLiteral("failed");
        payment->declineCode = QStringLiteral("processing_error");
        payment->declineMessage = QStringLiteral("An error occurred while processing the card");
        return;
    }
    if (number == QLatin1String("4000000000003220") || number == QLatin1String("4000000000003238")) {
        payment->status = QStringLiteral("pending");
        payment->finalStatus =
            number == QLatin1String("4000000000003220") ? approved : QStringLiteral("declined");
        return;
    }
    payment->status = approved;
}

void SandboxPlugin::settlePayment(Payment *payment, qint64 amountMinor, const QJsonObject &settings)
{
    payment->status = QStringLiteral("succeeded");
    payment->capturedMinor = amountMinor;
    payment->feeMinor = feeFor(settings, amountMinor, payment->currency);
    appendStatement(QStringLiteral("payment"), *payment, QString(), amountMinor, payment->feeMinor,
                    amountMinor - payment->feeMinor);
}

PaymentResult SandboxPlugin::createPayment(const PaymentRequest &request)
{
    const QJsonObject settings = settingsSnapshot();
    simulateLatency(settings);
    {
        // Idempotent on payment_no: a retry sees the first answer, nothing is charged twice.
        QMutexLocker lock(&m_mutex);
        const auto known = m_tradeByPayment.constFind(request.paymentNo);
        if (known != m_tradeByPayment.constEnd())
            return toResult(m_payments.value(*known));
    }
    if (!kCurrencies.contains(request.currency))
        return refused(QStringLiteral("unsupported_currency"),
                       QStringLiteral("sandbox does not accept %1").arg(request.currency));
    if (request.amountMinor <= 0 || request.paymentNo.isEmpty())
        return refused(QStringLiteral("invalid_request"), QStringLiteral("payment_no and a positive amount"));
    if (request.payMethod != QLatin1String("card"))
        return refused(QStringLiteral("invalid_request"), QStringLiteral("sandbox accepts cards only"));
    if (inject(settings, "timeout_rate")) {
        // The request never reached the acquirer: nothing is recorded, the caller may retry.
        PaymentResult result;
        result.status = QStringLiteral("failed");
        result.declineCode = QStringLiteral("timeout");
        result.declineMessage = QStringLiteral("The acquirer did not answer in time");
        result.amountMinor = request.amountMinor;
        result.currency = request.currency;
        return result;
    }

    Payment payment;
    payment.tradeNo = newId("sbx_");
    payment.paymentNo = request.paymentNo;
    payment.amountMinor = request.amountMinor;
    payment.currency = request.currency;
    payment.capture = request.capture;
    payment.cardBrand = cardBrand(request.card.number);
    payment.cardLast4 = cardLast4(request.card.number);
    payment.callbackUrl = request.callbackUrl.toString();
    if (inject(settings, "failure_rate")) {
        payment.status = QStringLiteral("failed");
        payment.declineCode = QStringLiteral("processing_error");
        payment.declineMessage = QStringLiteral("An error occurred while processing the card (injected)");
    } else {
        decide(&payment, request);
    }

    QMutexLocker lock(&m_mutex);
    const auto raced = m_tradeByPayment.constFind(request.paymentNo);
    if (raced != m_tradeByPayment.constEnd())
        return toResult(m_payments.value(*raced));
    if (payment.status == QLatin1String("succeeded"))
        settlePayment(&payment, payment.amountMinor, settings);
    m_payments.insert(payment.tradeNo, payment);
    m_tradeByPayment.insert(payment.paymentNo, payment.tradeNo);
    journal(payment);
    if (payment.status == QLatin1String("pending"))
        completeLater(payment.tradeNo,
                      settings.value(QStringLiteral("async_delay_ms")).toInt(kDefaultAsyncDelayMs));
    return toResult(payment);
}

// Resolves a pending payment and POSTs the signed result. Runs on a host thread.
void SandboxPlugin::completeLater(const QString &tradeNo, int delayMs)
{
    if (!m_host)
        return;
    m_host->schedule(delayMs, [this, tradeNo] {
        QMutexLocker lock(&m_mutex);
        if (!m_host)
            return;
        auto it = m_payments.find(tradeNo);
        if (it == m_payments.end() || it->status != QLatin1String("pending"))
            return; // cancelled meanwhile
        const QJsonObject settings = m_host->settings();
        if (it->finalStatus == QLatin1String("succeeded")) {
            settlePayment(&*it, it->amountMinor, settings);
        } else if (it->finalStatus == QLatin1String("authorized")) {
            it->status = it->finalStatus;
        } else {
            it->status = QStringLiteral("declined");
            it->declineCode = QStringLiteral("card_declined");
            it->declineMessage = QStringLiteral("The card was declined");
        }
        journal(*it);
        const QJsonObject payload{{QStringLiteral("event_id"), newId("evt_")},
                                  {QStringLiteral("kind"), QStringLiteral("payment")},
                                  {QStringLiteral("payment_no"), it->paymentNo},
                                  {QStringLiteral("channel_trade_no"), it->tradeNo},
                                  {QStringLiteral("status"), it->status},
                                  {QStringLiteral("decline_code"), it->declineCode},
                                  {QStringLiteral("decline_message"), it->declineMessage},
                                  {QStringLiteral("amount_minor"), it->amountMinor},
                                  {QStringLiteral("fee_minor"), it->feeMinor},
                                  {QStringLiteral("currency"), it->currency}};
        if (!it->callbackUrl.isEmpty())
            sendCallback(QUrl(it->callbackUrl), payload);
    });
}

void SandboxPlugin::sendCallback(const QUrl &url, const QJsonObject &payload)
{
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    const QByteArray signature = callbackSignature(m_host->callbackSecret(), timestamp, body);
    m_host->postCallback(url,
                         {{"Content-Type", "application/json"},
                          {"X-Sandbox-Timestamp", timestamp},
                          {"X-Sandbox-Signature", signature}},
                         body);
}

PaymentResult SandboxPlugin::queryPayment(const QString &channelTradeNo)
{
    simulateLatency(settingsSnapshot());
    QMutexLocker lock(&m_mutex);
    const auto it = m_payments.constFind(channelTradeNo);
    if (it == m_payments.constEnd())
        return refused(QStringLiteral("not_found"), QStringLiteral("no payment %1").arg(channelTradeNo));
    return toResult(*it);
}

PaymentResult SandboxPlugin::cancelPayment(const QString &channelTradeNo)
{
    simulateLatency(settingsSnapshot());
    QMutexLocker lock(&m_mutex);
    auto it = m_payments.find(channelTradeNo);
    if (it == m_payments.end())
        return refused(QStringLiteral("not_found"), QStringLiteral("no payment %1").arg(channelTradeNo));
    if (it->status == QLatin1String("cancelled"))
        return toResult(*it);
    if (it->status != QLatin1String("pending"))
        return refused(QStringLiteral("invalid_state"),
                       QStringLiteral("a %1 payment cannot be cancelled").arg(it->status));
    it->status = QStringLiteral("cancelled");
    journal(*it);
    return toResult(*it);
}

PaymentResult SandboxPlugin::capture(const QString &channelTradeNo, qint64 amountMinor)
{
    const QJsonObject settings = settingsSnapshot();
    simulateLatency(settings);
    QMutexLocker lock(&m_mutex);
    auto it = m_payments.find(channelTradeNo);
    if (it == m_payments.end())
        return refused(QStringLiteral("not_found"), QStringLiteral("no payment %1").arg(channelTradeNo));
    if (it->status == QLatin1String("succeeded") && !it->capture && it->capturedMinor == amountMinor)
        return toResult(*it); // a retried capture
    if (it->status != QLatin1String("authorized"))
        return refused(QStringLiteral("invalid_state"),
                       QStringLiteral("a %1 payment cannot be captured").arg(it->status));
    if (amountMinor <= 0 || amountMinor > it->amountMinor)
        return refused(QStringLiteral("invalid_amount"),
                       QStringLiteral("capture between 1 and %1").arg(it->amountMinor));
    settlePayment(&*it, amountMinor, settings);
    journal(*it);
    return toResult(*it);
}

PaymentResult SandboxPlugin::voidAuthorization(const QString &channelTradeNo)
{
    simulateLatency(settingsSnapshot());
    QMutexLocker lock(&m_mutex);
    auto it = m_payments.find(channelTradeNo);
    if (it == m_payments.end())
        return refused(QStringLiteral("not_found"), QStringLiteral("no payment %1").arg(channelTradeNo));
    if (it->status == QLatin1String("voided"))
        return toResult(*it);
    if (it->status != QLatin1String("authorized"))
        return refused(QStringLiteral("invalid_state"),
                       QStringLiteral("a %1 payment cannot be voided").arg(it->status));
    it->status = QStringLiteral("voided");
    journal(*it);
    return toResult(*it);
}

RefundResult SandboxPlugin::refund(const RefundRequest &request)
{
    const QJsonObject settings = settingsSnapshot();
    simulateLatency(settings);
    const auto refusedRefund = [](const QString &error, const QString &message) {
        RefundResult result;
        result.error = error;
        result.errorMessage = message;
        return result;
    };
    QMutexLocker lock(&m_mutex);
    const auto known = m_refunds.constFind(request.refundNo);
    if (known != m_refunds.constEnd())
        return {.status = known->status, .channelRefundNo = known->channelRefundNo};
    auto it = m_payments.find(request.channelTradeNo);
    if (it == m_payments.end())
        return refusedRefund(QStringLiteral("not_found"),
                             QStringLiteral("no payment %1").arg(request.channelTradeNo));
    if (it->status != QLatin1String("succeeded"))
        return refusedRefund(QStringLiteral("invalid_state"),
                             QStringLiteral("a %1 payment cannot be refunded").arg(it->status));
    if (request.currency != it->currency || request.amountMinor <= 0 ||
        request.amountMinor > it->capturedMinor - it->refundedMinor)
        return refusedRefund(
            QStringLiteral("invalid_amount"),
            QStringLiteral("refundable: %1 %2").arg(it->capturedMinor - it->refundedMinor).arg(it->currency));
    Refund refund{.refundNo = request.refundNo,
                  .channelRefundNo = newId("sbr_"),
                  .tradeNo = it->tradeNo,
                  .amountMinor = request.amountMinor,
                  .status = {}};
    RefundResult result{.status = {}, .channelRefundNo = refund.channelRefundNo};
    if (inject(settings, "failure_rate")) {
        refund.status = result.status = QStringLiteral("failed");
        result.declineCode = QStringLiteral("processing_error");
        result.declineMessage = QStringLiteral("An error occurred while processing the refund (injected)");
    } else if (request.async || settings.value(QStringLiteral("async_refunds")).toBool()) {
        refund.status = result.status = QStringLiteral("pending");
        it->refundedMinor += refund.amountMinor; // reserved until the result
    } else {
        refund.status = result.status = QStringLiteral("succeeded");
        it->refundedMinor += refund.amountMinor;
        appendStatement(QStringLiteral("refund"), *it, refund.refundNo, refund.amountMinor, 0,
                        -refund.amountMinor);
    }
    m_refunds.insert(refund.refundNo, refund);
    journal(refund);
    journal(*it);
    if (refund.status == QLatin1String("pending"))
        completeRefundLater(refund.refundNo, request.callbackUrl,
                            settings.value(QStringLiteral("async_delay_ms")).toInt(kDefaultAsyncDelayMs));
    return result;
}

void SandboxPlugin::completeRefundLater(const QString &refundNo, const QUrl &callbackUrl, int delayMs)
{
    if (!m_host)
        return;
    m_host->schedule(delayMs, [this, refundNo, callbackUrl] {
        QMutexLocker lock(&m_mutex);
        if (!m_host)
            return;
        auto refund = m_refunds.find(refundNo);
        if (refund == m_refunds.end() || refund->status != QLatin1String("pending"))
            return;
        auto payment = m_payments.find(refund->tradeNo);
        if (payment == m_payments.end())
            return;
        refund->status = QStringLiteral("succeeded");
        appendStatement(QStringLiteral("refund"), *payment, refund->refundNo, refund->amountMinor, 0,
                        -refund->amountMinor);
        journal(*refund);
        const QJsonObject payload{{QStringLiteral("event_id"), newId("evt_")},
                                  {QStringLiteral("kind"), QStringLiteral("refund")},
                                  {QStringLiteral("payment_no"), payment->paymentNo},
                                  {QStringLiteral("channel_trade_no"), payment->tradeNo},
                                  {QStringLiteral("refund_no"), refund->refundNo},
                                  {QStringLiteral("channel_refund_no"), refund->channelRefundNo},
                                  {QStringLiteral("status"), refund->status},
                                  {QStringLiteral("amount_minor"), refund->amountMinor},
                                  {QStringLiteral("fee_minor"), 0},
                                  {QStringLiteral("currency"), payment->currency}};
        if (!callbackUrl.isEmpty())
            sendCallback(callbackUrl, payload);
    });
}

CallbackResult SandboxPlugin::verifyCallback(const QHash<QByteArray, QByteArray> &headers,
                                             const QByteArray &body)
{
    CallbackResult result;
    QByteArray secret;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_host) {
            result.error = QStringLiteral("channel not initialized");
            return result;
        }
        secret = m_host->callbackSecret();
    }
    if (!verifyCallbackSignature(secret, headers.value("x-sandbox-timestamp"),
                                 headers.value("x-sandbox-signature"), body,
                                 QDateTime::currentSecsSinceEpoch(), &result.error))
        return result;
    const QJsonObject payload = QJsonDocument::fromJson(body).object();
    result.kind = payload.value(QStringLiteral("kind")).toString();
    if (result.kind != QLatin1String("payment") && result.kind != QLatin1String("refund")) {
        result.error = QStringLiteral("signed body is not a sandbox event");
        return result;
    }
    result.verified = true;
    result.eventId = payload.value(QStringLiteral("event_id")).toString();
    result.paymentNo = payload.value(QStringLiteral("payment_no")).toString();
    result.channelTradeNo = payload.value(QStringLiteral("channel_trade_no")).toString();
    result.status = payload.value(QStringLiteral("status")).toString();
    result.declineCode = payload.value(QStringLiteral("decline_code")).toString();
    result.declineMessage = payload.value(QStringLiteral("decline_message")).toString();
    result.amountMinor = payload.value(QStringLiteral("amount_minor")).toInteger();
    result.feeMinor = payload.value(QStringLiteral("fee_minor")).toInteger();
    result.currency = payload.value(QStringLiteral("currency")).toString();
    result.refundNo = payload.value(QStringLiteral("refund_no")).toString();
    result.channelRefundNo = payload.value(QStringLiteral("channel_refund_no")).toString();
    return result;
}

void SandboxPlugin::appendStatement(const QString &type, const Payment &payment, const QString &reference,
                                    qint64 amountMinor, qint64 feeMinor, qint64 netMinor)
{
    const QDate day = QDateTime::currentDateTimeUtc().date();
    const QByteArray line = day.toString(Qt::ISODate).toUtf8() + ',' + csvField(payment.tradeNo) + ',' +
                            csvField(payment.paymentNo) + ',' + type.toUtf8() + ',' +
                            QByteArray::number(amountMinor) + ',' + payment.currency.toUtf8() + ',' +
                            QByteArray::number(feeMinor) + ',' + QByteArray::number(netMinor) +
                            ",succeeded," + csvField(reference) + '\n';
    const QString path =
        m_dir + QStringLiteral("/statements/") + day.toString(Qt::ISODate) + QStringLiteral(".csv");
    if (!appendDurably(path, kStatementHeader, line) && m_host)
        m_host->log(3, QStringLiteral("cannot append to statement %1").arg(path));
}

bool SandboxPlugin::exportStatement(const QDate &day, QByteArray *csv, QString *error)
{
    QString path;
    {
        QMutexLocker lock(&m_mutex);
        path = m_dir + QStringLiteral("/statements/") + day.toString(Qt::ISODate) + QStringLiteral(".csv");
    }
    QFile file(path);
    if (!file.exists()) {
        *csv = kStatementHeader;
        return true;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return false;
    }
    *csv = file.readAll();
    return true;
}

// The journal holds what the acquirer knows (no card number): one JSON line per change, the last
// line of a trade / refund wins on replay.
QByteArray SandboxPlugin::journalLine(const Payment &payment)
{
    const QJsonObject line{{QStringLiteral("type"), QStringLiteral("payment")},
                           {QStringLiteral("trade_no"), payment.tradeNo},
                           {QStringLiteral("payment_no"), payment.paymentNo},
                           {QStringLiteral("amount_minor"), payment.amountMinor},
                           {QStringLiteral("currency"), payment.currency},
                           {QStringLiteral("capture"), payment.capture},
                           {QStringLiteral("status"), payment.status},
                           {QStringLiteral("final_status"), payment.finalStatus},
                           {QStringLiteral("decline_code"), payment.declineCode},
                           {QStringLiteral("decline_message"), payment.declineMessage},
                           {QStringLiteral("captured_minor"), payment.capturedMinor},
                           {QStringLiteral("refunded_minor"), payment.refundedMinor},
                           {QStringLiteral("fee_minor"), payment.feeMinor},
                           {QStringLiteral("card_brand"), payment.cardBrand},
                           {QStringLiteral("card_last4"), payment.cardLast4},
                           {QStringLiteral("callback_url"), payment.callbackUrl}};
    return QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray SandboxPlugin::journalLine(const Refund &refund)
{
    const QJsonObject line{{QStringLiteral("type"), QStringLiteral("refund")},
                           {QStringLiteral("refund_no"), refund.refundNo},
                           {QStringLiteral("channel_refund_no"), refund.channelRefundNo},
                           {QStringLiteral("trade_no"), refund.tradeNo},
                           {QStringLiteral("amount_minor"), refund.amountMinor},
                           {QStringLiteral("status"), refund.status}};
    return QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
}

void SandboxPlugin::journal(const Payment &payment)
{
    if (!appendDurably(m_dir + QStringLiteral("/journal.jsonl"), {}, journalLine(payment)) && m_host)
        m_host->log(3, QStringLiteral("cannot append to the sandbox journal"));
}

void SandboxPlugin::journal(const Refund &refund)
{
    if (!appendDurably(m_dir + QStringLiteral("/journal.jsonl"), {}, journalLine(refund)) && m_host)
        m_host->log(3, QStringLiteral("cannot append to the sandbox journal"));
}

// Rewrites the journal with one line per trade and refund (atomically), so that it does not grow
// with every state change forever.
void SandboxPlugin::compactJournal()
{
    QSaveFile file(m_dir + QStringLiteral("/journal.jsonl"));
    if (!file.open(QIODevice::WriteOnly))
        return;
    for (const Payment &payment : std::as_const(m_payments))
        file.write(journalLine(payment));
    for (const Refund &refund : std::as_const(m_refunds))
        file.write(journalLine(refund));
    if (!file.commit() && m_host)
        m_host->log(3, QStringLiteral("cannot compact the sandbox journal"));
}

void SandboxPlugin::replayJournal()
{
    QFile file(m_dir + QStringLiteral("/journal.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        return;
    while (!file.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(file.readLine()).object();
        if (o.value(QStringLiteral("type")) == QLatin1String("payment")) {
            Payment p;
            p.tradeNo = o.value(QStringLiteral("trade_no")).toString();
            p.paymentNo = o.value(QStringLiteral("payment_no")).toString();
            p.amountMinor = o.value(QStringLiteral("amount_minor")).toInteger();
            p.currency = o.value(QStringLiteral("currency")).toString();
            p.capture = o.value(QStringLiteral("capture")).toBool();
            p.status = o.value(QStringLiteral("status")).toString();
            p.finalStatus = o.value(QStringLiteral("final_status")).toString();
            p.declineCode = o.value(QStringLiteral("decline_code")).toString();
            p.declineMessage = o.value(QStringLiteral("decline_message")).toString();
            p.capturedMinor = o.value(QStringLiteral("captured_minor")).toInteger();
            p.refundedMinor = o.value(QStringLiteral("refunded_minor")).toInteger();
            p.feeMinor = o.value(QStringLiteral("fee_minor")).toInteger();
            p.cardBrand = o.value(QStringLiteral("card_brand")).toString();
            p.cardLast4 = o.value(QStringLiteral("card_last4")).toString();
            p.callbackUrl = o.value(QStringLiteral("callback_url")).toString();
            m_payments.insert(p.tradeNo, p);
            m_tradeByPayment.insert(p.paymentNo, p.tradeNo);
        } else if (o.value(QStringLiteral("type")) == QLatin1String("refund")) {
            Refund r{.refundNo = o.value(QStringLiteral("refund_no")).toString(),
                     .channelRefundNo = o.value(QStringLiteral("channel_refund_no")).toString(),
                     .tradeNo = o.value(QStringLiteral("trade_no")).toString(),
                     .amountMinor = o.value(QStringLiteral("amount_minor")).toInteger(),
                     .status = o.value(QStringLiteral("status")).toString()};
            m_refunds.insert(r.refundNo, r);
        }
    }
    file.close();
    compactJournal();
    // Results that were due while the process was down are delivered now.
    for (auto it = m_payments.cbegin(); it != m_payments.cend(); ++it)
        if (it->status == QLatin1String("pending"))
            completeLater(it->tradeNo, kDefaultAsyncDelayMs);
}

} // namespace paydesk::channels::sandbox
