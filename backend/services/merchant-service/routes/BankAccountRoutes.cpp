// Settlement bank accounts of a merchant (admin). The account number (IBAN or domestic number)
// is encrypted with the installation's master key before it reaches SQL and is only ever shown
// masked; audit records carry the masked form too.

#include "platform/host/ServiceRuntime.h"
#include "platform/security/Audit.h"
#include "platform/security/Crypto.h"
#include "services/merchant-service/domain/MerchantRules.h"
#include "services/merchant-service/routes/MerchantRoutes.h"
#include "services/merchant-service/routes/RouteSupport.h"
#include "services/merchant-service/store/BankAccountStore.h"
#include "services/merchant-service/store/MerchantStore.h"

namespace paydesk::services::merchant {

using namespace platform;

namespace bank_account_routes {

HttpResponse accountNotFound(const HttpRequest &request, const QString &id)
{
    return notFound(request, QStringLiteral("BANK_ACCOUNT_NOT_FOUND"),
                    QStringLiteral("bank account %1 does not exist for this merchant").arg(id));
}

// Reads the fields present in the body into `account`. A new number comes as `iban`, or as
// `account_number` with `bank_code`; it is validated, masked and encrypted here.
void readAccount(ServiceRuntime &runtime, BodyReader &body, BankAccountRecord *account, bool creating)
{
    if (creating || body.has(QStringLiteral("account_holder")))
        account->accountHolder =
            body.string(QStringLiteral("account_holder"), {.required = true, .maxLength = 200});
    if (creating || body.has(QStringLiteral("currency"))) {
        account->currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
        if (!account->currency.isEmpty() && !isSupportedCurrency(account->currency))
            body.fail(QStringLiteral("currency"),
                      QStringLiteral("must be a supported ISO 4217 code such as EUR"));
    }
    account->isDefault = body.boolean(QStringLiteral("is_default"), account->isDefault);
    const bool hasIban = body.has(QStringLiteral("iban"));
    const bool hasNumber = body.has(QStringLiteral("account_number"));
    if (hasIban && hasNumber) {
        body.fail(QStringLiteral("iban"), QStringLiteral("give either iban or account_number, not both"));
        return;
    }
    if (body.has(QStringLiteral("bank_code"))) {
        account->bankCode = body.string(QStringLiteral("bank_code"), {.maxLength = 20});
        if (!isValidBankCode(account->bankCode))
            body.fail(QStringLiteral("bank_code"), QStringLiteral("must be 2 to 20 letters or digits"));
    }
    QString number;
    if (hasIban) {
        number = normalizeIban(body.string(QStringLiteral("iban"), {.maxLength = 42}));
        if (!isValidIban(number))
            body.fail(QStringLiteral("iban"), QStringLiteral("is not a valid IBAN"));
        account->scheme = QStringLiteral("iban");
    } else if (hasNumber) {
        number = body.string(QStringLiteral("account_number"), {.maxLength = 34});
        if (!isValidAccountNumber(number))
            body.fail(QStringLiteral("account_number"), QStringLiteral("must be 4 to 34 digits"));
        account->scheme = QStringLiteral("domestic");
    } else if (creating) {
        body.fail(QStringLiteral("iban"),
                  QStringLiteral("iban or account_number with bank_code is required"));
    }
    if (account->scheme == QStringLiteral("domestic") && account->bankCode.isEmpty())
        body.fail(QStringLiteral("bank_code"), QStringLiteral("is required with account_number"));
    if (!number.isEmpty() && body.ok()) {
        account->accountNumberMasked = maskAccountNumber(number, hasIban);
        account->accountNumberEncrypted =
            crypto::encrypt(runtime.environment().secrets.masterKey, number.toUtf8());
    }
}

// Runs `work` after checking that the merchant exists (and locking it, so two default changes
// for one merchant serialise).
HttpResponse withMerchant(ServiceRuntime &runtime, const HttpRequest &request,
                          const std::function<std::optional<HttpResponse>(QSqlDatabase &, QString *)> &work)
{
    const QString merchantId = request.pathParam(QStringLiteral("id"));
    if (!isUuid(merchantId))
        return merchantNotFound(request, merchantId);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        const std::optional<MerchantRecord> merchant = merchant_store::find(db, merchantId, true, why);
        if (!why->isEmpty())
            return std::nullopt;
        if (!merchant)
            return merchantNotFound(request, merchantId);
        return work(db, why);
    });
}

