#include "traces/WaterfallWidget.h"

#include "api/ServiceMap.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace paydesk::console {

namespace {
constexpr int kHeaderHeight = 26;
constexpr int kIndent = 14;
constexpr int kDurationGap = 120; // room right of the axis for the longest bar's label

QString formatDuration(qint64 us)
{
    if (us < 1000)
        return QStringLiteral("%1 µs").arg(us);
    if (us < 1000000)
        return QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', us < 10000 ? 2 : 1);
    return QStringLiteral("%1 s").arg(double(us) / 1e6, 0, 'f', 2);
}

// 1, 2, 5 × 10^n µs: about `target` ticks over the span.
qint64 niceStep(qint64 totalUs, int target)
{
    const double raw = double(qMax<qint64>(totalUs, 1)) / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 5.0, 10.0})
        if (raw <= factor * magnitude)
            return qMax<qint64>(1, qint64(factor * magnitude));
    return qint64(10 * magnitude);
}
} // namespace

WaterfallWidget::WaterfallWidget(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

QColor WaterfallWidget::serviceColor(const QString &service)
{
    // The 18 known services get 18 distinct hues between orange and magenta (none red: red means
    // error), alternating in brightness; in the order of api::knownServices(), so a
    // service has the same colour in every run. Other names hash onto the same wheel.
    const QList<api::ServiceEndpoint> &known = api::knownServices();
    qsizetype index = -1;
    for (qsizetype i = 0; i < known.size(); ++i)
        if (known[i].name == service)
            index = i;
    if (index < 0) {
        quint32 hash = 2166136261u; // FNV-1a: stable across runs and builds (qHash is seeded)
        for (const QChar c : service) {
            hash ^= c.unicode();
            hash *= 16777619u;
        }
        index = qsizetype(hash % quint32(known.size()));
    }
    // Services that work together sit next to each other in the list: step 7 of 18 round the
    // wheel (coprime, so every slot is used once) puts neighbours far apart.
    const qsizetype slot = (index * 7) % known.size();
    const int hue = 30 + int(slot * 300 / known.size());
    return QColor::fromHsv(hue, 190, index % 2 ? 150 : 205);
}

void WaterfallWidget::setTrace(Trace trace)
{
    m_trace = std::move(trace);
    m_selected = -1;
    updateGeometry();
    resize(width(), sizeHint().height());
    update();
    Q_EMIT spanSelected(-1);
}

void WaterfallWidget::selectRow(int row)
{
    if (row < -1 || row >= m_trace.rows.size())
        return;
    m_selected = row;
    update();
    Q_EMIT spanSelected(row >= 0 ? m_trace.rows.at(row).span : -1);
}

int WaterfallWidget::rowHeight() const
{
    return fontMetrics().height() + 10;
}

int WaterfallWidget::labelWidth() const
{
    return qBound(260, width() * 2 / 5, 460);
}

QSize WaterfallWidget::sizeHint() const
{
    return QSize(900, kHeaderHeight + int(m_trace.rows.size()) * rowHeight() + 8);
}

QSize WaterfallWidget::minimumSizeHint() const
{
    return QSize(500, kHeaderHeight + int(m_trace.rows.size()) * rowHeight() + 8);
}

QRectF WaterfallWidget::barRect(int row) const
{
    const TraceSpan &span = m_trace.spans.at(m_trace.rows.at(row).span);
    const double left = labelWidth() + 8;
    const double axis = qMax(40.0, double(width()) - left - kDurationGap);
    const double total = double(qMax<qint64>(1, m_trace.endUs - m_trace.startUs));
    const double x = left + axis * double(span.startUs - m_trace.startUs) / total;
    const double w = qMax(2.0, axis * double(span.durationUs) / total);
    const int top = kHeaderHeight + row * rowHeight();
    return QRectF(x, top + 4, w, rowHeight() - 8);
}

void WaterfallWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const int rh = rowHeight();
    const int labels = labelWidth();
    if (m_trace.rows.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No trace loaded: search above or open a trace id"));
        return;
    }
    // Axis: ticks at round durations from the trace's start.
    const double left = labels + 8;
    const double axis = qMax(40.0, double(width()) - left - kDurationGap);
    const qint64 total = qMax<qint64>(1, m_trace.endUs - m_trace.startUs);
    const qint64 step = niceStep(total, qMax(2, int(axis / 110)));
    painter.fillRect(QRect(0, 0, width(), kHeaderHeight), pal.color(QPalette::AlternateBase));
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRect(8, 0, labels - 8, kHeaderHeight), Qt::AlignVCenter | Qt::AlignLeft,
                     tr("%n span(s) · %1", nullptr, int(m_trace.spans.size())).arg(formatDuration(total)));
    for (qint64 t = 0; t <= total; t += step) {
        const double x = left + axis * double(t) / double(total);
        painter.setPen(QColor(0xD0, 0xD0, 0xD0));
        painter.drawLine(QPointF(x, kHeaderHeight), QPointF(x, height()));
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRectF(x - 50, 0, 100, kHeaderHeight), Qt::AlignCenter, formatDuration(t));
    }
    for (int row = 0; row < m_trace.rows.size(); ++row) {
        const TraceRow &traceRow = m_trace.rows.at(row);
        const TraceSpan &span = m_trace.spans.at(traceRow.span);
        const int top = kHeaderHeight + row * rh;
        const QRect line(0, top, width(), rh);
        if (row == m_selected)
            painter.fillRect(line, pal.color(QPalette::Highlight).lighter(175));
        else if (row % 2)
            painter.fillRect(line, pal.color(QPalette::AlternateBase));
        const QColor color = serviceColor(span.service);
        // Label: indentation, service dot, service · operation (elided), orphan mark.
        const int x = 8 + traceRow.depth * kIndent;
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawEllipse(QRectF(x, top + rh / 2.0 - 4, 8, 8));
        QString text = span.service + QStringLiteral(" · ") + span.operation;
        if (traceRow.orphan)
            text.prepend(QStringLiteral("↳? "));
        painter.setPen(span.error ? QColor(0xB0, 0x1E, 0x1E) : pal.color(QPalette::Text));
        const QRect textRect(x + 14, top, labels - x - 18, rh);
        painter.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                         fontMetrics().elidedText(text, Qt::ElideMiddle, textRect.width()));
        // Bar: the service's colour; errors red with a dark edge.
        const QRectF bar = barRect(row);
        QPainterPath path;
        path.addRoundedRect(bar, 3, 3);
        painter.fillPath(path, span.error ? QColor(0xD3, 0x2F, 0x2F) : color);
        if (span.error || row == m_selected) {
            painter.setBrush(Qt::NoBrush); // the outline only: the fill above stays
            painter.setPen(QPen(span.error ? QColor(0x7F, 0x00, 0x00) : pal.color(QPalette::Highlight), 1.5));
            painter.drawPath(path);
        }
        const QString duration = formatDuration(span.durationUs) +
                                 (span.status ? QStringLiteral(" · %1").arg(span.status) : QString());
        painter.setPen(span.error ? QColor(0xB0, 0x1E, 0x1E) : pal.color(QPalette::Text));
        const int durationWidth = fontMetrics().horizontalAdvance(duration) + 6;
        // Beside the bar when it fits, else inside it (white on the bar's colour), never over the labels.
        if (bar.right() + durationWidth <= width()) {
            painter.drawText(QRectF(bar.right() + 4, top, durationWidth, rh),
                             Qt::AlignVCenter | Qt::AlignLeft, duration);
        } else {
            painter.setPen(Qt::white);
            painter.drawText(
                QRectF(qMax(bar.left(), bar.right() - durationWidth - 4), top, durationWidth, rh),
                Qt::AlignVCenter | Qt::AlignRight, duration);
        }
    }
    painter.setPen(QColor(0xC0, 0xC0, 0xC0));
    painter.drawLine(labels, 0, labels, height());
}

void WaterfallWidget::mousePressEvent(QMouseEvent *event)
{
    const int row = (int(event->position().y()) - kHeaderHeight) / rowHeight();
    if (event->position().y() >= kHeaderHeight && row < m_trace.rows.size())
        selectRow(row);
    setFocus();
}

void WaterfallWidget::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Down)
        selectRow(qMin(int(m_trace.rows.size()) - 1, m_selected + 1));
    else if (event->key() == Qt::Key_Up)
        selectRow(qMax(0, m_selected - 1));
    else
        QWidget::keyPressEvent(event);
}

} // namespace paydesk::console
