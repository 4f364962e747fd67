#pragma once
// Transport-neutral request and response. The HTTP listener and the in-process RPC path both
// produce an HttpRequest and consume an HttpResponse, so a handler never knows (or cares) whether
// its caller is a socket or a sibling service in the same process.

#include "platform/observe/TraceContext.h"
#include "platform/security/Principal.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace paydesk::platform {

struct HttpRequest
{
    QByteArray method; // upper case: GET, POST, ...
    QString path;      // decoded path without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;
    QHostAddress remoteAddress;
    bool inProcess = false; // dispatched by ServiceClient inside this process

    // Filled by the pipeline before the handler runs.
    QHash<QString, QString> pathParams;
    QString routePattern;
    QJsonDocument json; // parsed body for routes that take JSON
    QString requestId;
    TraceContext trace; // this request's span (trace id from the caller)
    QDeadlineTimer deadline{QDeadlineTimer::Forever};
    Principal principal; // set by the authentication stage

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    QString pathParam(const QString &name) const { return pathParams.value(name); }
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString problemCode;  // set for problem responses; logged, never parsed back
    bool audited = false; // a mutating admin handler appended its audit event (security/Audit.h)

    static HttpResponse json(const QJsonObject &object, int status = 200);
    static HttpResponse json(const QJsonDocument &document, int status = 200);
    static HttpResponse text(const QByteArray &body, const QByteArray &contentType, int status = 200);
    static HttpResponse empty(int status = 204);

    QJsonObject jsonObject() const; // empty object when the body is not a JSON object
    QByteArray header(const QByteArray &name) const;
    void setHeader(const QByteArray &name, const QByteArray &value);
    bool isSuccess() const { return status >= 200 && status < 300; }
};

} // namespace paydesk::platform
