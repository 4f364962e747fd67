// Routes every service serves: health, readiness, liveness, metrics, OpenAPI and the log level.

#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/OpenApi.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"
#include "platform/observe/LogSearch.h"
#include "platform/observe/Metrics.h"
#include "platform/observe/SpanStore.h"

#include "platform/security/Audit.h"
#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>

namespace paydesk::platform {

namespace {
QJsonObject objectSchema(std::initializer_list<std::pair<const char *, const char *>> properties)
{
    QJsonObject props;
    for (const auto &[name, type] : properties)
        props.insert(QString::fromLatin1(name),
                     QJsonObject{{QStringLiteral("type"), QString::fromLatin1(type)}});
    return {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), props}};
}
} // namespace

void ServiceRuntime::registerPlatformRoutes()
{
    const QString version = QStringLiteral(PAYDESK_VERSION);
    m_router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/health"),
         .handler = [this](const HttpRequest &) { return healthResponse(); },
         .execution = Execution::ServiceThread,
         .summary = QStringLiteral("Health report: status, version, uptime and each check with its latency"),
         .responseSchema = objectSchema({{"status", "string"},
                                         {"version", "string"},
                                         {"uptime_seconds", "number"},
                                         {"checks", "array"}})});
    m_router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/health/live"),
         .handler =
             [](const HttpRequest &) {
                 return HttpResponse::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("alive")}});
             },
         .execution = Execution::ServiceThread,
         .summary = QStringLiteral("Liveness: 200 while the service thread answers"),
         .responseSchema = objectSchema({{"status", "string"}})});
    m_router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/health/ready"),
         .handler =
             [this](const HttpRequest &request) {
                 const HealthSnapshot snapshot = health();
                 if (snapshot.ready)
                     return HttpResponse::json(
                         QJsonObject{{QStringLiteral("status"), QStringLiteral("ready")}});
                 const QString why = snapshot.error.isEmpty()
                                         ? QStringLiteral("state: %1").arg(toString(snapshot.state))
                                         : snapshot.error;
                 return Problem::unavailable(QStringLiteral("NOT_READY"), why)
                     .toResponse(request.trace.traceId);
             },
         .execution = Execution::ServiceThread,
         .summary = QStringLiteral("Readiness: 200 once the database is reachable and migrated, else 503"),
         .responseSchema = objectSchema({{"status", "string"}})});
    m_router.add({.method = "GET",
                  .pattern = QStringLiteral("/metrics"),
                  .handler =
                      [this](const HttpRequest &) {
                          return HttpResponse::text(m_metrics->exposition(),
                                                    "text/plain; version=0.0.4; charset=utf-8");
                      },
                  .execution = Execution::ServiceThread,
                  .summary = QStringLiteral("Prometheus metrics (text exposition format 0.0.4)")});
    m_router.add({.method = "GET",
                  .pattern = QStringLiteral("/openapi.json"),
                  .handler =
                      [this, version](const HttpRequest &) {
                          return HttpResponse::json(openApiDocument(descriptor(), m_router, version));
                      },
                  .execution = Execution::ServiceThread,
                  .summary = QStringLiteral("This document: OpenAPI 3 of every route this service serves")});
    m_router.add({.method = "GET",
                  .pattern = QStringLiteral("/admin/v1/log-level"),
                  .handler =
                      [this](const HttpRequest &) {
                          return HttpResponse::json(
                              QJsonObject{{QStringLiteral("level"), toString(m_log->level()).toLower()}});
                      },
                  .execution = Execution::ServiceThread,
                  .access = Access::Admin,
                  .permission = QStringLiteral("system.view"),
                  .summary = QStringLiteral("Current log level of this service"),
                  .responseSchema = objectSchema({{"level", "string"}})});
    m_router.add({.method = "PUT",
                  .pattern = QStringLiteral("/admin/v1/log-level"),
                  .handler = [this](const HttpRequest &request) { return setLogLevel(request); },
                  .execution = Execution::Worker,
                  .access = Access::Admin,
                  .jsonBody = true,
                  .permission = QStringLiteral("system.update"),
                  .summary = QStringLiteral("Change the log level at run time"),
                  .requestSchema = objectSchema({{"level", "string"}}),
                  .responseSchema = objectSchema({{"level", "string"}})});
    m_router.add({.method = "GET",
                  .pattern = QStringLiteral("/admin/v1/spans"),
                  .handler = [this](const HttpRequest &request) { return findSpans(request); },
                  .execution = Execution::ServiceThread,
                  .access = Access::Admin,
                  .permission = QStringLiteral("system.view"),
                  .summary = QStringLiteral(
                      "Recent spans of this service, newest first: ?trace_id= &operation= "
                      "&min_duration_ms= &from_us= &to_us= &errors=true &kind=server|client "
                      "&target= (path substring) &hide_platform=true (no health, metrics, log or span "
                      "queries) &limit="),
                  .responseSchema = objectSchema({{"items", "array"}})});
    m_router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/admin/v1/logs"),
         .handler = [this](const HttpRequest &request) { return findLogLines(request); },
         .execution = Execution::Worker,
         .access = Access::Admin,
         .permission = QStringLiteral("system.view"),
         .summary = QStringLiteral("This service's log lines, newest first: ?level= (minimum) &q= &trace_id= "
                                   "&span_id= &since= &until= (ISO 8601) &limit= &offset=; live tail: "
                                   "?after=<cursor>&wait_ms= (oldest first, waits up to 25 s for new lines)"),
         .responseSchema =
             objectSchema({{"items", "array"}, {"truncated", "boolean"}, {"cursor", "integer"}})});
}

