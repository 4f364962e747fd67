// The request pipeline of every service: trace context and request id, body limit, routing
// (404/405), JSON parsing with the error position, deadline, execution on the service thread or a
// worker, then the response headers, metrics and one JSON log line.

#include "platform/host/Authentication.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"
#include "platform/observe/Metrics.h"
#include "platform/observe/SpanStore.h"
#include "platform/rpc/ServiceClient.h"

#include <QJsonArray>
#include <QJsonParseError>

#include <algorithm>
#include <chrono>

namespace paydesk::platform {

namespace {
constexpr qint64 kSlowRequestMs = 1000; // the seed's "slow" tag

// A caller's X-Request-ID is kept when it is short and plain; anything else gets a fresh id.
QString requestIdFrom(const QByteArray &header)
{
    const bool safe =
        !header.isEmpty() && header.size() <= 128 && std::all_of(header.begin(), header.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                   c == '_' || c == ':' || c == '-';
        });
    return QString::fromLatin1(safe ? header : TraceContext::randomHex(8));
}

HttpResponse invoke(const Route &route, const HttpRequest &request)
{
    try {
        return route.handler(request);
    } catch (const std::exception &e) {
        return Problem::internal(QStringLiteral("unhandled error: %1").arg(QString::fromUtf8(e.what())))
            .toResponse(request.trace.traceId);
    } catch (...) {
        return Problem::internal(QStringLiteral("unhandled error")).toResponse(request.trace.traceId);
    }
}

// Returns a problem response when the request cannot reach its handler.
// Why the service refuses requests: not at all, the host shutting down, or an administrator.
enum class Stop { None, ShuttingDown, Controlled };

std::optional<HttpResponse> preflight(const Router &router, HttpRequest &request, qint64 bodyLimit, Stop stop,
                                      const QString &service, const Route **matched)
{
    const QByteArray &traceId = request.trace.traceId;
    // The health report still answers (503, state "stopping"/"stopped") so that a monitor sees
    // why, and so do the metrics (ready 0).
    const bool probe =
        request.path == QStringLiteral("/health") || request.path == QStringLiteral("/metrics");
    if (stop == Stop::ShuttingDown && !probe)
        return Problem::unavailable(QStringLiteral("SHUTTING_DOWN"),
                                    QStringLiteral("the service is shutting down"))
            .toResponse(traceId);
    // An operator looks at a service's logs and spans to see why it was stopped: those reads still
    // answer while an administrator holds it stopped (not during a shutdown).
    const bool observe = request.method == "GET" && (request.path == QStringLiteral("/admin/v1/logs") ||
                                                     request.path == QStringLiteral("/admin/v1/spans"));
    if (stop == Stop::Controlled && !probe && !observe)
        return Problem::unavailable(QStringLiteral("SERVICE_STOPPED"),
                                    QStringLiteral("%1 is stopped by an administrator; it answers again "
                                                   "after POST /api/v1/system/services/%1/start")
                                        .arg(service))
            .toResponse(traceId);
    const RouteMatch match = router.match(request.method, request.path);
    if (match.kind == RouteMatch::Kind::NotFound)
        return Problem::notFound(QStringLiteral("no route for %1").arg(request.path)).toResponse(traceId);
    if (match.kind == RouteMatch::Kind::MethodNotAllowed) {
        HttpResponse response =
            Problem::methodNotAllowed(QStringLiteral("%1 is not allowed on %2; allowed: %3")
                                          .arg(QString::fromLatin1(request.method), request.path,
                                               match.allowedMethods.join(QStringLiteral(", "))))
                .toResponse(traceId);
        response.setHeader("Allow", match.allowedMethods.join(QStringLiteral(", ")).toLatin1());
        return response;
    }
    const Route &route = *match.route;
    // The limit protects the edge. In-process callers are sibling services whose own edge already
    // enforced it (the signature verifier, say, receives an upload base64-encoded inside JSON).
    const qint64 routeLimit = route.bodyLimitBytes > 0 ? route.bodyLimitBytes : bodyLimit;
    const qint64 declared = request.header("content-length").toLongLong();
    if (!request.inProcess && (request.body.size() > routeLimit || declared > routeLimit))
        return Problem::payloadTooLarge(routeLimit, qMax<qint64>(declared, request.body.size()))
            .toResponse(traceId);
    request.routePattern = route.pattern;
    request.pathParams = match.params;
    if (request.deadline.hasExpired())
        return Problem::deadlineExceeded(
                   QStringLiteral("the caller's deadline passed before the request was handled"))
            .toResponse(traceId);
    *matched = &route;
    return std::nullopt;
}

// Runs after authentication, so an anonymous caller learns nothing from body parsing.
std::optional<HttpResponse> parseJsonBody(const Route &route, HttpRequest &request)
{
    if (!route.jsonBody)
        return std::nullopt;
    const QByteArray &traceId = request.trace.traceId;
    if (request.body.trimmed().isEmpty())
        return Problem::malformedJson(QStringLiteral("the request body must be a JSON object; it is empty"),
                                      0)
            .toResponse(traceId);
    QJsonParseError error;
    request.json = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return Problem::malformedJson(
                   QStringLiteral("invalid JSON at offset %1: %2").arg(error.offset).arg(error.errorString()),
                   error.offset)
            .toResponse(traceId);
    if (!request.json.isObject())
        return Problem::malformedJson(QStringLiteral("the request body must be a JSON object"), 0)
            .toResponse(traceId);
    return std::nullopt;
}
// One server span per request (probes and scrapes excepted: they would crowd out real traffic).
void recordServerSpan(SpanStore &spans, const QString &service, const HttpRequest &request,
                      const HttpResponse &response, qint64 startUnixUs, qint64 durationUs)
{
    Span span;
    span.traceId = request.trace.traceId;
    span.spanId = request.trace.spanId;
    span.parentSpanId = request.trace.parentSpanId;
    span.service = service;
    span.operation = QString::fromLatin1(request.method) + u' ' +
                     (request.routePattern.isEmpty() ? QStringLiteral("(unmatched)") : request.routePattern);
    span.kind = QStringLiteral("server");
    span.startUnixUs = startUnixUs;
    span.durationUs = durationUs;
    span.status = response.status;
    span.error = response.status >= 500;
    span.attributes = {{QStringLiteral("http.target"), request.path},
                       {QStringLiteral("request_id"), request.requestId},
                       {QStringLiteral("in_process"), request.inProcess}};
    if (!response.problemCode.isEmpty())
        span.attributes.insert(QStringLiteral("problem.code"), response.problemCode);
    if (request.principal.kind != Principal::Kind::Anonymous)
        span.attributes.insert(QStringLiteral("principal"), request.principal.name);
    spans.record(std::move(span));
}
} // namespace

