#include "Output.h"

#include <QJsonDocument>

#include <cstdio>

namespace paydesk::payctl {

QString fieldText(const QJsonObject &object, const QString &dottedPath)
{
    QJsonValue value = object;
    for (const QString &part : dottedPath.split(u'.'))
        value = value.toObject().value(part);
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double number = value.toDouble();
        return number == static_cast<double>(static_cast<qint64>(number))
                   ? QString::number(static_cast<qint64>(number))
                   : QString::number(number);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &item : value.toArray())
            parts.append(
                item.isString()
                    ? item.toString()
                    : QString::fromUtf8(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact)));
        return parts.join(u',');
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    default:
        return QStringLiteral("-");
    }
}

QString table(const QJsonArray &rows, const QList<Column> &columns)
{
    QList<QStringList> cells;
    QList<qsizetype> widths;
    for (const Column &column : columns)
        widths.append(column.header.size());
    for (const QJsonValue &row : rows) {
        QStringList line;
        for (qsizetype c = 0; c < columns.size(); ++c) {
            QString text = fieldText(row.toObject(), columns[c].field).left(60);
            widths[c] = qMax(widths[c], text.size());
            line.append(text);
        }
        cells.append(line);
    }
    QString out;
    for (qsizetype c = 0; c < columns.size(); ++c)
        out += columns[c].header.toUpper().leftJustified(widths[c] + 2);
    out = out.trimmed() + u'\n';
    for (const QStringList &line : cells) {
        QString text;
        for (qsizetype c = 0; c < line.size(); ++c)
            text += line[c].leftJustified(widths[c] + 2);
        out += text.trimmed() + u'\n';
    }
    if (rows.isEmpty())
        out += QStringLiteral("(none)\n");
    return out;
}

QString keyValues(const QJsonObject &object)
{
    QString out;
    qsizetype width = 0;
    for (auto it = object.begin(); it != object.end(); ++it)
        width = qMax(width, it.key().size());
    for (auto it = object.begin(); it != object.end(); ++it)
        out += (it.key() + u':').leftJustified(width + 2) + fieldText(object, it.key()) + u'\n';
    return out;
}

int report(const api::ApiResult &result, bool json, const std::function<QString(const QJsonObject &)> &human)
{
    if (!result.ok()) {
        std::fprintf(
            stderr, "payctl: %s%s%s\n",
            qPrintable(result.errorMessage.isEmpty() ? result.errorCode : result.errorMessage),
            result.errorCode.isEmpty() ? "" : qPrintable(QStringLiteral(" [%1]").arg(result.errorCode)),
            result.traceId.isEmpty() ? "" : qPrintable(QStringLiteral(" (trace %1)").arg(result.traceId)));
        if (json && !result.body.isNull())
            std::fputs(result.body.toJson(QJsonDocument::Indented).constData(), stdout);
        if (result.status == 0)
            return kUnreachable;
        if (result.status == 401 || result.status == 403)
            return kAuth;
        return kApiError;
    }
    if (json)
        std::fputs(result.body.toJson(QJsonDocument::Indented).constData(), stdout);
    else
        std::fputs(qPrintable(human(result.object())), stdout);
    return kOk;
}

} // namespace paydesk::payctl