HttpResponse ServiceRuntime::findLogLines(const HttpRequest &request)
{
    LogQuery query;
    query.minLevel = request.query.queryItemValue(QStringLiteral("level"));
    query.text = request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    query.traceId = request.query.queryItemValue(QStringLiteral("trace_id"));
    query.spanId = request.query.queryItemValue(QStringLiteral("span_id"));
    query.offset = request.query.queryItemValue(QStringLiteral("offset")).toInt();
    query.since = QDateTime::fromString(
        request.query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded), Qt::ISODate);
    query.until = QDateTime::fromString(
        request.query.queryItemValue(QStringLiteral("until"), QUrl::FullyDecoded), Qt::ISODate);
    const QString limit = request.query.queryItemValue(QStringLiteral("limit"));
    query.limit = limit.isEmpty() ? 200 : limit.toInt();
    if (!query.minLevel.isEmpty() &&
        !QStringList{"DEBUG", "INFO", "WARN", "ERROR"}.contains(query.minLevel.toUpper()))
        return Problem::validation(QStringLiteral("level must be one of debug, info, warn, error"))
            .toResponse(request.trace.traceId);
    if (request.query.hasQueryItem(QStringLiteral("after")))
        return tailLogLines(request, query);
    // The end cursor is taken before the search so a tail started from it misses no line.
    const qint64 cursor = logEndCursor(m_log->filePath());
    const LogSearchResult found =
        searchLog(m_log->filePath(), m_environment.config.intValue(QStringLiteral("log_max_files")), query);
    QJsonArray items;
    for (const QJsonObject &line : found.lines)
        items.append(line);
    return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items},
                                          {QStringLiteral("truncated"), found.truncated},
                                          {QStringLiteral("scanned_bytes"), found.scannedBytes},
                                          {QStringLiteral("cursor"), cursor}});
}

