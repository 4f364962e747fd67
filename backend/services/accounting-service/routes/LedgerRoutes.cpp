// Reading and checking the ledger: the internal verify route (paydesk-server ledger verify) and
// the admin console's balances, accounts, journal, verify and reversal.

#include "services/accounting-service/routes/LedgerRoutes.h"
#include "services/accounting-service/store/LedgerStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::accounting {

using namespace platform;

namespace ledger_routes {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));
const QRegularExpression kEntryNo(QStringLiteral("^JE[0-9]{10,}$"));

// Collects the query-string filters, every bad one reported at once.
struct QueryCheck
{
    QStringList errors;
    QString text(const HttpRequest &request, const QString &name, int maxLength = 64)
    {
        const QString value = request.query.queryItemValue(name, QUrl::FullyDecoded);
        if (value.size() > maxLength)
            errors << QStringLiteral("%1 must have at most %2 characters").arg(name).arg(maxLength);
        return value;
    }
    QString currency(const HttpRequest &request)
    {
        const QString value = request.query.queryItemValue(QStringLiteral("currency"));
        if (!value.isEmpty() && !kCurrency.match(value).hasMatch())
            errors << QStringLiteral("currency must be an ISO 4217 code (3 upper-case letters)");
        return value;
    }
    QDateTime time(const HttpRequest &request, const QString &name)
    {
        const QString value = request.query.queryItemValue(name, QUrl::FullyDecoded);
        if (value.isEmpty())
            return {};
        QDateTime parsed = QDateTime::fromString(value, Qt::ISODateWithMs);
        if (!parsed.isValid())
            parsed = QDateTime::fromString(value, Qt::ISODate);
        if (!parsed.isValid())
            errors << QStringLiteral("%1 must be an ISO 8601 date-time (2026-11-25T12:00:00Z)").arg(name);
        return parsed;
    }
    std::optional<HttpResponse> problem(const HttpRequest &request) const
    {
        if (errors.isEmpty())
            return std::nullopt;
        return respond(request, Problem::validation(errors.join(QStringLiteral("; "))));
    }
};

QJsonArray chartJson()
{
    QJsonArray chart;
    for (const AccountTypeInfo &info : chartOfAccounts())
        chart.append(
            QJsonObject{{QStringLiteral("type"), info.name},
                        {QStringLiteral("normal_side"), sideName(info.normalSide)},
                        {QStringLiteral("category"), info.category},
                        {QStringLiteral("per"), info.perMerchant  ? QStringLiteral("merchant, currency")
                                                : info.perChannel ? QStringLiteral("channel, currency")
                                                                  : QStringLiteral("currency")},
                        {QStringLiteral("description"), info.description}});
    return chart;
}

// One snapshot for the whole check, so postings committing meanwhile are not differences.
std::optional<HttpResponse> runVerify(QSqlDatabase &db, store::VerifyReport *report, QString *why)
{
    if (!store::beginSnapshot(db, why) || !store::verify(db, report, why))
        return std::nullopt;
    return HttpResponse::json(report->toJson());
}

HttpResponse internalVerify(ServiceRuntime &runtime, const HttpRequest &request)
{
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) {
        store::VerifyReport report;
        return runVerify(db, &report, why);
    });
}

HttpResponse adminVerify(ServiceRuntime &runtime, const HttpRequest &request)
{
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        store::VerifyReport report;
        std::optional<HttpResponse> response = runVerify(db, &report, why);
        if (!response)
            return std::nullopt;
        const audit::Change change{QStringLiteral("ledger.verify"), QStringLiteral("ledger"),
                                   QStringLiteral("all"), QJsonValue(),
                                   QJsonObject{{QStringLiteral("ok"), report.ok()},
                                               {QStringLiteral("checked_entries"), report.checkedEntries},
                                               {QStringLiteral("checked_accounts"), report.checkedAccounts},
                                               {QStringLiteral("differences"), report.differences.size()}}};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        response->audited = true;
        return response;
    });
}

