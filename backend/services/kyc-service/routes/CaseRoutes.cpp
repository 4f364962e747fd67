// The review side of KYC: the queue of cases, a case with its documents, approve / reject, a
// merchant's level and limits, and the expiry of approvals after a year.

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/http/RequestBody.h"
#include "platform/rpc/ServiceClient.h"
#include "platform/security/Audit.h"
#include "services/kyc-service/domain/KycCase.h"
#include "services/kyc-service/domain/KycLevel.h"
#include "services/kyc-service/routes/KycRoutes.h"
#include "services/kyc-service/store/KycStore.h"

#include <QJsonArray>

namespace paydesk::services::kyc {

using namespace platform;

namespace case_routes {

HttpResponse caseNotFound(const HttpRequest &request, const QString &id)
{
    return notFound(request, QStringLiteral("KYC_CASE_NOT_FOUND"),
                    QStringLiteral("KYC case %1 does not exist").arg(id));
}

// The reviewer's queue names each merchant: one internal call per merchant on the page, after the
// transaction. A merchant-service that does not answer leaves the names out (the console then
// shows the id) rather than failing the queue.
QHash<QString, QString> merchantNames(const KycContext &context, const HttpRequest &request,
                                      const QList<CaseRecord> &cases)
{
    QHash<QString, QString> names;
    CallOptions options;
    options.parent = request.trace;
    options.timeoutMs = 1000;
    for (const CaseRecord &kycCase : cases) {
        if (names.contains(kycCase.merchantId))
            continue;
        const HttpResponse answer = context.runtime->client().callSync(
            QStringLiteral("merchant-service"), "GET",
            QStringLiteral("/internal/v1/merchants/") + kycCase.merchantId, {}, options);
        if (answer.status >= 500 || answer.status == 0)
            break; // away: no names rather than a slow queue
        names.insert(kycCase.merchantId, answer.jsonObject().value(QStringLiteral("name")).toString());
    }
    return names;
}

HttpResponse queue(const KycContext &context, const HttpRequest &request)
{
    const QString status = request.query.queryItemValue(QStringLiteral("status")).isEmpty()
                               ? QStringLiteral("pending")
                               : request.query.queryItemValue(QStringLiteral("status"));
    if (!caseStatusFrom(status))
        return respond(request, Problem::validation(QStringLiteral("status must be one of ") +
                                                    caseStatusNames().join(QStringLiteral(", "))));
    const PageRequest page = PageRequest::fromQuery(request.query);
    QList<CaseRecord> cases;
    qint64 total = 0;
    const HttpResponse loaded = transact(
        *context.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            if (!kyc_store::queue(db, status, page.pageSize, page.offset(), &cases, &total, why))
                return std::nullopt;
            return HttpResponse::json(QJsonObject{});
        });
    if (!loaded.isSuccess())
        return loaded;
    const QHash<QString, QString> names = merchantNames(context, request, cases);
    QJsonArray items;
    for (const CaseRecord &kycCase : cases) {
        QJsonObject json = kycCase.toJson();
        if (const QString name = names.value(kycCase.merchantId); !name.isEmpty())
            json.insert(QStringLiteral("merchant_name"), name);
        items.append(json);
    }
    return HttpResponse::json(page.wrap(items, total));
}

std::optional<QJsonObject> caseWithDocuments(QSqlDatabase &db, const CaseRecord &kycCase, QString *why)
{
    QList<DocumentRecord> documents;
    if (!kyc_store::documentsOfCase(db, kycCase.id, &documents, why))
        return std::nullopt;
    QJsonArray items;
    for (const DocumentRecord &document : documents)
        items.append(document.toJson());
    QJsonObject json = kycCase.toJson();
    json.insert(QStringLiteral("document_count"), items.size());
    json.insert(QStringLiteral("documents"), items);
    return json;
}

HttpResponse getCase(const KycContext &context, const HttpRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    return transact(*context.runtime, request,
                    [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
                        const std::optional<CaseRecord> kycCase =
                            isUuid(id) ? kyc_store::findCase(db, id, false, why) : std::nullopt;
                        if (!why->isEmpty())
                            return std::nullopt;
                        if (!kycCase)
                            return caseNotFound(request, id);
                        const std::optional<QJsonObject> json = caseWithDocuments(db, *kycCase, why);
                        if (!json)
                            return std::nullopt;
                        return HttpResponse::json(*json);
                    });
}

std::optional<HttpResponse> refusal(const HttpRequest &request, CaseVerdict verdict,
                                    const CaseRecord &kycCase, CaseStatus to)
{
    switch (verdict) {
    case CaseVerdict::Allowed:
        return std::nullopt;
    case CaseVerdict::ReasonRequired:
        return respond(request, Problem::validation(QStringLiteral("reason is required")));
    case CaseVerdict::Illegal:
        return respond(request,
                       Problem::conflict(
                           QStringLiteral("ILLEGAL_TRANSITION"),
                           QStringLiteral("a %1 case cannot become %2").arg(kycCase.status, toString(to))));
    }
    return std::nullopt;
}

// Approving needs the target level's documents: those of the case plus those approved in the
// merchant's still-approved cases. 409 KYC_REQUIREMENTS_NOT_MET (with `missing`) otherwise; a 2xx
// placeholder when met; nullopt with *why on a database error.
std::optional<HttpResponse> requirementsMet(QSqlDatabase &db, const HttpRequest &request,
                                            const CaseRecord &kycCase, QString *why)
{
    QList<DocumentRecord> documents;
    QSet<DocumentType> available;
    if (!kyc_store::documentsOfCase(db, kycCase.id, &documents, why) ||
        !kyc_store::approvedDocumentTypes(db, kycCase.merchantId, &available, why))
        return std::nullopt;
    for (const DocumentRecord &document : documents)
        available.insert(documentTypeFrom(document.documentType).value_or(DocumentType::Other));
    const KycLevel target = kycLevelFrom(kycCase.targetLevel).value_or(KycLevel::Enterprise);
    const QStringList missing = missingDocuments(target, available);
    if (missing.isEmpty())
        return HttpResponse::empty(204);
    Problem problem = Problem::conflict(
        QStringLiteral("KYC_REQUIREMENTS_NOT_MET"),
        QStringLiteral("level %1 needs %2").arg(kycCase.targetLevel, missing.join(QStringLiteral(", "))));
    problem.extra.insert(QStringLiteral("missing"), QJsonArray::fromStringList(missing));
    return respond(request, problem);
}

// approve {reason?} / reject {reason}: the case and its documents take the decision together,
// with the event and the audit record, in one transaction.
HttpResponse decide(const KycContext &context, const HttpRequest &request, CaseStatus to)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    BodyReader body(request);
    const QString reason =
        body.string(QStringLiteral("reason"), {.required = to == CaseStatus::Rejected, .maxLength = 500});
    if (!body.ok())
        return body.problem();
    return transact(
        *context.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<CaseRecord> kycCase =
                isUuid(id) ? kyc_store::findCase(db, id, true, why) : std::nullopt;
            if (!why->isEmpty())
                return std::nullopt;
            if (!kycCase)
                return caseNotFound(request, id);
            const CaseRecord before = *kycCase;
            if (auto refused = refusal(
                    request, checkCaseTransition(*caseStatusFrom(before.status), to, reason), before, to))
                return refused;
            if (to == CaseStatus::Approved) {
                std::optional<HttpResponse> met = requirementsMet(db, request, before, why);
                if (!met || !met->isSuccess())
                    return met;
            }
            const KycLevel target = kycLevelFrom(before.targetLevel).value_or(KycLevel::Enterprise);
            const QDateTime now = context.clock();
            kycCase->status = toString(to);
            kycCase->reason = reason;
            kycCase->decidedBy = actorOf(request);
            kycCase->decidedAt = now;
            if (to == CaseStatus::Approved)
                kycCase->approvedAt = now;
            KycLevel current = KycLevel::Basic;
            const QString documentStatus =
                to == CaseStatus::Approved ? QStringLiteral("approved") : QStringLiteral("rejected");
            if (!kyc_store::updateCase(db, *kycCase, why) ||
                !kyc_store::setDocumentsStatus(db, id, documentStatus, why) ||
                !kyc_store::currentLevel(db, before.merchantId, &current, why))
                return std::nullopt;
            QJsonObject extra{{QStringLiteral("current_limits"), toJson(current)}};
            if (to == CaseStatus::Approved)
                extra.insert(QStringLiteral("limits"), toJson(target));
            else
                extra.insert(QStringLiteral("reason"), reason);
            const QString type =
                to == CaseStatus::Approved ? QStringLiteral("kyc.approved") : QStringLiteral("kyc.rejected");
            if (outbox::append(
                    db, kycEvent(type, *kycCase, toString(current), request.trace.toTraceparent(), extra),
                    why) < 0 ||
                !audit::append(
                    db, request, kServiceName,
                    {QStringLiteral("kyc.case.") +
                         (to == CaseStatus::Approved ? QStringLiteral("approve") : QStringLiteral("reject")),
                     QStringLiteral("kyc_case"), id, before.toJson(), kycCase->toJson()},
                    why))
                return std::nullopt;
            const std::optional<QJsonObject> json = caseWithDocuments(db, *kycCase, why);
            if (!json)
                return std::nullopt;
            HttpResponse decided = HttpResponse::json(*json);
            decided.audited = true;
            return decided;
        });
}

