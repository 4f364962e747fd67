#include "RouteContext.h"

#include "../domain/PasswordPolicy.h"
#include "../store/AdminStore.h"

#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/security/Crypto.h"

#include <QJsonArray>

namespace paydesk::services::admin {

using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;

namespace {
HttpResponse failure(const HttpRequest &request, const HttpResponse &response, bool responseSet,
                     const QString &why)
{
    if (responseSet)
        return response;
    return Problem::internal(why.isEmpty() ? QStringLiteral("database error") : why)
        .toResponse(request.trace.traceId);
}
} // namespace

HttpResponse RouteContext::transact(const HttpRequest &request, const Work &work) const
{
    return run(request, work, true);
}

HttpResponse RouteContext::read(const HttpRequest &request, const Work &work) const
{
    return run(request, work, false);
}

HttpResponse RouteContext::run(const HttpRequest &request, const Work &work, bool transaction) const
{
    return platform::withConnection(runtime, request, [&](QSqlDatabase &db) {
        QString error;
        HttpResponse response;
        response.status = -1; // "not set": a failed `work` without a problem is a 500
        const bool ok = transaction ? platform::inTransaction(
                                          db, [&](QString *why) { return work(db, &response, why); }, &error)
                                    : work(db, &response, &error);
        if (!ok)
            return failure(request, response, response.status != -1, error);
        if (transaction)
            runtime.kickOutbox();
        return response;
    });
}

bool RouteContext::audit(QSqlDatabase &db, const HttpRequest &request, const platform::audit::Change &change,
                         HttpResponse *response, QString *why) const
{
    if (!platform::audit::append(db, request, serviceName(), change, why))
        return false;
    response->audited = true;
    return true;
}

bool reject(HttpResponse *response, const Problem &problem, const HttpRequest &request)
{
    *response = problem.toResponse(request.trace.traceId);
    return false;
}

QString passwordField(platform::BodyReader &body, const HttpRequest &request, const QString &field,
                      bool required)
{
    const QJsonValue value = request.json.object().value(field);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            body.fail(field, QStringLiteral("is required"));
        return {};
    }
    if (!value.isString()) {
        body.fail(field, QStringLiteral("must be a string"));
        return {};
    }
    return value.toString();
}

Problem passwordPolicyProblem(const QStringList &violations)
{
    Problem problem{422,
                    QStringLiteral("PASSWORD_POLICY"),
                    QStringLiteral("Password does not meet the policy"),
                    QStringLiteral("the password %1").arg(violations.join(QStringLiteral("; "))),
                    {}};
    problem.extra.insert(QStringLiteral("violations"), QJsonArray::fromStringList(violations));
    return problem;
}

std::optional<HttpResponse> choosePassword(const RouteContext &context, const HttpRequest &request,
                                           const QString &requested, NewPassword *password)
{
    password->generated = requested.isEmpty();
    password->clear = password->generated ? PasswordPolicy::generate() : requested;
    if (const QStringList broken = PasswordPolicy::violations(password->clear); !broken.isEmpty())
        return passwordPolicyProblem(broken).toResponse(request.trace.traceId);
    password->hash = platform::crypto::hashPassword(password->clear, context.settings.passwordIterations);
    return std::nullopt;
}

bool acceptNewPassword(QSqlDatabase &db, const QString &adminId, const QString &password,
                       const HttpRequest &request, HttpResponse *response, QString *why)
{
    bool reused = false;
    if (!store::passwordReused(db, adminId, password, &reused, why))
        return false;
    if (reused)
        return reject(response,
                      passwordPolicyProblem({QStringLiteral("must differ from the last %1 passwords")
                                                 .arg(PasswordPolicy::kHistoryDepth)}),
                      request);
    return true;
}

QStringList stringList(platform::BodyReader &body, const QString &field, bool required)
{
    QStringList values;
    for (const QJsonValue &value : body.array(field, required)) {
        if (!value.isString()) {
            body.fail(field, QStringLiteral("must be an array of strings"));
            return {};
        }
        values.append(value.toString());
    }
    values.removeDuplicates();
    return values;
}

QJsonObject objectSchema(const QJsonObject &properties, const QStringList &required)
{
    QJsonObject schema{{QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("properties"), properties}};
    if (!required.isEmpty())
        schema.insert(QStringLiteral("required"), QJsonArray::fromStringList(required));
    return schema;
}

QJsonObject stringSchema(const QString &format)
{
    QJsonObject schema{{QStringLiteral("type"), QStringLiteral("string")}};
    if (!format.isEmpty())
        schema.insert(QStringLiteral("format"), format);
    return schema;
}

QJsonObject arraySchema(const QJsonObject &items)
{
    return {{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), items}};
}

QJsonObject pageSchema(const QJsonObject &item)
{
    const QJsonObject integer{{QStringLiteral("type"), QStringLiteral("integer")}};
    return objectSchema({{QStringLiteral("items"), arraySchema(item)},
                         {QStringLiteral("total"), integer},
                         {QStringLiteral("page"), integer},
                         {QStringLiteral("page_size"), integer}});
}

} // namespace paydesk::services::admin
