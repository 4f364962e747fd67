#include "platform/http/RequestBody.h"

#include "platform/http/Problem.h"

namespace paydesk::platform {

QString BodyReader::string(const QString &field, const StringRule &rule)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull()) {
        if (rule.required)
            fail(field, QStringLiteral("is required"));
        return {};
    }
    if (!value.isString()) {
        fail(field, QStringLiteral("must be a string"));
        return {};
    }
    const QString text = value.toString().trimmed();
    if (text.size() < rule.minLength || (rule.required && text.isEmpty()))
        fail(field, QStringLiteral("must have at least %1 characters").arg(qMax(rule.minLength, 1)));
    else if (text.size() > rule.maxLength)
        fail(field, QStringLiteral("must have at most %1 characters").arg(rule.maxLength));
    else if (!rule.oneOf.isEmpty() && !rule.oneOf.contains(text))
        fail(field, QStringLiteral("must be one of %1").arg(rule.oneOf.join(QStringLiteral(", "))));
    return text;
}

qint64 BodyReader::int64(const QString &field, const IntRule &rule)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull()) {
        if (rule.required)
            fail(field, QStringLiteral("is required"));
        return 0;
    }
    // JSON numbers arrive as doubles: exact integers are safe up to 2^53.
    const double number = value.toDouble();
    constexpr double kExactLimit = 9007199254740992.0;
    if (!value.isDouble() || number != static_cast<double>(static_cast<qint64>(number)) ||
        qAbs(number) > kExactLimit) {
        fail(field, QStringLiteral("must be an integer"));
        return 0;
    }
    const qint64 integer = static_cast<qint64>(number);
    if (integer < rule.min || integer > rule.max) {
        fail(field, QStringLiteral("must be between %1 and %2").arg(rule.min).arg(rule.max));
        return 0;
    }
    return integer;
}

bool BodyReader::boolean(const QString &field, bool fallback)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isBool()) {
        fail(field, QStringLiteral("must be true or false"));
        return fallback;
    }
    return value.toBool();
}

QJsonObject BodyReader::object(const QString &field, bool required)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            fail(field, QStringLiteral("is required"));
        return {};
    }
    if (!value.isObject())
        fail(field, QStringLiteral("must be an object"));
    return value.toObject();
}

QJsonArray BodyReader::array(const QString &field, bool required)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            fail(field, QStringLiteral("is required"));
        return {};
    }
    if (!value.isArray())
        fail(field, QStringLiteral("must be an array"));
    return value.toArray();
}

HttpResponse BodyReader::problem() const
{
    QJsonArray errors;
    QStringList summary;
    for (const auto &[field, message] : m_errors) {
        errors.append(QJsonObject{{QStringLiteral("field"), field}, {QStringLiteral("message"), message}});
        summary.append(field + u' ' + message);
    }
    Problem problem = Problem::validation(summary.join(QStringLiteral("; ")));
    problem.extra.insert(QStringLiteral("errors"), errors);
    return problem.toResponse(m_request.trace.traceId);
}

PageRequest PageRequest::fromQuery(const QUrlQuery &query)
{
    PageRequest page;
    page.page = qMax(1, query.queryItemValue(QStringLiteral("page")).toInt());
    const int size = query.queryItemValue(QStringLiteral("page_size")).toInt();
    page.pageSize = size <= 0 ? 20 : qMin(size, 100);
    return page;
}

QJsonObject PageRequest::wrap(const QJsonArray &items, qint64 total) const
{
    return {{QStringLiteral("items"), items},
            {QStringLiteral("total"), total},
            {QStringLiteral("page"), page},
            {QStringLiteral("page_size"), pageSize}};
}

} // namespace paydesk::platform
