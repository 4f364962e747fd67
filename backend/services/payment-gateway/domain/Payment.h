#pragma once
// A payment and a refund as payment-gateway keeps them (migrations/0001_payments.sql), their JSON
// for merchants and admins, and the card rules checked before anything is stored. Value types.

#include "services/payment-gateway/domain/PaymentState.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace paydesk::services::gateway {

struct Payment
{
    QString paymentNo;
    QString merchantId;
    QString environment; // test | live
    QString orderNo;
    QString idempotencyKey;
    qint64 amountMinor = 0;
    QString currency;
    PaymentStatus status = PaymentStatus::Pending;
    bool capture = true;
    QString payMethod;
    QString channel; // asked for, then the one that took it
    QString channelTradeNo;
    qint64 channelFeeMinor = 0;
    qint64 capturedMinor = 0;
    qint64 captureRequestedMinor = -1; // -1: no capture (or void, 0) claimed yet
    qint64 refundedMinor = 0;
    QString cardBrand;
    QString cardLast4;
    QString riskDecision;
    int riskScore = -1;
    QString riskLevel;
    QJsonArray riskReasons;
    QString errorCode;
    QString errorMessage;
    QString description;
    QString customerEmail;
    QString customerIp;
    QString deviceId;
    QString notifyUrl;
    QString returnUrl;
    QJsonObject metadata;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime expiresAt;
    QDateTime authorizationExpiresAt;
    QDateTime paidAt;
    QString traceId; // W3C trace id of the request that created it (empty on rows made before 0002)

    // The resource a merchant sees (card brand and last 4 only; no internal keys).
    QJsonObject toJson() const;
};

struct Refund
{
    QString refundNo;
    QString paymentNo;
    QString merchantId;
    qint64 amountMinor = 0;
    QString currency;
    RefundStatus status = RefundStatus::Pending;
    QString reason;
    QString channelRefundNo;
    QString errorCode;
    QString operatorType = QStringLiteral("merchant"); // merchant | admin
    QString operatorId;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime refundedAt;

    QJsonObject toJson() const;
};

// One row of a payment's timeline.
struct TimelineEntry
{
    QString kind; // status | step | risk | refund | callback | compensation
    QString step;
    QString fromStatus;
    QString toStatus;
    QJsonObject detail;
    QDateTime at;    // set when loaded
    QString traceId; // the request that wrote it; empty for a sweep or task (and rows before 0002)
    QJsonObject toJson() const;
};
TimelineEntry statusChange(PaymentStatus from, PaymentStatus to, const QString &step,
                           const QJsonObject &detail = {});
TimelineEntry stepDone(const QString &step, const QJsonObject &detail);

// Card checks a gateway makes before any channel sees the number: digits only, 12–19 of them,
// Luhn checksum; month 1–12; four-digit year; 3–4 digit CVC.
bool luhnValid(QStringView digits);
QString cardLast4(QStringView number);
QString cardBin(QStringView number);

// RFC 3339 UTC with milliseconds, as every PayDesk payload writes time.
QString isoTime(const QDateTime &time);

} // namespace paydesk::services::gateway