// Long poll on a worker: the file's size is checked every 50 ms (a stat, no read) until new lines
// pass the filter, the wait ends or the service stops. A tail holds one worker while it waits.
HttpResponse ServiceRuntime::tailLogLines(const HttpRequest &request, const LogQuery &query)
{
    bool ok = false;
    const qint64 after = request.query.queryItemValue(QStringLiteral("after")).toLongLong(&ok);
    if (!ok)
        return Problem::validation(QStringLiteral("after must be a cursor returned by this route"))
            .toResponse(request.trace.traceId);
    const int waitMs = qBound(0, request.query.queryItemValue(QStringLiteral("wait_ms")).toInt(), 25000);
    QElapsedTimer waited;
    waited.start();
    LogTailResult tail = tailLog(m_log->filePath(), after, query);
    while (tail.lines.isEmpty() && waited.elapsed() < waitMs && !m_stopping.load()) {
        const qint64 seen = tail.cursor;
        while (logEndCursor(m_log->filePath()) == seen && waited.elapsed() < waitMs && !m_stopping.load())
            QThread::msleep(50);
        tail = tailLog(m_log->filePath(), seen, query);
    }
    QJsonArray items;
    for (const QJsonObject &line : tail.lines)
        items.append(line);
    return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items},
                                          {QStringLiteral("truncated"), tail.truncated},
                                          {QStringLiteral("cursor"), tail.cursor}});
}

HttpResponse ServiceRuntime::findSpans(const HttpRequest &request)
{
    SpanQuery query;
    query.traceId = request.query.queryItemValue(QStringLiteral("trace_id")).toLatin1();
    query.operation = request.query.queryItemValue(QStringLiteral("operation"), QUrl::FullyDecoded);
    query.minDurationUs = request.query.queryItemValue(QStringLiteral("min_duration_ms")).toLongLong() * 1000;
    query.fromUnixUs = request.query.queryItemValue(QStringLiteral("from_us")).toLongLong();
    query.toUnixUs = request.query.queryItemValue(QStringLiteral("to_us")).toLongLong();
    query.errorsOnly = request.query.queryItemValue(QStringLiteral("errors")) == QStringLiteral("true");
    query.kind = request.query.queryItemValue(QStringLiteral("kind"));
    query.target = request.query.queryItemValue(QStringLiteral("target"), QUrl::FullyDecoded);
    query.hidePlatform =
        request.query.queryItemValue(QStringLiteral("hide_platform")) == QStringLiteral("true");
    const QString limit = request.query.queryItemValue(QStringLiteral("limit"));
    query.limit = limit.isEmpty() ? 100 : limit.toInt();
    QJsonArray items;
    for (const Span &span : m_spans->find(query))
        items.append(span.toJson());
    return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
}

HttpResponse ServiceRuntime::setLogLevel(const HttpRequest &request)
{
    bool ok = false;
    const QJsonValue value = request.json.object().value(QStringLiteral("level"));
    const LogLevel level = parseLogLevel(value.toString(), &ok);
    if (!value.isString() || !ok) {
        return Problem::validation(QStringLiteral("level must be one of debug, info, warn, error"))
            .toResponse(request.trace.traceId);
    }
    // The change is operational state, not data; its audit record still goes through the outbox.
    const QString before = toString(m_log->level()).toLower();
    const QString after = toString(level).toLower();
    QString error;
    QSqlDatabase db = m_database->connection(&error);
    Database::Use use(*m_database);
    const bool recorded =
        db.isOpen() && inTransaction(
                           db,
                           [&](QString *why) {
                               return audit::append(db, request, m_name,
                                                    {QStringLiteral("system.log_level"),
                                                     QStringLiteral("service"), m_name, before, after},
                                                    why);
                           },
                           &error);
    if (!recorded)
        return Problem::unavailable(QStringLiteral("AUDIT_UNAVAILABLE"),
                                    QStringLiteral("cannot record the change: %1").arg(error))
            .toResponse(request.trace.traceId);
    kickOutbox();
    m_log->setLevel(level);
    m_log->write(LogLevel::Info,
                 QStringLiteral("log level set to %1 by %2").arg(after, request.principal.name),
                 {{QStringLiteral("trace_id"), QString::fromLatin1(request.trace.traceId)}});
    HttpResponse response = HttpResponse::json(QJsonObject{{QStringLiteral("level"), after}});
    response.audited = true;
    return response;
}

} // namespace paydesk::platform
