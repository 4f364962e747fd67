#include "services/cashier-service/domain/CheckoutPage.h"

#include "services/cashier-service/domain/CheckoutRules.h"

namespace paydesk::services::cashier {

namespace {
// One stylesheet for every page. System fonts, 4.5:1 contrast at least, visible focus rings.
const char *const kStyle = R"CSS(
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 12px;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
background:#eef1f6;color:#1a1f36}
main{width:100%;max-width:440px;background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(26,31,54,.12);overflow:hidden}
header{padding:24px 28px;background:#1a1f36;color:#fff}
header p{margin:0;font-size:14px;color:#c9cfe0}
header h1{margin:4px 0 0;font-size:30px;font-weight:650;letter-spacing:-.5px}
.meta{margin:12px 0 0;font-size:14px;color:#dfe3ee}
.badge{display:inline-block;margin-top:10px;padding:2px 8px;border-radius:999px;background:#ffd166;color:#1a1f36;font-size:12px;font-weight:600}
section{padding:24px 28px 28px}
label{display:block;margin:0 0 6px;font-size:14px;font-weight:600}
input,select{width:100%;padding:11px 12px;border:1px solid #8b93a7;border-radius:8px;font:inherit;color:inherit;background:#fff}
input:focus,select:focus,button:focus,a:focus{outline:3px solid #4c6ef5;outline-offset:2px}
input[aria-invalid=true]{border-color:#c92a2a}
.field{margin-bottom:16px}
.row{display:flex;gap:12px}.row .field{flex:1}
.hint{margin:4px 0 0;font-size:13px;color:#c92a2a}
.alert{margin:0 0 18px;padding:12px 14px;border-radius:8px;background:#fff5f5;border:1px solid #ffa8a8;color:#8a1c1c}
.alert ul{margin:6px 0 0;padding-left:20px}
button{width:100%;padding:13px;border:0;border-radius:8px;background:#4c6ef5;color:#fff;font:inherit;font-weight:650;cursor:pointer}
button:hover{background:#3b5bdb}
.result{text-align:center}
.icon{width:56px;height:56px;margin:0 auto 12px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:30px;color:#fff}
.ok{background:#2b8a3e}.wait{background:#e67700}.no{background:#c92a2a}
.result h2{margin:0 0 8px;font-size:22px}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:18px 0;text-align:left;font-size:15px}
dt{color:#4f566b}dd{margin:0;font-weight:600;word-break:break-all}
a.button{display:block;padding:13px;border-radius:8px;background:#4c6ef5;color:#fff;text-decoration:none;font-weight:650;text-align:center}
footer{padding:0 28px 20px;font-size:12px;color:#4f566b;text-align:center}
@media (prefers-color-scheme:dark){body{background:#0f1222}main{background:#1b2035;color:#e8eaf2}
input,select{background:#12162a;color:#e8eaf2;border-color:#6b7390}dt,footer{color:#aab1c8}}
)CSS";

QByteArray layout(const QString &title, const QString &body)
{
    const QString html =
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                       "<meta name=\"robots\" content=\"noindex\">"
                       "<title>%1</title><style>%2</style></head><body><main>%3</main></body></html>\n")
            .arg(htmlEscape(title), QString::fromLatin1(kStyle), body);
    return html.toUtf8();
}

QString header(const QString &merchantName, const QString &amountText, const QString &orderNo,
               const QString &description, bool testMode)
{
    QString html = QStringLiteral("<header><p>%1</p><h1>%2</h1><p class=\"meta\">Order %3</p>")
                       .arg(htmlEscape(merchantName.isEmpty() ? QStringLiteral("Payment") : merchantName),
                            htmlEscape(amountText), htmlEscape(orderNo));
    if (!description.isEmpty())
        html += QStringLiteral("<p class=\"meta\">%1</p>").arg(htmlEscape(description));
    if (testMode)
        html += QStringLiteral("<span class=\"badge\">Test mode: no real money moves</span>");
    return html + QStringLiteral("</header>");
}

QString errorFor(const CheckoutView &view, const QString &field)
{
    for (const auto &[name, message] : view.errors) {
        if (name == field)
            return message;
    }
    return {};
}

QString input(const CheckoutView &view, const QString &name, const QString &label, const QString &attributes,
              const QString &value = {})
{
    const QString error = errorFor(view, name);
    QString html =
        QStringLiteral("<div class=\"field\"><label for=\"%1\">%2</label>"
                       "<input id=\"%1\" name=\"%1\" %3 value=\"%4\" required%5>")
            .arg(name, htmlEscape(label), attributes, htmlEscape(value),
                 error.isEmpty()
                     ? QString()
                     : QStringLiteral(" aria-invalid=\"true\" aria-describedby=\"%1-error\"").arg(name));
    if (!error.isEmpty())
        html += QStringLiteral("<p class=\"hint\" id=\"%1-error\">%2</p>").arg(name, htmlEscape(error));
    return html + QStringLiteral("</div>");
}
} // namespace

QByteArray checkoutPage(const CheckoutView &view)
{
    QString body = header(view.merchantName, view.amountText, view.orderNo, view.description, view.testMode);
    body += QStringLiteral("<section>");
    if (!view.errors.isEmpty()) {
        body += QStringLiteral(
            "<div class=\"alert\" role=\"alert\"><strong>Please check your card details.</strong><ul>");
        for (const auto &[field, message] : view.errors)
            body += QStringLiteral("<li>%1</li>").arg(htmlEscape(message));
        body += QStringLiteral("</ul></div>");
    }
    body += QStringLiteral("<form method=\"post\" action=\"/checkout/%1/pay\" autocomplete=\"on\">"
                           "<input type=\"hidden\" name=\"form_token\" value=\"%2\">")
                .arg(htmlEscape(view.token), htmlEscape(view.formToken));
    body += input(view, QStringLiteral("card_number"), QStringLiteral("Card number"),
                  QStringLiteral("inputmode=\"numeric\" autocomplete=\"cc-number\" maxlength=\"23\" "
                                 "placeholder=\"1234 1234 1234 1234\""));
    body += QStringLiteral("<div class=\"row\">");
    body +=
        input(view, QStringLiteral("expiry"), QStringLiteral("Expiry (MM/YY)"),
              QStringLiteral("autocomplete=\"cc-exp\" maxlength=\"7\" placeholder=\"MM/YY\""), view.expiry);
    body += input(
        view, QStringLiteral("cvc"), QStringLiteral("Security code"),
        QStringLiteral("inputmode=\"numeric\" autocomplete=\"cc-csc\" maxlength=\"4\" placeholder=\"CVC\""));
    body += QStringLiteral("</div>");
    body += input(view, QStringLiteral("holder"), QStringLiteral("Name on card"),
                  QStringLiteral("autocomplete=\"cc-name\" maxlength=\"64\""), view.holder);
    if (view.channels.size() > 1) {
        body += QStringLiteral("<div class=\"field\"><label for=\"channel\">Payment network</label>"
                               "<select id=\"channel\" name=\"channel\">");
        for (const QString &channel : view.channels)
            body += QStringLiteral("<option value=\"%1\">%1</option>").arg(htmlEscape(channel));
        body += QStringLiteral("</select></div>");
    }
    body += QStringLiteral("<button type=\"submit\">Pay %1</button></form></section>")
                .arg(htmlEscape(view.amountText));
    body += QStringLiteral("<footer>Card details go straight to the payment processor and are never stored "
                           "by this page.</footer>");
    return layout(QStringLiteral("Pay %1").arg(view.amountText), body);
}

QByteArray resultPage(const ResultView &view)
{
    QString icon;
    QString title;
    QString message;
    switch (view.kind) {
    case ResultView::Kind::Paid:
        icon = QStringLiteral("<div class=\"icon ok\" aria-hidden=\"true\">&#10003;</div>");
        title = QStringLiteral("Payment successful");
        message = QStringLiteral("Thank you. Your payment has been received.");
        break;
    case ResultView::Kind::Processing:
        icon = QStringLiteral("<div class=\"icon wait\" aria-hidden=\"true\">&#8987;</div>");
        title = QStringLiteral("Payment processing");
        message =
            QStringLiteral("Your payment is being confirmed. The merchant will be notified of the result.");
        break;
    case ResultView::Kind::Declined:
        icon = QStringLiteral("<div class=\"icon no\" aria-hidden=\"true\">&#10007;</div>");
        title = QStringLiteral("Payment declined");
        message = view.reason.isEmpty() ? QStringLiteral("The payment was not accepted.") : view.reason;
        break;
    }
    QString body = header(view.merchantName, view.amountText, view.orderNo, {}, false);
    body += QStringLiteral("<section class=\"result\" role=\"status\">%1<h2>%2</h2><p>%3</p><dl>")
                .arg(icon, htmlEscape(title), htmlEscape(message));
    body += QStringLiteral("<dt>Amount</dt><dd>%1</dd><dt>Order</dt><dd>%2</dd>")
                .arg(htmlEscape(view.amountText), htmlEscape(view.orderNo));
    if (!view.paymentNo.isEmpty())
        body += QStringLiteral("<dt>Payment</dt><dd>%1</dd>").arg(htmlEscape(view.paymentNo));
    body += QStringLiteral("</dl>");
    if (!view.returnHref.isEmpty())
        body += QStringLiteral("<a class=\"button\" href=\"%1\">Return to %2</a>")
                    .arg(htmlEscape(view.returnHref),
                         htmlEscape(view.merchantName.isEmpty() ? QStringLiteral("the merchant")
                                                                : view.merchantName));
    body += QStringLiteral("</section>");
    return layout(title, body);
}

QByteArray errorPage(const QString &title, const QString &message, const QString &returnHref)
{
    QString body = QStringLiteral("<section class=\"result\" role=\"alert\"><div class=\"icon no\" "
                                  "aria-hidden=\"true\">!</div><h2>%1</h2><p>%2</p>")
                       .arg(htmlEscape(title), htmlEscape(message));
    if (!returnHref.isEmpty())
        body += QStringLiteral("<a class=\"button\" href=\"%1\">Return to the merchant</a>")
                    .arg(htmlEscape(returnHref));
    return layout(title, body + QStringLiteral("</section>"));
}

QList<QPair<QByteArray, QByteArray>> pageHeaders()
{
    return {{"Cache-Control", "no-store"},
            {"Content-Security-Policy",
             "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
             "base-uri 'none'"},
            {"X-Frame-Options", "DENY"},
            {"X-Content-Type-Options", "nosniff"},
            {"Referrer-Policy", "no-referrer"}};
}

} // namespace paydesk::services::cashier
