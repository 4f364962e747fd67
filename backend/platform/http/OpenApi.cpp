#include "platform/http/OpenApi.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::platform {

namespace {
QJsonObject problemResponse(const QString &description)
{
    return {{QStringLiteral("description"), description},
            {QStringLiteral("content"),
             QJsonObject{{QStringLiteral("application/problem+json"),
                          QJsonObject{{QStringLiteral("schema"),
                                       QJsonObject{{QStringLiteral("$ref"),
                                                    QStringLiteral("#/components/schemas/Problem")}}}}}}}};
}

QJsonObject problemSchema()
{
    QJsonObject props;
    for (const char *name : {"type", "title", "code", "detail", "trace_id"})
        props.insert(QString::fromLatin1(name),
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}});
    props.insert(QStringLiteral("status"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}});
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("required"), QJsonArray{QStringLiteral("type"), QStringLiteral("title"),
                                                    QStringLiteral("status"), QStringLiteral("code")}},
            {QStringLiteral("properties"), props}};
}

QJsonObject operationFor(const Route &route)
{
    static const QRegularExpression kParam(QStringLiteral("\\{([a-z_]+)\\}"));
    QJsonArray parameters;
    for (auto it = kParam.globalMatch(route.pattern); it.hasNext();) {
        parameters.append(QJsonObject{
            {QStringLiteral("name"), it.next().captured(1)},
            {QStringLiteral("in"), QStringLiteral("path")},
            {QStringLiteral("required"), true},
            {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
    }
    parameters.append(QJsonObject{
        {QStringLiteral("name"), QStringLiteral("traceparent")},
        {QStringLiteral("in"), QStringLiteral("header")},
        {QStringLiteral("required"), false},
        {QStringLiteral("description"), QStringLiteral("W3C trace context")},
        {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
    QJsonObject success{{QStringLiteral("description"), QStringLiteral("Success")}};
    if (!route.responseSchema.isEmpty())
        success.insert(QStringLiteral("content"),
                       QJsonObject{{QStringLiteral("application/json"),
                                    QJsonObject{{QStringLiteral("schema"), route.responseSchema}}}});
    QJsonObject responses{
        {QString::number(route.successStatus), success},
        {QStringLiteral("default"), problemResponse(QStringLiteral("Error (problem details)"))}};
    QJsonObject operation{
        {QStringLiteral("summary"), route.summary},
        {QStringLiteral("operationId"),
         QString::fromLatin1(route.method).toLower() +
             QString(route.pattern)
                 .replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("_"))},
        {QStringLiteral("parameters"), parameters},
        {QStringLiteral("responses"), responses}};
    if (route.jsonBody) {
        operation.insert(
            QStringLiteral("requestBody"),
            QJsonObject{{QStringLiteral("required"), true},
                        {QStringLiteral("content"),
                         QJsonObject{{QStringLiteral("application/json"),
                                      QJsonObject{{QStringLiteral("schema"), route.requestSchema}}}}}});
    }
    if (route.access == Access::Admin) {
        operation.insert(QStringLiteral("security"),
                         QJsonArray{QJsonObject{{QStringLiteral("adminBearer"), QJsonArray{}}}});
        operation.insert(QStringLiteral("x-permission"), route.permission);
    } else if (route.access == Access::Merchant) {
        operation.insert(QStringLiteral("security"),
                         QJsonArray{QJsonObject{{QStringLiteral("merchantSignature"), QJsonArray{}}}});
    }
    return operation;
}
} // namespace

QJsonObject openApiDocument(const ServiceDescriptor &service, const Router &router, const QString &version)
{
    QJsonObject paths;
    for (const Route &route : router.routes()) {
        QJsonObject item = paths.value(route.pattern).toObject();
        item.insert(QString::fromLatin1(route.method).toLower(), operationFor(route));
        paths.insert(route.pattern, item);
    }
    const QJsonObject securitySchemes{
        {QStringLiteral("adminBearer"), QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                                    {QStringLiteral("scheme"), QStringLiteral("bearer")},
                                                    {QStringLiteral("bearerFormat"), QStringLiteral("JWT")}}},
        {QStringLiteral("merchantSignature"),
         QJsonObject{
             {QStringLiteral("type"), QStringLiteral("apiKey")},
             {QStringLiteral("in"), QStringLiteral("header")},
             {QStringLiteral("name"), QStringLiteral("X-API-Key")},
             {QStringLiteral("description"), QStringLiteral("With X-Signature, X-Timestamp and X-Nonce")}}}};
    return {
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"),
         QJsonObject{{QStringLiteral("title"), QStringLiteral("PayDesk %1").arg(service.name)},
                     {QStringLiteral("description"), service.title},
                     {QStringLiteral("version"), version}}},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("components"),
         QJsonObject{{QStringLiteral("schemas"), QJsonObject{{QStringLiteral("Problem"), problemSchema()}}},
                     {QStringLiteral("securitySchemes"), securitySchemes}}}};
}

} // namespace paydesk::platform
