// A small trend line of `values` (Canvas: Qt 6.4's Debian packages have no QtQuick.Shapes).
import QtQuick

Canvas {
    id: canvas
    property var values: []
    property color lineColor: "#4aa3ff"
    property real lineWidth: 3
    // false: the line spans min..max (a success rate moving between 0.93 and 0.97 stays visible).
    property bool fromZero: true

    onValuesChanged: requestPaint()
    onWidthChanged: requestPaint()
    onHeightChanged: requestPaint()

    onPaint: {
        const ctx = getContext("2d")
        ctx.reset()
        const n = values ? values.length : 0
        // Baseline, so an empty or flat trend still reads as a chart.
        ctx.strokeStyle = "#2a3644"
        ctx.lineWidth = 1
        ctx.beginPath()
        ctx.moveTo(0, height - 1)
        ctx.lineTo(width, height - 1)
        ctx.stroke()
        if (n < 2)
            return
        let max = 0
        let min = fromZero ? 0 : values[0]
        for (let i = 0; i < n; ++i) {
            max = Math.max(max, values[i])
            min = Math.min(min, values[i])
        }
        const top = lineWidth
        const span = height - 2 * lineWidth
        const range = max - min
        const y = (v) => range > 0 ? top + span * (1 - (v - min) / range)
                                   : (max > 0 ? top + span / 2 : height - lineWidth)
        ctx.strokeStyle = lineColor
        ctx.lineWidth = lineWidth
        ctx.lineJoin = "round"
        ctx.beginPath()
        for (let i = 0; i < n; ++i) {
            const x = i * width / (n - 1)
            if (i === 0)
                ctx.moveTo(x, y(values[i]))
            else
                ctx.lineTo(x, y(values[i]))
        }
        ctx.stroke()
    }
}
