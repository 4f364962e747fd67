#pragma once
// A custom-painted waterfall of one trace: a row per span (indented by depth, a coloured dot per
// service), a bar on a shared time axis (colour per service, errors red), the duration beside it.
// Put it in a QScrollArea: its height grows with the number of spans.

#include "traces/TraceTree.h"

#include <QWidget>

namespace paydesk::console {

class WaterfallWidget : public QWidget
{
    Q_OBJECT
public:
    explicit WaterfallWidget(QWidget *parent = nullptr);

    void setTrace(Trace trace);
    const Trace &trace() const { return m_trace; }
    int selectedRow() const { return m_selected; }
    void selectRow(int row);
    // The colour a service gets everywhere in the console (stable across runs).
    static QColor serviceColor(const QString &service);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void spanSelected(int spanIndex); // index into trace().spans; -1 = none

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    int rowHeight() const;
    int labelWidth() const;
    QRectF barRect(int row) const;

    Trace m_trace;
    int m_selected = -1;
};

} // namespace paydesk::console
