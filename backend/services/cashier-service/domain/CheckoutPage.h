#pragma once
// The hosted checkout's HTML: self-contained pages (inline CSS, no scripts, no external assets) that
// work without JavaScript and with a screen reader. Every merchant- or customer-provided string
// passes through htmlEscape here; callers hand in plain text.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace paydesk::services::cashier {

struct CheckoutView
{
    QString token; // the session token (in the form's action)
    QString formToken;
    QString merchantName;
    QString orderNo;
    QString description;
    QString amountText; // formatAmount(...)
    bool testMode = true;
    QStringList channels;                  // a choice is offered when there are several
    QList<QPair<QString, QString>> errors; // field → message, from a refused submission
    QString holder;                        // kept on a refused submission (never the card number)
    QString expiry;
};
QByteArray checkoutPage(const CheckoutView &view);

struct ResultView
{
    enum class Kind { Paid, Processing, Declined } kind = Kind::Paid;
    QString merchantName;
    QString orderNo;
    QString amountText;
    QString paymentNo;
    QString reason;     // declines
    QString returnHref; // returnLink(...)
};
QByteArray resultPage(const ResultView &view);

// 404 / 410 / 403 / 502 pages; `returnHref` adds a link back to the merchant when not empty.
QByteArray errorPage(const QString &title, const QString &message, const QString &returnHref = {});

// Headers every hosted page carries: no caching, no framing, no scripts, form posts to itself only.
QList<QPair<QByteArray, QByteArray>> pageHeaders();

} // namespace paydesk::services::cashier
