#include "platform/rpc/ServiceClient.h"

#include "platform/async/WhenFinished.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/observe/SpanStore.h"
#include "platform/rpc/ServiceDirectory.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QSemaphore>
#include <QTimer>
#include <QUrl>

#include <QElapsedTimer>

#include <chrono>
#include <memory>

namespace paydesk::platform {

namespace {
QFuture<HttpResponse> readyFuture(HttpResponse response)
{
    QPromise<HttpResponse> promise;
    QFuture<HttpResponse> future = promise.future();
    promise.start();
    promise.addResult(std::move(response));
    promise.finish();
    return future;
}

HttpResponse deadlineProblem(const QString &service, int timeoutMs, const QByteArray &traceId)
{
    return Problem::deadlineExceeded(
               QStringLiteral("%1 did not answer within %2 ms").arg(service).arg(timeoutMs))
        .toResponse(traceId);
}

// One QNetworkAccessManager per calling thread: it must live on the thread that uses it.
QNetworkAccessManager &threadNetwork()
{
    thread_local QNetworkAccessManager manager;
    return manager;
}
} // namespace

ServiceClient::ServiceClient(const ServiceDirectory &directory, QString callerName, QByteArray internalToken,
                             std::shared_ptr<SpanStore> spans)
    : m_directory(directory), m_caller(std::move(callerName)), m_internalToken(std::move(internalToken)),
      m_spans(std::move(spans))
{
}

// Wraps the call in a client span: a child of the caller's span whose id travels as the callee's
// parent, so a trace shows caller → call → callee.
QFuture<HttpResponse> ServiceClient::call(const QString &service, const QByteArray &method,
                                          const QString &pathAndQuery, const QByteArray &body,
                                          const CallOptions &options) const
{
    if (!m_spans || !options.parent.isValid())
        return dispatch(service, method, pathAndQuery, body, options);
    const TraceContext clientSpan = TraceContext::childOf(options.parent);
    CallOptions forwarded = options;
    forwarded.parent = clientSpan;
    const qint64 startUs = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    QElapsedTimer clock;
    clock.start();
    Span span;
    span.traceId = clientSpan.traceId;
    span.spanId = clientSpan.spanId;
    span.parentSpanId = options.parent.spanId;
    span.service = m_caller;
    span.operation =
        QStringLiteral("call %1 %2 %3").arg(service, QString::fromLatin1(method), QUrl(pathAndQuery).path());
    span.kind = QStringLiteral("client");
    span.startUnixUs = startUs;
    span.attributes = {{QStringLiteral("peer.service"), service},
                       {QStringLiteral("http.target"), QUrl(pathAndQuery).path()}};
    return dispatch(service, method, pathAndQuery, body, forwarded)
        .then(QtFuture::Launch::Sync, [spans = m_spans, span, clock](HttpResponse response) mutable {
            span.durationUs = clock.nsecsElapsed() / 1000;
            span.status = response.status;
            span.error = response.status >= 500;
            if (!response.problemCode.isEmpty() || response.status >= 400)
                span.attributes.insert(QStringLiteral("problem.code"),
                                       response.jsonObject().value(QStringLiteral("code")));
            spans->record(span);
            return response;
        });
}

QFuture<HttpResponse> ServiceClient::dispatch(const QString &service, const QByteArray &method,
                                              const QString &pathAndQuery, const QByteArray &body,
                                              const CallOptions &options) const
{
    const ServiceDirectory::Target target = m_directory.find(service);
    if (!target.isValid()) {
        return readyFuture(
            Problem::unavailable(QStringLiteral("SERVICE_UNKNOWN"),
                                 QStringLiteral("no service named %1 in the directory").arg(service))
                .toResponse(options.parent.traceId));
    }
    if (!target.local)
        return callRemote(target.remote, method, pathAndQuery, body, options);

    const QUrl url(pathAndQuery);
    HttpRequest request;
    request.method = method;
    request.path = url.path();
    request.query = QUrlQuery(url);
    request.body = body;
    for (auto it = options.headers.begin(); it != options.headers.end(); ++it)
        request.headers.insert(it.key().toLower(), it.value());
    if (options.parent.isValid())
        request.headers.insert("traceparent", options.parent.toTraceparent());
    request.headers.insert("x-paydesk-caller", m_caller.toLatin1());
    if (!body.isEmpty() && !request.headers.contains("content-type"))
        request.headers.insert("content-type", "application/json");
    request.inProcess = true;
    request.remoteAddress = QHostAddress::LocalHost;
    request.deadline = QDeadlineTimer(options.timeoutMs);

    auto promise = std::make_shared<QPromise<HttpResponse>>();
    QFuture<HttpResponse> future = promise->future();
    promise->start();
    ServiceRuntime *runtime = target.local;
    const bool posted = QMetaObject::invokeMethod(
        runtime,
        [runtime, request = std::move(request), promise]() mutable {
            runtime->dispatch(std::move(request), [promise](HttpResponse response) {
                promise->addResult(std::move(response));
                promise->finish();
            });
        },
        Qt::QueuedConnection);
    if (!posted) {
        promise->addResult(Problem::unavailable(QStringLiteral("SERVICE_UNAVAILABLE"),
                                                QStringLiteral("%1 is not running").arg(service))
                               .toResponse(options.parent.traceId));
        promise->finish();
    }
    return future;
}

QFuture<HttpResponse> ServiceClient::callRemote(const QUrl &base, const QByteArray &method,
                                                const QString &pathAndQuery, const QByteArray &body,
                                                const CallOptions &options) const
{
    QUrl url = base.resolved(QUrl(pathAndQuery));
    QNetworkRequest request(url);
    request.setTransferTimeout(options.timeoutMs);
    for (auto it = options.headers.begin(); it != options.headers.end(); ++it)
        request.setRawHeader(it.key(), it.value());
    if (options.parent.isValid())
        request.setRawHeader("traceparent", options.parent.toTraceparent());
    request.setRawHeader("X-PayDesk-Caller", m_caller.toLatin1());
    if (!m_internalToken.isEmpty())
        request.setRawHeader("X-PayDesk-Internal-Token", m_internalToken);
    request.setRawHeader("X-PayDesk-Deadline-Ms", QByteArray::number(options.timeoutMs));
    if (!body.isEmpty() && !options.headers.contains("content-type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");

    auto promise = std::make_shared<QPromise<HttpResponse>>();
    QFuture<HttpResponse> future = promise->future();
    promise->start();
    QNetworkReply *reply = threadNetwork().sendCustomRequest(request, method, body);
    const QByteArray traceId = options.parent.traceId;
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, promise, url, traceId] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        HttpResponse response;
        if (status == 0) {
            response =
                reply->error() == QNetworkReply::OperationCanceledError ||
                        reply->error() == QNetworkReply::TimeoutError
                    ? Problem::deadlineExceeded(QStringLiteral("%1 timed out").arg(url.toString()))
                          .toResponse(traceId)
                    : Problem::unavailable(QStringLiteral("SERVICE_UNAVAILABLE"),
                                           QStringLiteral("%1: %2").arg(url.toString(), reply->errorString()))
                          .toResponse(traceId);
        } else {
            response.status = status;
            response.body = reply->readAll();
            response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
            for (const auto &[name, value] : reply->rawHeaderPairs())
                response.headers.append({name, value});
        }
        promise->addResult(std::move(response));
        promise->finish();
    });
    return future;
}

HttpResponse ServiceClient::callSync(const QString &service, const QByteArray &method,
                                     const QString &pathAndQuery, const QByteArray &body,
                                     const CallOptions &options) const
{
    const ServiceDirectory::Target target = m_directory.find(service);
    QFuture<HttpResponse> future = call(service, method, pathAndQuery, body, options);
    if (target.local) {
        // Wait on a semaphore, not an event loop: the answer is produced on the target's thread.
        auto done = std::make_shared<QSemaphore>(0);
        auto watch = future.then(QtFuture::Launch::Sync, [done](const HttpResponse &) { done->release(); });
        if (!done->tryAcquire(1, options.timeoutMs + 50))
            return deadlineProblem(service, options.timeoutMs, options.parent.traceId);
        return future.result();
    }
    // Remote: the reply is delivered by this thread's network manager, so spin a local loop.
    if (!waitInEventLoop(future, options.timeoutMs + 50))
        return deadlineProblem(service, options.timeoutMs, options.parent.traceId);
    return future.result();
}

} // namespace paydesk::platform
