#include "services/merchant-service/routes/MerchantRoutes.h"

#include "platform/bus/Outbox.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/security/Audit.h"
#include "services/merchant-service/domain/MerchantRules.h"
#include "services/merchant-service/domain/MerchantStatus.h"
#include "services/merchant-service/domain/MerchantTier.h"
#include "services/merchant-service/routes/RouteSupport.h"
#include "services/merchant-service/store/MerchantStore.h"

#include <QRegularExpression>

namespace paydesk::services::merchant {

using namespace platform;

namespace merchant_routes {

bool companyNameMissing(const MerchantRecord &merchant)
{
    return merchant.businessType == QStringLiteral("company") && merchant.companyName.isEmpty();
}

HttpResponse emailTakenProblem(const HttpRequest &request)
{
    return respond(request,
                   Problem::conflict(QStringLiteral("EMAIL_TAKEN"),
                                     QStringLiteral("a merchant with this e-mail address already exists")));
}

HttpResponse create(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    MerchantRecord merchant;
    readProfile(body, &merchant, true);
    if (body.has(QStringLiteral("tier")))
        merchant.tier = body.string(QStringLiteral("tier"), {.oneOf = tierNames()});
    merchant.isTestMode = body.boolean(QStringLiteral("is_test_mode"), true);
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<HttpResponse> stored =
            storeNewMerchant(db, request, &merchant, QStringLiteral("created by an administrator"), why);
        if (!stored || !stored->isSuccess())
            return stored;
        if (!audit::append(db, request, kServiceName,
                           {QStringLiteral("merchant.create"), QStringLiteral("merchant"), merchant.id,
                            QJsonValue(), merchant.toJson()},
                           why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(merchant.toJson(), 201);
        response.audited = true;
        return response;
    });
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    MerchantFilter filter{
        request.query.queryItemValue(QStringLiteral("status")),
        request.query.queryItemValue(QStringLiteral("kyc_status")),
        request.query.queryItemValue(QStringLiteral("tier")),
        request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded).trimmed().left(100)};
    QStringList bad;
    if (!filter.status.isEmpty() && !merchantStatusFrom(filter.status))
        bad.append(QStringLiteral("status must be one of ") +
                   merchantStatusNames().join(QStringLiteral(", ")));
    if (!filter.kycStatus.isEmpty() && !kycStatusFrom(filter.kycStatus))
        bad.append(QStringLiteral("kyc_status must be one of ") +
                   kycStatusNames().join(QStringLiteral(", ")));
    if (!filter.tier.isEmpty() && !tierFrom(filter.tier))
        bad.append(QStringLiteral("tier must be one of ") + tierNames().join(QStringLiteral(", ")));
    if (!bad.isEmpty())
        return respond(request, Problem::validation(bad.join(QStringLiteral("; "))));
    const PageRequest page = PageRequest::fromQuery(request.query);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<MerchantRecord> merchants;
        qint64 total = 0;
        if (!merchant_store::list(db, filter, page.pageSize, page.offset(), &merchants, &total, why))
            return std::nullopt;
        QJsonArray items;
        for (const MerchantRecord &merchant : merchants)
            items.append(merchant.toJson());
        return HttpResponse::json(page.wrap(items, total));
    });
}

HttpResponse get(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    if (!isUuid(id))
        return merchantNotFound(request, id);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        const std::optional<MerchantRecord> merchant = merchant_store::find(db, id, false, why);
        if (!why->isEmpty())
            return std::nullopt;
        if (!merchant)
            return merchantNotFound(request, id);
        QJsonArray history;
        if (!merchant_store::history(db, id, &history, why))
            return std::nullopt;
        QJsonObject json = merchant->toJson();
        json.insert(QStringLiteral("status_history"), history);
        json.insert(QStringLiteral("tier_policy"), toJson(tierPolicy(*tierFrom(merchant->tier))));
        return HttpResponse::json(json);
    });
}

