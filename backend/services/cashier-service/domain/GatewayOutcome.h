#pragma once
// What payment-gateway's answer to POST /internal/v1/payments means for the hosted page and the
// session (contract: docs/contracts/payment-flow.md, payment statuses).

#include <QJsonObject>
#include <QString>

namespace paydesk::services::cashier {

struct GatewayOutcome
{
    enum class Kind {
        Paid,        // success | authorized: session completed
        Processing,  // pending | processing: completed, the result reaches the merchant by webhook
        Declined,    // failed | cancelled | expired or a 4xx refusal: session failed
        Unavailable, // no answer, 5xx, 504: nothing known; the session stays open for a retry
    } kind = Kind::Unavailable;
    QString paymentNo;
    QString paymentStatus; // the gateway's status, or "failed" for a refusal
    QString reason;        // for people, on declines
    // status query value of the link back to the merchant: success | processing | failed
    QString merchantStatus() const;
};

GatewayOutcome interpretGatewayAnswer(int httpStatus, const QJsonObject &body);

} // namespace paydesk::services::cashier
