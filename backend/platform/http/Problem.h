#pragma once
// RFC 9457 problem details. Every error a PayDesk service returns is one of these, with a stable
// machine-readable `code` (UPPER_SNAKE, never renamed once shipped) next to the HTTP status.

#include "platform/http/HttpTypes.h"

#include <QJsonObject>
#include <QString>

namespace paydesk::platform {

struct Problem
{
    int status = 500;
    QString code;   // stable, e.g. "MALFORMED_JSON"
    QString title;  // short, human, constant per code
    QString detail; // this occurrence
    QJsonObject extra;

    QJsonObject toJson(const QByteArray &traceId) const;
    HttpResponse toResponse(const QByteArray &traceId) const;

    // The platform's own codes. Services add theirs next to their routes.
    static Problem notFound(const QString &detail);
    static Problem methodNotAllowed(const QString &detail);
    static Problem malformedJson(const QString &detail, int offset);
    static Problem payloadTooLarge(qint64 limitBytes, qint64 actualBytes);
    static Problem validation(const QString &detail);
    static Problem unauthorized(const QString &detail);
    static Problem forbidden(const QString &detail);
    static Problem conflict(const QString &code, const QString &detail);
    static Problem deadlineExceeded(const QString &detail);
    static Problem unavailable(const QString &code, const QString &detail);
    static Problem internal(const QString &detail);
};

// `problem` as the response to `request` (its trace id in the body).
inline HttpResponse respond(const HttpRequest &request, const Problem &problem)
{
    return problem.toResponse(request.trace.traceId);
}

// 404 with a service's own code (e.g. MERCHANT_NOT_FOUND) instead of the generic NOT_FOUND.
HttpResponse notFound(const HttpRequest &request, const QString &code, const QString &detail);

} // namespace paydesk::platform
