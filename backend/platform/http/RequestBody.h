#pragma once
// Reads and validates a JSON request body field by field, collecting every problem, so that a
// client gets one 422 listing all bad fields instead of fixing them one round trip at a time.
//
//   BodyReader body(request);
//   const QString name = body.string("name", {.required = true, .maxLength = 128});
//   const qint64 amount = body.int64("amount_minor", {.required = true, .min = 1});
//   if (!body.ok())
//       return body.problem();

#include "platform/http/HttpTypes.h"

#include <QJsonArray>
#include <QStringList>

#include <limits>

namespace paydesk::platform {

struct StringRule
{
    bool required = false;
    int minLength = 0;
    int maxLength = 255;
    QStringList oneOf; // allowed values, when not empty
};

struct IntRule
{
    bool required = false;
    qint64 min = std::numeric_limits<qint64>::min();
    qint64 max = std::numeric_limits<qint64>::max();
};

class BodyReader
{
public:
    explicit BodyReader(const HttpRequest &request) : m_request(request), m_object(request.json.object()) {}

    bool has(const QString &field) const
    {
        return m_object.contains(field) && !m_object.value(field).isNull();
    }
    QString string(const QString &field, const StringRule &rule = {});
    // Integers only: 12.5 or "12" are errors (money is integer minor units).
    qint64 int64(const QString &field, const IntRule &rule = {});
    bool boolean(const QString &field, bool fallback = false);
    QJsonObject object(const QString &field, bool required = false);
    QJsonArray array(const QString &field, bool required = false);

    void fail(const QString &field, const QString &message) { m_errors.append({field, message}); }
    bool ok() const { return m_errors.isEmpty(); }
    // 422 VALIDATION_FAILED with "errors": [{field, message}, ...]
    HttpResponse problem() const;

private:
    const HttpRequest &m_request;
    const QJsonObject m_object;
    QList<QPair<QString, QString>> m_errors;
};

// page / page_size from the query string: page ≥ 1, 1 ≤ page_size ≤ 100 (default 20).
struct PageRequest
{
    int page = 1;
    int pageSize = 20;
    int offset() const { return (page - 1) * pageSize; }
    static PageRequest fromQuery(const QUrlQuery &query);
    // {"items": [...], "total": n, "page": p, "page_size": s}
    QJsonObject wrap(const QJsonArray &items, qint64 total) const;
};

} // namespace paydesk::platform