void ServiceRuntime::dispatch(HttpRequest request, std::function<void(HttpResponse)> done)
{
    QElapsedTimer clock;
    clock.start();
    const qint64 startUnixUs = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
    request.trace = TraceContext::childOf(TraceContext::parse(request.header("traceparent")));
    request.requestId = requestIdFrom(request.header("x-request-id"));
    if (!request.inProcess && request.headers.contains("x-paydesk-deadline-ms")) {
        bool ok = false;
        const qint64 ms = request.header("x-paydesk-deadline-ms").toLongLong(&ok);
        if (ok && ms >= 0)
            request.deadline = QDeadlineTimer(ms);
    }
    ++m_inFlight;

    auto finish = [this, clock, startUnixUs, done = std::move(done)](const HttpRequest &req,
                                                                     HttpResponse response) {
        --m_inFlight;
        response.setHeader("traceparent", req.trace.toTraceparent());
        response.setHeader("X-Request-ID", req.requestId.toLatin1());
        if (req.method == "HEAD")
            response.body.clear();
        // Every successful admin change must leave an audit record (security/Audit.h).
        const bool mutating = req.method != "GET" && req.method != "HEAD";
        if (mutating && response.isSuccess() && req.principal.kind == Principal::Kind::Admin &&
            !response.audited) {
            m_log->write(LogLevel::Error, QStringLiteral("admin change without an audit record: %1 %2")
                                              .arg(QString::fromLatin1(req.method), req.routePattern));
            Q_ASSERT_X(false, "dispatch", "a mutating admin handler must append an audit event");
        }
        const qint64 elapsedNs = clock.nsecsElapsed();
        const QString route = req.routePattern.isEmpty() ? QStringLiteral("(unmatched)") : req.routePattern;
        m_metrics->recordRequest(req.method, route, response.status, static_cast<double>(elapsedNs) / 1e9);

        const double durationMs = static_cast<double>(elapsedNs) / 1e6;
        // Probes and scrapes arrive every second from every console: keep them out of INFO.
        const bool probe =
            req.path.startsWith(QStringLiteral("/health")) || req.path == QStringLiteral("/metrics");
        // So are the log explorer's searches and live tails (one long poll per service): at INFO
        // they would fill the very log they read.
        const bool logRead = req.routePattern == QStringLiteral("/admin/v1/logs");
        // A probe's 503 is its normal answer while the service starts or stops (the runtime logs
        // the readiness change itself once), not a server error; a service an administrator
        // stopped answers 503 on purpose, not because of an error of its own.
        const bool notReadyAnswer = probe && response.status == 503;
        const bool stoppedOnPurpose = m_controlledStop.load() && response.status == 503;
        const LogLevel level = notReadyAnswer           ? LogLevel::Debug
                               : stoppedOnPurpose       ? LogLevel::Warn
                               : response.status >= 500 ? LogLevel::Error
                               : response.status >= 400 ? LogLevel::Warn
                               : probe || logRead       ? LogLevel::Debug
                                                        : LogLevel::Info;
        if (!probe)
            recordServerSpan(*m_spans, m_name, req, response, startUnixUs, elapsedNs / 1000);
        if (m_log->enabled(level)) {
            QJsonObject fields{
                {QStringLiteral("trace_id"), QString::fromLatin1(req.trace.traceId)},
                {QStringLiteral("span_id"), QString::fromLatin1(req.trace.spanId)},
                {QStringLiteral("request_id"), req.requestId},
                {QStringLiteral("method"), QString::fromLatin1(req.method)},
                {QStringLiteral("path"), req.path},
                {QStringLiteral("route"), route},
                {QStringLiteral("status"), response.status},
                {QStringLiteral("duration_ms"), qRound(durationMs * 1000) / 1000.0},
                {QStringLiteral("remote"),
                 req.inProcess ? QStringLiteral("in-process") : req.remoteAddress.toString()},
            };
            if (!req.trace.parentSpanId.isEmpty())
                fields.insert(QStringLiteral("parent_span_id"), QString::fromLatin1(req.trace.parentSpanId));
            if (!response.problemCode.isEmpty())
                fields.insert(QStringLiteral("code"), response.problemCode);
            if (durationMs > kSlowRequestMs)
                fields.insert(QStringLiteral("tags"), QJsonArray{QStringLiteral("slow")});
            m_log->write(level,
                         QStringLiteral("%1 %2 %3")
                             .arg(QString::fromLatin1(req.method), req.path)
                             .arg(response.status),
                         fields);
        }
        done(std::move(response));
    };

    const Stop stop = !m_stopping.load()        ? Stop::None
                      : m_controlledStop.load() ? Stop::Controlled
                                                : Stop::ShuttingDown;
    const Route *route = nullptr;
    if (auto rejected = preflight(m_router, request, m_bodyLimitBytes, stop, m_name, &route)) {
        finish(request, std::move(*rejected));
        return;
    }
    auto rejected = authenticateLocally(*route, request, m_environment);
    if (!rejected)
        rejected = parseJsonBody(*route, request);
    if (rejected) {
        finish(request, std::move(*rejected));
        return;
    }
    Q_ASSERT_X(route->access != Access::Merchant || route->execution == Execution::Worker, "dispatch",
               "merchant routes verify signatures by a blocking call: they must run on a worker");
    if (route->execution == Execution::ServiceThread) {
        finish(request, invoke(*route, request));
        return;
    }
    QThreadPool &pool = route->access == Access::Internal ? m_internalWorkers : m_workers;
    pool.start([this, route, request = std::move(request), finish = std::move(finish)]() mutable {
        std::optional<HttpResponse> refused;
        if (route->access == Access::Merchant)
            refused = authenticateMerchant(request, *m_client);
        HttpResponse response = refused ? std::move(*refused) : invoke(*route, request);
        QMetaObject::invokeMethod(
            this,
            [request = std::move(request), response = std::move(response),
             finish = std::move(finish)]() mutable { finish(request, std::move(response)); },
            Qt::QueuedConnection);
    });
}

} // namespace paydesk::platform