HttpResponse balances(ServiceRuntime &runtime, const HttpRequest &request, bool withChart)
{
    QueryCheck check;
    store::BalanceFilter filter{check.text(request, QStringLiteral("merchant_id")), check.currency(request),
                                check.text(request, QStringLiteral("type"))};
    if (!filter.type.isEmpty() && !accountTypeFromName(filter.type))
        check.errors << QStringLiteral("type must be one of the chart's account types");
    if (auto bad = check.problem(request))
        return *bad;
    const PageRequest page = PageRequest::fromQuery(request.query);
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QJsonArray items;
        qint64 total = 0;
        QString error;
        if (!store::listBalances(db, filter, page.pageSize, page.offset(), &items, &total, &error))
            return respond(request, Problem::internal(error));
        QJsonObject body = page.wrap(items, total);
        if (withChart)
            body.insert(QStringLiteral("chart"), chartJson());
        return HttpResponse::json(body);
    });
}

HttpResponse journal(ServiceRuntime &runtime, const HttpRequest &request)
{
    QueryCheck check;
    store::JournalFilter filter{
        check.text(request, QStringLiteral("merchant_id")), check.text(request, QStringLiteral("payment_no")),
        check.text(request, QStringLiteral("entry_no")), check.time(request, QStringLiteral("from")),
        check.time(request, QStringLiteral("to"))};
    if (auto bad = check.problem(request))
        return *bad;
    const PageRequest page = PageRequest::fromQuery(request.query);
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QJsonArray items;
        qint64 total = 0;
        QString error;
        if (!store::listJournal(db, filter, page.pageSize, page.offset(), &items, &total, &error))
            return respond(request, Problem::internal(error));
        return HttpResponse::json(page.wrap(items, total));
    });
}

HttpResponse reverse(ServiceRuntime &runtime, const LedgerMetrics &metrics, const HttpRequest &request)
{
    const QString entryNo = request.pathParam(QStringLiteral("entry_no"));
    BodyReader body(request);
    const QString reason =
        body.string(QStringLiteral("reason"), {.required = true, .minLength = 3, .maxLength = 500});
    if (!body.ok())
        return body.problem();
    if (!kEntryNo.match(entryNo).hasMatch())
        return notFound(request, QStringLiteral("ENTRY_NOT_FOUND"),
                        QStringLiteral("no entry %1").arg(entryNo));
    HttpResponse answer =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<Posting> original;
            qint64 originalId = 0;
            QJsonObject before;
            if (!store::loadPosting(db, entryNo, &original, &originalId, &before, why))
                return std::nullopt;
            if (!original)
                return notFound(request, QStringLiteral("ENTRY_NOT_FOUND"),
                                QStringLiteral("no entry %1").arg(entryNo));
            if (original->kind == QStringLiteral("reversal"))
                return respond(request,
                               Problem::conflict(QStringLiteral("CANNOT_REVERSE_REVERSAL"),
                                                 QStringLiteral("%1 is a reversal; post the original again "
                                                                "through its event instead")
                                                     .arg(entryNo)));
            const store::EntryHeader header{
                .kind = QStringLiteral("reversal"),
                .reversesEntryId = originalId,
                .paymentNo = before.value(QStringLiteral("payment_no")).toString(),
                .refundNo = before.value(QStringLiteral("refund_no")).toString(),
                .merchantId = before.value(QStringLiteral("merchant_id")).toString(),
                .channel = before.value(QStringLiteral("channel")).toString(),
                .amountMinor = before.value(QStringLiteral("amount_minor")).toInteger(),
                .merchantFeeMinor = before.value(QStringLiteral("merchant_fee_minor")).toInteger(),
                .description = QStringLiteral("reversal of %1: %2").arg(entryNo, reason),
                .occurredAt = QDateTime::currentDateTimeUtc()};
            store::PostedEntry posted;
            bool duplicate = false;
            if (!postWithEvent(db, header, reversalOf(*original), &posted, &duplicate, why))
                return std::nullopt;
            if (duplicate)
                return respond(
                    request, Problem::conflict(QStringLiteral("ENTRY_ALREADY_REVERSED"),
                                               QStringLiteral("%1 has been reversed already").arg(entryNo)));
            QJsonArray found;
            qint64 total = 0;
            if (!store::listJournal(db, {.entryNo = posted.entryNo}, 1, 0, &found, &total, why))
                return std::nullopt;
            const QJsonObject after = found.first().toObject();
            const audit::Change change{QStringLiteral("ledger.entry.reverse"),
                                       QStringLiteral("journal_entry"), entryNo, before, after};
            if (!audit::append(db, request, kServiceName, change, why))
                return std::nullopt;
            HttpResponse response = HttpResponse::json(after, 201);
            response.audited = true;
            return response;
        });
    if (answer.status == 201) // committed
        metrics.posted(QStringLiteral("reversal"));
    return answer;
}
} // namespace ledger_routes

