#include "platform/http/Problem.h"

namespace paydesk::platform {

namespace {
Problem make(int status, const char *code, const char *title, const QString &detail)
{
    return Problem{status, QString::fromLatin1(code), QString::fromLatin1(title), detail, {}};
}
} // namespace

QJsonObject Problem::toJson(const QByteArray &traceId) const
{
    QJsonObject object = extra;
    // The type URI is stable per code so clients can key documentation on it.
    object.insert(QStringLiteral("type"), QStringLiteral("https://paydesk.dev/problems/") + code.toLower());
    object.insert(QStringLiteral("title"), title);
    object.insert(QStringLiteral("status"), status);
    object.insert(QStringLiteral("code"), code);
    object.insert(QStringLiteral("detail"), detail);
    object.insert(QStringLiteral("trace_id"), QString::fromLatin1(traceId));
    return object;
}

HttpResponse Problem::toResponse(const QByteArray &traceId) const
{
    HttpResponse response = HttpResponse::json(toJson(traceId), status);
    response.contentType = "application/problem+json";
    response.problemCode = code;
    return response;
}

Problem Problem::notFound(const QString &detail)
{
    return make(404, "NOT_FOUND", "Resource not found", detail);
}

Problem Problem::methodNotAllowed(const QString &detail)
{
    return make(405, "METHOD_NOT_ALLOWED", "Method not allowed", detail);
}

Problem Problem::malformedJson(const QString &detail, int offset)
{
    Problem problem = make(400, "MALFORMED_JSON", "Malformed JSON body", detail);
    problem.extra.insert(QStringLiteral("offset"), offset);
    return problem;
}

Problem Problem::payloadTooLarge(qint64 limitBytes, qint64 actualBytes)
{
    Problem problem = make(
        413, "PAYLOAD_TOO_LARGE", "Request body too large",
        QStringLiteral("The body has %1 bytes; the limit is %2 bytes.").arg(actualBytes).arg(limitBytes));
    problem.extra.insert(QStringLiteral("limit_bytes"), limitBytes);
    return problem;
}

Problem Problem::validation(const QString &detail)
{
    return make(422, "VALIDATION_FAILED", "Request failed validation", detail);
}

Problem Problem::unauthorized(const QString &detail)
{
    return make(401, "UNAUTHORIZED", "Authentication required", detail);
}

Problem Problem::forbidden(const QString &detail)
{
    return make(403, "FORBIDDEN", "Permission denied", detail);
}

Problem Problem::conflict(const QString &code, const QString &detail)
{
    return Problem{409, code, QStringLiteral("Conflict"), detail, {}};
}

Problem Problem::deadlineExceeded(const QString &detail)
{
    return make(504, "DEADLINE_EXCEEDED", "Deadline exceeded", detail);
}

Problem Problem::unavailable(const QString &code, const QString &detail)
{
    return Problem{503, code, QStringLiteral("Service unavailable"), detail, {}};
}

Problem Problem::internal(const QString &detail)
{
    return make(500, "INTERNAL_ERROR", "Internal error", detail);
}

HttpResponse notFound(const HttpRequest &request, const QString &code, const QString &detail)
{
    Problem problem = Problem::notFound(detail);
    problem.code = code;
    return respond(request, problem);
}

} // namespace paydesk::platform
