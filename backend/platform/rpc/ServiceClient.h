#pragma once
// Calls another service by name. When the target runs in this process the request is handed to
// its pipeline on its own thread (no sockets, same routing, logging and metrics); otherwise it
// goes over HTTP(S) to the configured URL. Either way the caller's trace context and deadline go
// with it (traceparent, X-PayDesk-Deadline-Ms), and a call that outlives its deadline answers 504.

#include "platform/http/HttpTypes.h"

#include <QFuture>

#include <memory>

namespace paydesk::platform {

class ServiceDirectory;
class SpanStore;

struct CallOptions
{
    int timeoutMs = 5000;
    TraceContext parent; // usually the incoming request's trace
    QHash<QByteArray, QByteArray> headers;
};

class ServiceClient
{
public:
    // `internalToken` (ServerSecrets::internalToken) goes with remote calls so that Internal routes
    // of services in other processes accept them; in-process calls need none.
    // `spans`, when given, receives a client span per call (the callee's span is its child).
    ServiceClient(const ServiceDirectory &directory, QString callerName, QByteArray internalToken = {},
                  std::shared_ptr<SpanStore> spans = {});

    // Any thread. The future always completes: with the answer, a 503 when the service is
    // unknown or unreachable, or a 504 past the deadline.
    QFuture<HttpResponse> call(const QString &service, const QByteArray &method, const QString &pathAndQuery,
                               const QByteArray &body = {}, const CallOptions &options = {}) const;

    // Blocking form for worker threads (never a service thread: it would wait on itself).
    HttpResponse callSync(const QString &service, const QByteArray &method, const QString &pathAndQuery,
                          const QByteArray &body = {}, const CallOptions &options = {}) const;

private:
    QFuture<HttpResponse> callRemote(const QUrl &base, const QByteArray &method, const QString &pathAndQuery,
                                     const QByteArray &body, const CallOptions &options) const;
    QFuture<HttpResponse> dispatch(const QString &service, const QByteArray &method,
                                   const QString &pathAndQuery, const QByteArray &body,
                                   const CallOptions &options) const;
    const ServiceDirectory &m_directory;
    const QString m_caller;
    const QByteArray m_internalToken;
    const std::shared_ptr<SpanStore> m_spans;
};

} // namespace paydesk::platform
