#include "services/cashier-service/domain/GatewayOutcome.h"

#include <QStringList>

namespace paydesk::services::cashier {

namespace {
QString firstText(const QJsonObject &body, std::initializer_list<const char *> fields)
{
    for (const char *field : fields) {
        const QString value = body.value(QString::fromLatin1(field)).toString();
        if (!value.isEmpty())
            return value.left(300);
    }
    return {};
}
} // namespace

QString GatewayOutcome::merchantStatus() const
{
    switch (kind) {
    case Kind::Paid:
        return QStringLiteral("success");
    case Kind::Processing:
        return QStringLiteral("processing");
    case Kind::Declined:
        return QStringLiteral("failed");
    case Kind::Unavailable:
        break;
    }
    return QStringLiteral("unknown");
}

GatewayOutcome interpretGatewayAnswer(int httpStatus, const QJsonObject &body)
{
    GatewayOutcome outcome;
    outcome.paymentNo = firstText(body, {"payment_no"});
    if (httpStatus >= 200 && httpStatus < 300) {
        const QString status = body.value(QStringLiteral("status")).toString();
        outcome.paymentStatus = status;
        if (status == QStringLiteral("success") || status == QStringLiteral("authorized")) {
            outcome.kind = GatewayOutcome::Kind::Paid;
        } else if (status == QStringLiteral("pending") || status == QStringLiteral("processing")) {
            outcome.kind = GatewayOutcome::Kind::Processing;
        } else if (QStringList{"failed", "cancelled", "expired", "declined"}.contains(status)) {
            outcome.kind = GatewayOutcome::Kind::Declined;
            // payment-gateway puts the channel's decline in "error": {code, message}.
            const QJsonObject error = body.value(QStringLiteral("error")).toObject();
            outcome.reason = firstText(error, {"message", "code"});
            if (outcome.reason.isEmpty())
                outcome.reason = firstText(body, {"decline_message", "decline_code"});
        } else {
            outcome.kind = GatewayOutcome::Kind::Unavailable; // an answer we cannot read
        }
        return outcome;
    }
    if (httpStatus >= 400 && httpStatus < 500 && httpStatus != 408 && httpStatus != 429) {
        // A refusal (risk, limits, validation, card): final for this session's idempotency key.
        outcome.kind = GatewayOutcome::Kind::Declined;
        outcome.paymentStatus = QStringLiteral("failed");
        outcome.reason = firstText(body, {"detail", "title"});
        return outcome;
    }
    return outcome; // 0, 408, 429, 5xx: unknown outcome
}

} // namespace paydesk::services::cashier