void addLedgerRoutes(Router &router, ServiceRuntime &runtime, const LedgerMetrics &metrics)
{
    using namespace ledger_routes;
    const QJsonObject integer{{"type", "integer"}, {"format", "int64"}};
    const QJsonObject verifySchema{
        {"type", "object"},
        {"required", QJsonArray{"ok", "checked_entries", "checked_accounts", "differences"}},
        {"properties",
         QJsonObject{
             {"ok", QJsonObject{{"type", "boolean"}}},
             {"checked_entries", integer},
             {"checked_accounts", integer},
             {"checked_lines", integer},
             {"unposted_events", integer},
             {"differences",
              QJsonObject{{"type", "array"},
                          {"items", QJsonObject{{"type", "object"},
                                                {"description",
                                                 "kind balance {account, cached, computed}, "
                                                 "unbalanced_entry {entry_no, currency, debit, credit} "
                                                 "or missing_account {entry_no, line_no, account_id}"}}}}}}}};
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/ledger/verify"),
         .handler = [&runtime](const HttpRequest &r) { return internalVerify(runtime, r); },
         .access = Access::Internal,
         .summary = QStringLiteral("Recompute every balance from the lines and check every entry balances")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/ledger/verify"),
                .handler = [&runtime](const HttpRequest &r) { return adminVerify(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("accounting.verify"),
                .summary = QStringLiteral("Verify the ledger (audited)"),
                .responseSchema = verifySchema});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/ledger/balances"),
                .handler = [&runtime](const HttpRequest &r) { return balances(runtime, r, false); },
                .access = Access::Admin,
                .permission = QStringLiteral("accounting.view"),
                .summary = QStringLiteral("Cached balances (?merchant_id&currency&type, paged)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/ledger/accounts"),
                .handler = [&runtime](const HttpRequest &r) { return balances(runtime, r, true); },
                .access = Access::Admin,
                .permission = QStringLiteral("accounting.view"),
                .summary = QStringLiteral("The chart of accounts and every account (paged)")});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/ledger/journal"),
         .handler = [&runtime](const HttpRequest &r) { return journal(runtime, r); },
         .access = Access::Admin,
         .permission = QStringLiteral("accounting.view"),
         .summary = QStringLiteral(
             "Journal entries with lines, newest first (?merchant_id&payment_no&entry_no&from&to, paged)")});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/api/v1/ledger/entries/{entry_no}/reverse"),
         .handler = [&runtime, &metrics](const HttpRequest &r) { return reverse(runtime, metrics, r); },
         .access = Access::Admin,
         .jsonBody = true,
         .permission = QStringLiteral("accounting.adjust"),
         .summary = QStringLiteral("Post the reversal of an entry {reason} (audited)"),
         .successStatus = 201});
}

} // namespace paydesk::services::accounting
