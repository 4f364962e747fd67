#include "logs/LogGenerator.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace paydesk::console {

void generateLogLines(LogStore &store, qsizetype count, quint32 seed, qint64 startMs)
{
    static const QString kServices[] = {
        QStringLiteral("payment-gateway"),    QStringLiteral("order-service"),
        QStringLiteral("channel-adapter"),    QStringLiteral("risk-service"),
        QStringLiteral("accounting-service"), QStringLiteral("notification-service"),
        QStringLiteral("cashier-service"),    QStringLiteral("merchant-service"),
    };
    static const QString kMessages[] = {
        QStringLiteral("POST /api/v1/payments 201"),
        QStringLiteral("GET /api/v1/payments/{payment_no} 200"),
        QStringLiteral("channel call timeout after retries"),
        QStringLiteral("connection reset by peer"),
        QStringLiteral("card declined: insufficient funds"),
        QStringLiteral("risk decision review score 71"),
        QStringLiteral("ledger posting written"),
        QStringLiteral("webhook delivered to merchant endpoint"),
        QStringLiteral("outbox relay published 12 events"),
        QStringLiteral("refund accepted by channel"),
    };
    QRandomGenerator random(seed);
    QByteArray trace;
    QByteArray raw;
    raw.reserve(512);
    for (qsizetype i = 0; i < count; ++i) {
        if (i % 5 == 0) // a trace spans a handful of consecutive lines
            trace = QByteArray::number(random.generate64(), 16).rightJustified(16, '0') +
                    QByteArray::number(random.generate64(), 16).rightJustified(16, '0');
        const quint32 roll = random.bounded(1000u);
        const LogLevel level = roll < 20    ? LogLevel::Error
                               : roll < 80  ? LogLevel::Warn
                               : roll < 150 ? LogLevel::Debug
                                            : LogLevel::Info;
        const QString &service = kServices[random.bounded(8u)];
        const QString &message = kMessages[random.bounded(10u)];
        // Mostly fast, a long tail of slow requests.
        const quint32 tail = random.bounded(100u);
        const float duration =
            tail < 90 ? float(random.bounded(200u)) + 0.5f : float(random.bounded(5000u)) + 0.25f;
        const int status = level == LogLevel::Error  ? (random.bounded(2u) ? 500 : 503)
                           : level == LogLevel::Warn ? 409
                                                     : 200;
        const qint64 timeMs = startMs + i * 7;
        const QByteArray span = QByteArray::number(random.generate64(), 16).rightJustified(16, '0');
        raw.clear();
        raw += "{\"duration_ms\":";
        raw += QByteArray::number(double(duration), 'f', 2);
        raw += ",\"level\":\"" + logLevelText(level).toLatin1() + "\",\"message\":\"" + message.toUtf8() +
               "\",\"service\":\"" + service.toUtf8() + "\",\"span_id\":\"" + span +
               "\",\"status\":" + QByteArray::number(status) + ",\"timestamp\":\"" +
               QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1() +
               "\",\"trace_id\":\"" + trace + "\"}";
        LogLineFields line;
        line.timeMs = timeMs;
        line.level = level;
        line.service = service;
        line.durationMs = duration;
        line.status = status;
        line.traceId = trace;
        line.message = message;
        line.extraText = span;
        line.raw = raw;
        store.append(line);
    }
}

} // namespace paydesk::console