// A merchant's KYC standing: current level and limits, the level table, its cases, and what the
// next level still needs.
HttpResponse standing(const KycContext &context, const HttpRequest &request, const QString &merchantId)
{
    if (!isUuid(merchantId))
        return notFound(request, QStringLiteral("MERCHANT_NOT_FOUND"),
                        QStringLiteral("merchant %1 does not exist").arg(merchantId));
    return transact(*context.runtime, request,
                    [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
                        KycLevel current = KycLevel::Basic;
                        QList<CaseRecord> cases;
                        QSet<DocumentType> approved;
                        if (!kyc_store::currentLevel(db, merchantId, &current, why) ||
                            !kyc_store::casesOfMerchant(db, merchantId, &cases, why) ||
                            !kyc_store::approvedDocumentTypes(db, merchantId, &approved, why))
                            return std::nullopt;
                        QJsonArray caseItems;
                        for (const CaseRecord &kycCase : cases)
                            caseItems.append(kycCase.toJson());
                        QJsonArray levels;
                        for (const QString &name : kycLevelNames())
                            levels.append(toJson(*kycLevelFrom(name)));
                        QJsonObject json{{QStringLiteral("merchant_id"), merchantId},
                                         {QStringLiteral("current_level"), toString(current)},
                                         {QStringLiteral("limits"), toJson(current)},
                                         {QStringLiteral("levels"), levels},
                                         {QStringLiteral("cases"), caseItems}};
                        if (const std::optional<KycLevel> next = nextLevel(current)) {
                            json.insert(QStringLiteral("next_level"), toString(*next));
                            json.insert(QStringLiteral("next_level_missing"),
                                        QJsonArray::fromStringList(missingDocuments(*next, approved)));
                        }
                        return HttpResponse::json(json);
                    });
}

} // namespace case_routes

