#pragma once
// One tile of the health dashboard, painted with QPainter: name, state colour bar, ready, req/s,
// p95, 5xx rate and a sparkline of req/s. setRow() repaints only when something visible changed.

#include "health/HealthModel.h"

#include <QWidget>

namespace paydesk::console {

class HealthTile : public QWidget
{
    Q_OBJECT
public:
    explicit HealthTile(QWidget *parent = nullptr);
    void setRow(const HealthRow &row);
    const QString &name() const { return m_row.name; }
    QSize sizeHint() const override { return {230, 112}; }
    QSize minimumSizeHint() const override { return {190, 112}; }
    int paintCount() const { return m_paints; }

Q_SIGNALS:
    void activated(const QString &name); // double-click or Enter
    void moveRequested(QPoint step);     // arrow keys: (columns, rows)

protected:
    void paintEvent(QPaintEvent *) override;
    void mouseDoubleClickEvent(QMouseEvent *) override;
    void mousePressEvent(QMouseEvent *) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *) override { update(); }
    void focusOutEvent(QFocusEvent *) override { update(); }

private:
    HealthRow m_row;
    int m_paints = 0;
};

} // namespace paydesk::console