HttpResponse update(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    if (!isUuid(id))
        return merchantNotFound(request, id);
    BodyReader body(request);
    MerchantRecord changes;
    readProfile(body, &changes, false);
    const QString tier = body.string(QStringLiteral("tier"), {.oneOf = tierNames()});
    const bool testModeGiven = body.has(QStringLiteral("is_test_mode"));
    const bool testMode = body.boolean(QStringLiteral("is_test_mode"));
    // Status changes need a reason and a history entry; KYC status belongs to kyc-service.
    for (const char *field : {"status", "kyc_status", "kyc_level"}) {
        if (body.has(QLatin1String(field)))
            body.fail(QLatin1String(field),
                      QStringLiteral("cannot be set here: use activate / suspend / reject"
                                     " or the KYC review"));
    }
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<MerchantRecord> merchant = merchant_store::find(db, id, true, why);
        if (!why->isEmpty())
            return std::nullopt;
        if (!merchant)
            return merchantNotFound(request, id);
        const MerchantRecord before = *merchant;
        BodyReader fields(request);
        readProfile(fields, &*merchant, false); // validated above: applies the present fields
        if (!tier.isEmpty())
            merchant->tier = tier;
        if (testModeGiven)
            merchant->isTestMode = testMode;
        if (companyNameMissing(*merchant))
            return respond(request,
                           Problem::validation(QStringLiteral("company_name is required for a company")));
        if (merchant->email.compare(before.email, Qt::CaseInsensitive) != 0) {
            bool taken = false;
            if (!merchant_store::emailTaken(db, merchant->email, id, &taken, why))
                return std::nullopt;
            if (taken)
                return emailTakenProblem(request);
        }
        if (!merchant_store::update(db, &*merchant, why))
            return std::nullopt;
        if (merchant->tier != before.tier &&
            outbox::append(db,
                           merchantEvent(QStringLiteral("merchant.tier_changed"), *merchant, request,
                                         {{QStringLiteral("previous_tier"), before.tier}}),
                           why) < 0)
            return std::nullopt;
        if (!audit::append(db, request, kServiceName,
                           {QStringLiteral("merchant.update"), QStringLiteral("merchant"), id,
                            before.toJson(), merchant->toJson()},
                           why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(merchant->toJson());
        response.audited = true;
        return response;
    });
}

std::optional<HttpResponse> refusal(const HttpRequest &request, TransitionVerdict verdict,
                                    const MerchantRecord &merchant, MerchantStatus target)
{
    switch (verdict) {
    case TransitionVerdict::Allowed:
        return std::nullopt;
    case TransitionVerdict::ReasonRequired:
        return respond(request, Problem::validation(QStringLiteral("reason is required")));
    case TransitionVerdict::Illegal:
        return respond(
            request,
            Problem::conflict(
                QStringLiteral("ILLEGAL_TRANSITION"),
                QStringLiteral("a %1 merchant cannot become %2").arg(merchant.status, toString(target))));
    case TransitionVerdict::KycNotVerified:
        return respond(
            request,
            Problem::conflict(
                QStringLiteral("KYC_NOT_VERIFIED"),
                QStringLiteral("kyc_status is %1; activation needs verified").arg(merchant.kycStatus)));
    }
    return std::nullopt;
}

// activate / suspend / reject {reason, force?}. `force` (activation only) skips the KYC check
// and needs kForceActivatePermission on top of the route's merchant.update.
HttpResponse transition(ServiceRuntime &runtime, const HttpRequest &request, MerchantStatus target,
                        const QString &eventType)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    BodyReader body(request);
    const QString reason = body.string(QStringLiteral("reason"), {.required = true, .maxLength = 500});
    const bool force = body.boolean(QStringLiteral("force"));
    if (force && target != MerchantStatus::Active)
        body.fail(QStringLiteral("force"), QStringLiteral("applies to activation only"));
    if (!body.ok())
        return body.problem();
    if (force && !request.principal.can(kForceActivatePermission))
        return respond(request,
                       Problem::forbidden(QStringLiteral("permission %1 is required to force an activation")
                                              .arg(kForceActivatePermission)));
    if (!isUuid(id))
        return merchantNotFound(request, id);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<MerchantRecord> merchant = merchant_store::find(db, id, true, why);
        if (!why->isEmpty())
            return std::nullopt;
        if (!merchant)
            return merchantNotFound(request, id);
        const MerchantRecord before = *merchant;
        const TransitionVerdict verdict = checkTransition(
            {*merchantStatusFrom(before.status), target, reason, *kycStatusFrom(before.kycStatus), force});
        if (auto refused = refusal(request, verdict, before, target))
            return refused;
        merchant->status = toString(target);
        const QJsonObject extra{{QStringLiteral("previous_status"), before.status},
                                {QStringLiteral("reason"), reason},
                                {QStringLiteral("forced"), force}};
        if (!merchant_store::update(db, &*merchant, why) ||
            !merchant_store::appendHistory(
                db, {id, before.status, merchant->status, reason, actorOf(request), force}, why) ||
            outbox::append(db, merchantEvent(eventType, *merchant, request, extra), why) < 0 ||
            !audit::append(db, request, kServiceName,
                           {eventType, QStringLiteral("merchant"), id, before.toJson(), merchant->toJson()},
                           why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(merchant->toJson());
        response.audited = true;
        return response;
    });
}

HttpResponse tiers(const HttpRequest &)
{
    QJsonArray items;
    for (const QString &name : tierNames())
        items.append(toJson(tierPolicy(*tierFrom(name))));
    return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
}

} // namespace merchant_routes

