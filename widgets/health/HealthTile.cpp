#include "health/HealthTile.h"

#include "common/Theme.h"

#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <tuple>

namespace paydesk::console {

namespace {
QString formatRate(double perSecond)
{
    return perSecond >= 100 ? QString::number(perSecond, 'f', 0) : QString::number(perSecond, 'f', 1);
}
} // namespace

HealthTile::HealthTile(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent); // the tile paints every pixel of its rectangle
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void HealthTile::setRow(const HealthRow &row)
{
    // Only what the tile shows: check details (timestamps, latencies) change every few seconds and
    // belong to the service page.
    const auto shown = [](const HealthRow &r) {
        return std::make_tuple(r.name, r.state, r.ready, qRound(r.requestsPerSecond * 10),
                               qRound(r.p95Ms * 10), qRound(r.errorRate * 1000), r.detail,
                               r.infrastructure ? qRound(r.latencyMs * 10) : 0);
    };
    // An all-zero history draws nothing (an idle service's sparkline is just the baseline).
    const auto spark = [](const HealthRow &r) {
        return std::all_of(r.rpsHistory.begin(), r.rpsHistory.end(), [](double v) { return v == 0; })
                   ? QList<double>()
                   : r.rpsHistory;
    };
    const bool visibleChange = shown(m_row) != shown(row) || spark(m_row) != spark(row);
    m_row = row;
    setAccessibleName(QStringLiteral("%1 %2").arg(row.name, row.state));
    setToolTip(row.detail);
    if (visibleChange)
        update();
}

void HealthTile::paintEvent(QPaintEvent *)
{
    ++m_paints;
    const ThemeColors &c = themeColors();
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().color(QPalette::Window));
    const QRectF box = QRectF(rect()).adjusted(3, 3, -3, -3);
    QPainterPath path;
    path.addRoundedRect(box, 8, 8);
    p.fillPath(path, c.tile);
    p.setPen(QPen(hasFocus() ? c.tileFocus : c.tileBorder, hasFocus() ? 2 : 1));
    p.drawPath(path);
    const QColor stateColour = stateColor(m_row.state);
    p.fillRect(QRectF(box.left() + 1, box.top() + 8, 4, box.height() - 16), stateColour);

    const qreal left = box.left() + 14;
    QFont title = font();
    title.setBold(true);
    title.setPointSizeF(font().pointSizeF() * 1.05);
    p.setFont(title);
    p.setPen(c.text);
    const QRectF titleRect(left, box.top() + 6, box.width() - 24, 20);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.9);
    const bool stopped = m_row.state == QStringLiteral("stopped");
    const QString badge = m_row.infrastructure ? (m_row.ready ? tr("up") : tr("down"))
                          : stopped            ? tr("stopped")
                                               : (m_row.ready ? m_row.state : tr("not ready"));
    const int badgeWidth = QFontMetrics(small).horizontalAdvance(badge);
    p.drawText(
        titleRect, Qt::AlignLeft | Qt::AlignVCenter,
        p.fontMetrics().elidedText(m_row.name, Qt::ElideRight, int(titleRect.width()) - badgeWidth - 8));
    p.setFont(small);
    p.setPen(stateColour);
    p.drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter, badge);

    p.setPen(c.mutedText);
    const QRectF figures(left, box.top() + 28, box.width() - 24, 18);
    if (m_row.infrastructure) {
        p.drawText(figures, Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(m_row.detail, Qt::ElideRight, int(figures.width())));
        p.drawText(figures.translated(0, 18), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("worst check %1 ms").arg(m_row.latencyMs, 0, 'f', 1));
        return;
    }
    if (stopped) {
        // No figures: a stopped service serves nothing; its page has the Start button.
        p.drawText(figures, Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(tr("stopped by an administrator"), Qt::ElideRight,
                                              int(figures.width())));
        return;
    }
    const QString p95 =
        m_row.p95Ms < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(m_row.p95Ms, 0, 'f', 1);
    p.drawText(figures, Qt::AlignLeft | Qt::AlignVCenter,
               tr("%1 req/s   p95 %2   5xx %3%")
                   .arg(formatRate(m_row.requestsPerSecond), p95)
                   .arg(m_row.errorRate * 100, 0, 'f', 1));

    // Sparkline of req/s, scaled to its own maximum (at least 1 req/s so idle stays flat at the bottom).
    const QRectF spark(left, box.top() + 52, box.width() - 24, box.height() - 60);
    const QList<double> &h = m_row.rpsHistory;
    const bool idle = std::all_of(h.begin(), h.end(), [](double v) { return v == 0; });
    if (h.size() >= 2 && !idle) {
        const double maxValue = qMax(1.0, *std::max_element(h.begin(), h.end()));
        const qreal step = spark.width() / (HealthModel::kHistoryLength - 1);
        const qreal x0 = spark.right() - step * (h.size() - 1);
        QPolygonF line;
        line.reserve(h.size());
        for (qsizetype i = 0; i < h.size(); ++i)
            line.append({x0 + step * i, spark.bottom() - spark.height() * (h[i] / maxValue)});
        QPolygonF area = line;
        area.append({line.last().x(), spark.bottom()});
        area.append({line.first().x(), spark.bottom()});
        QColor fill = c.sparkline;
        fill.setAlpha(40);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawPolygon(area);
        p.setPen(QPen(c.sparkline, 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawPolyline(line);
    }
    p.setPen(QPen(c.tileBorder, 1));
    p.drawLine(QPointF(spark.left(), spark.bottom()), QPointF(spark.right(), spark.bottom()));
}

void HealthTile::mousePressEvent(QMouseEvent *)
{
    setFocus(Qt::MouseFocusReason);
}

void HealthTile::mouseDoubleClickEvent(QMouseEvent *)
{
    emit activated(m_row.name);
}

void HealthTile::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space) {
        emit activated(m_row.name);
        return;
    }
    const QHash<int, QPoint> moves{
        {Qt::Key_Left, {-1, 0}}, {Qt::Key_Right, {1, 0}}, {Qt::Key_Up, {0, -1}}, {Qt::Key_Down, {0, 1}}};
    if (moves.contains(event->key())) {
        emit moveRequested(moves.value(event->key()));
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace paydesk::console
