#pragma once
// How payctl prints: aligned tables for people, the raw JSON with --json for scripts, and one
// readable line on stderr for errors.

#include "api/PlatformClient.h"

#include <QJsonArray>
#include <QStringList>

namespace paydesk::payctl {

enum ExitCode { kOk = 0, kApiError = 1, kUsage = 2, kUnreachable = 3, kAuth = 4 };

struct Column
{
    QString header;
    QString field; // dotted path into each object: "limits.daily_max_minor"
};

QString table(const QJsonArray &rows, const QList<Column> &columns);
QString keyValues(const QJsonObject &object); // "field: value" lines, nested objects flattened
QString fieldText(const QJsonObject &object, const QString &dottedPath);

// Prints the result (table/fields or JSON) and maps it to an exit code.
int report(const api::ApiResult &result, bool json, const std::function<QString(const QJsonObject &)> &human);

} // namespace paydesk::payctl