void readProfile(BodyReader &body, MerchantRecord *merchant, bool creating)
{
    auto present = [&](const char *field) { return creating || body.has(QLatin1String(field)); };
    if (present("name"))
        merchant->name = body.string(QStringLiteral("name"), {.required = true, .maxLength = 200});
    if (present("email")) {
        const QString email = body.string(QStringLiteral("email"), {.required = true, .maxLength = 254});
        if (!email.isEmpty() && !isValidEmail(email))
            body.fail(QStringLiteral("email"), QStringLiteral("must be an e-mail address"));
        merchant->email = email.toLower();
    }
    if (body.has(QStringLiteral("phone"))) {
        static const QRegularExpression phone(QStringLiteral(R"(^\+?[0-9 ()-]{5,32}$)"));
        merchant->phone = body.string(QStringLiteral("phone"), {.maxLength = 32});
        if (!phone.match(merchant->phone).hasMatch())
            body.fail(QStringLiteral("phone"),
                      QStringLiteral("must be a phone number (digits, spaces, + - ( ))"));
    }
    if (body.has(QStringLiteral("company_name")))
        merchant->companyName = body.string(QStringLiteral("company_name"), {.maxLength = 200});
    if (present("business_type"))
        merchant->businessType = body.string(
            QStringLiteral("business_type"),
            {.required = true, .oneOf = {QStringLiteral("individual"), QStringLiteral("company")}});
    if (present("country")) {
        merchant->country = body.string(QStringLiteral("country"), {.required = true, .maxLength = 2});
        if (!merchant->country.isEmpty() && !isValidCountry(merchant->country))
            body.fail(QStringLiteral("country"),
                      QStringLiteral("must be an ISO 3166-1 alpha-2 code such as DE"));
    }
    if (body.has(QStringLiteral("website"))) {
        merchant->website = body.string(QStringLiteral("website"), {.maxLength = 500});
        if (!isValidWebsite(merchant->website))
            body.fail(QStringLiteral("website"), QStringLiteral("must be an http(s) URL"));
    }
    if (creating && merchant_routes::companyNameMissing(*merchant))
        body.fail(QStringLiteral("company_name"), QStringLiteral("is required for a company"));
}

std::optional<HttpResponse> storeNewMerchant(QSqlDatabase &db, const HttpRequest &request,
                                             MerchantRecord *merchant, const QString &reason, QString *why)
{
    merchant->status = toString(MerchantStatus::Pending);
    merchant->kycStatus = toString(KycStatus::None);
    bool inserted = false;
    if (!merchant_store::insert(db, merchant, &inserted, why))
        return std::nullopt;
    if (!inserted)
        return merchant_routes::emailTakenProblem(request);
    if (!merchant_store::appendHistory(
            db, {merchant->id, {}, merchant->status, reason, actorOf(request), false}, why) ||
        outbox::append(db, merchantEvent(QStringLiteral("merchant.created"), *merchant, request), why) < 0)
        return std::nullopt;
    return HttpResponse::empty(201);
}

void registerMerchantRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace merchant_routes;
    ServiceRuntime *rt = &runtime;
    router.add({.method = "POST",
                .pattern = "/api/v1/merchants",
                .handler = [rt](const HttpRequest &r) { return create(*rt, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "merchant.create",
                .summary = "Create a merchant (pending)",
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = "/api/v1/merchants",
                .handler = [rt](const HttpRequest &r) { return list(*rt, r); },
                .access = Access::Admin,
                .permission = "merchant.view",
                .summary = "List merchants; filters status, kyc_status, tier, q; page, page_size"});
    router.add({.method = "GET",
                .pattern = "/api/v1/merchants/{id}",
                .handler = [rt](const HttpRequest &r) { return get(*rt, r); },
                .access = Access::Admin,
                .permission = "merchant.view",
                .summary = "A merchant with its status history and tier policy"});
    router.add({.method = "PATCH",
                .pattern = "/api/v1/merchants/{id}",
                .handler = [rt](const HttpRequest &r) { return update(*rt, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "merchant.update",
                .summary = "Update profile fields, tier or test mode"});
    const struct
    {
        const char *action;
        MerchantStatus target;
        const char *event;
    } transitions[] = {{"activate", MerchantStatus::Active, "merchant.activated"},
                       {"suspend", MerchantStatus::Suspended, "merchant.suspended"},
                       {"reject", MerchantStatus::Rejected, "merchant.rejected"}};
    for (const auto &t : transitions) {
        const MerchantStatus target = t.target;
        const QString event = QString::fromLatin1(t.event);
        router.add({.method = "POST",
                    .pattern = QStringLiteral("/api/v1/merchants/{id}/") + QLatin1String(t.action),
                    .handler = [rt, target,
                                event](const HttpRequest &r) { return transition(*rt, r, target, event); },
                    .access = Access::Admin,
                    .jsonBody = true,
                    .permission = "merchant.update",
                    .summary = QStringLiteral("Merchant status → %1 with a reason").arg(toString(target))});
    }
    router.add(
        {.method = "GET",
         .pattern = "/api/v1/merchant-tiers",
         .handler = tiers,
         .execution = Execution::ServiceThread,
         .access = Access::Admin,
         .permission = "merchant.view",
         .summary = "The tier table: limits (minor units), fee rates (basis points), settlement cycle"});
}

} // namespace paydesk::services::merchant