int expireDueCases(const KycContext &context, int batchMax, QString *error)
{
    ServiceRuntime &runtime = *context.runtime;
    QSqlDatabase db = runtime.database().connection(error);
    if (!db.isOpen())
        return -1;
    Database::Use use(runtime.database());
    const QDateTime now = context.clock();
    int expired = 0;
    const bool ok = inTransaction(
        db,
        [&](QString *why) {
            QList<CaseRecord> due;
            if (!kyc_store::approvedBefore(db, expiryCutoff(now), batchMax, &due, why))
                return false;
            for (CaseRecord &kycCase : due) {
                Q_ASSERT(isLegalCaseTransition(CaseStatus::Approved, CaseStatus::Expired));
                kycCase.status = toString(CaseStatus::Expired);
                kycCase.expiredAt = now;
                KycLevel current = KycLevel::Basic;
                if (!kyc_store::updateCase(db, kycCase, why) ||
                    !kyc_store::currentLevel(db, kycCase.merchantId, &current, why) ||
                    outbox::append(db,
                                   kycEvent(QStringLiteral("kyc.expired"), kycCase, toString(current), {},
                                            {{QStringLiteral("current_limits"), toJson(current)}}),
                                   why) < 0)
                    return false;
                ++expired;
            }
            return true;
        },
        error);
    if (!ok)
        return -1;
    if (expired > 0)
        runtime.kickOutbox();
    return expired;
}

void registerCaseRoutes(Router &router, const KycContext &context)
{
    using namespace case_routes;
    router.add({.method = "GET",
                .pattern = "/api/v1/kyc/queue",
                .handler = [context](const HttpRequest &r) { return queue(context, r); },
                .access = Access::Admin,
                .permission = "kyc.view",
                .summary = "KYC cases by status (default pending), oldest first, with merchant_name from "
                           "merchant-service; page, page_size"});
    router.add({.method = "GET",
                .pattern = "/api/v1/kyc/cases/{id}",
                .handler = [context](const HttpRequest &r) { return getCase(context, r); },
                .access = Access::Admin,
                .permission = "kyc.view",
                .summary = "A KYC case with its documents"});
    router.add(
        {.method = "POST",
         .pattern = "/api/v1/kyc/cases/{id}/approve",
         .handler = [context](const HttpRequest &r) { return decide(context, r, CaseStatus::Approved); },
         .access = Access::Admin,
         .jsonBody = true,
         .permission = "kyc.review",
         .summary = "Approve a pending case {reason?}: the merchant reaches the case's level"});
    router.add(
        {.method = "POST",
         .pattern = "/api/v1/kyc/cases/{id}/reject",
         .handler = [context](const HttpRequest &r) { return decide(context, r, CaseStatus::Rejected); },
         .access = Access::Admin,
         .jsonBody = true,
         .permission = "kyc.review",
         .summary = "Reject a pending case {reason}"});
    router.add(
        {.method = "GET",
         .pattern = "/api/v1/merchants/{merchant_id}/kyc",
         .handler =
             [context](const HttpRequest &r) {
                 return standing(context, r, r.pathParam(QStringLiteral("merchant_id")));
             },
         .access = Access::Admin,
         .permission = "kyc.view",
         .summary = "A merchant's KYC level, limits (minor units), cases and what the next level needs"});
    router.add(
        {.method = "GET",
         .pattern = "/api/v1/me/kyc",
         .handler = [context](const HttpRequest &r) { return standing(context, r, r.principal.merchantId); },
         .access = Access::Merchant,
         .summary = "The signed merchant's KYC level, limits and cases"});
}

} // namespace paydesk::services::kyc