HttpResponse audited(HttpResponse response)
{
    response.audited = true;
    return response;
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withMerchant(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<BankAccountRecord> accounts;
        if (!bank_account_store::list(db, request.pathParam(QStringLiteral("id")), &accounts, why))
            return std::nullopt;
        QJsonArray items;
        for (const BankAccountRecord &account : accounts)
            items.append(account.toJson());
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}

HttpResponse create(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    BankAccountRecord account;
    account.merchantId = request.pathParam(QStringLiteral("id"));
    readAccount(runtime, body, &account, true);
    if (!body.ok())
        return body.problem();
    return withMerchant(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        if (!bank_account_store::insert(db, &account, why) ||
            !audit::append(db, request, kServiceName,
                           {QStringLiteral("merchant.bank_account.create"),
                            QStringLiteral("merchant_bank_account"), account.id, QJsonValue(),
                            account.toJson()},
                           why))
            return std::nullopt;
        return audited(HttpResponse::json(account.toJson(), 201));
    });
}

// Runs `work` on the account named in the path, after withMerchant; 404 when it is not this merchant's.
using AccountWork =
    std::function<std::optional<HttpResponse>(QSqlDatabase &, BankAccountRecord *, QString *)>;
HttpResponse withAccount(ServiceRuntime &runtime, const HttpRequest &request, const AccountWork &work)
{
    const QString accountId = request.pathParam(QStringLiteral("account_id"));
    return withMerchant(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<BankAccountRecord> account =
            isUuid(accountId)
                ? bank_account_store::find(db, request.pathParam(QStringLiteral("id")), accountId, why)
                : std::nullopt;
        if (!why->isEmpty())
            return std::nullopt;
        if (!account)
            return accountNotFound(request, accountId);
        return work(db, &*account, why);
    });
}

HttpResponse update(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withAccount(
        runtime, request,
        [&](QSqlDatabase &db, BankAccountRecord *account, QString *why) -> std::optional<HttpResponse> {
            const BankAccountRecord before = *account;
            BodyReader body(request);
            readAccount(runtime, body, account, false);
            if (!body.ok())
                return body.problem();
            if (!bank_account_store::update(db, account, why) ||
                !audit::append(db, request, kServiceName,
                               {QStringLiteral("merchant.bank_account.update"),
                                QStringLiteral("merchant_bank_account"), account->id, before.toJson(),
                                account->toJson()},
                               why))
                return std::nullopt;
            return audited(HttpResponse::json(account->toJson()));
        });
}

HttpResponse remove(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withAccount(
        runtime, request,
        [&](QSqlDatabase &db, BankAccountRecord *account, QString *why) -> std::optional<HttpResponse> {
            if (!bank_account_store::remove(db, account->id, why) ||
                !audit::append(db, request, kServiceName,
                               {QStringLiteral("merchant.bank_account.delete"),
                                QStringLiteral("merchant_bank_account"), account->id, account->toJson(),
                                QJsonValue()},
                               why))
                return std::nullopt;
            return audited(HttpResponse::empty(204));
        });
}

} // namespace bank_account_routes

void registerBankAccountRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace bank_account_routes;
    ServiceRuntime *rt = &runtime;
    router.add({.method = "GET",
                .pattern = "/api/v1/merchants/{id}/bank-accounts",
                .handler = [rt](const HttpRequest &r) { return list(*rt, r); },
                .access = Access::Admin,
                .permission = "merchant.view",
                .summary = "Settlement bank accounts of a merchant (numbers masked)"});
    router.add({.method = "POST",
                .pattern = "/api/v1/merchants/{id}/bank-accounts",
                .handler = [rt](const HttpRequest &r) { return create(*rt, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "merchant.update",
                .summary = "Add a settlement bank account (iban, or account_number + bank_code)",
                .successStatus = 201});
    router.add({.method = "PATCH",
                .pattern = "/api/v1/merchants/{id}/bank-accounts/{account_id}",
                .handler = [rt](const HttpRequest &r) { return update(*rt, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "merchant.update",
                .summary = "Change a settlement bank account"});
    router.add({.method = "DELETE",
                .pattern = "/api/v1/merchants/{id}/bank-accounts/{account_id}",
                .handler = [rt](const HttpRequest &r) { return remove(*rt, r); },
                .access = Access::Admin,
                .permission = "merchant.update",
                .summary = "Remove a settlement bank account",
                .successStatus = 204});
}

} // namespace paydesk::services::merchant
