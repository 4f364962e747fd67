// The operations-room wallboard: readable from across a room, no interaction needed.
// Data: context property `wallboard` (WallboardModel, refreshed every 2 s).
// F11 toggles full screen, Esc leaves it.
import QtQuick

Rectangle {
    id: root
    width: 1920
    height: 1080
    color: "#0b0f14"
    focus: true

    // One unit scales the whole board with the screen (designed for 1920 × 1080).
    readonly property real u: Math.max(0.4, Math.min(width / 1920, height / 1080))

    function stateColor(state) {
        switch (state) {
        case "healthy": return "#2ecc71"
        case "degraded": return "#f5c518"
        case "unhealthy":
        case "unreachable": return "#ff4d4d"
        default: return "#6b7785"
        }
    }

    Keys.onPressed: (event) => {
        const w = root.Window.window
        if (!w)
            return
        if (event.key === Qt.Key_F11) {
            w.visibility = w.visibility === Window.FullScreen ? Window.Windowed : Window.FullScreen
            event.accepted = true
        } else if (event.key === Qt.Key_Escape && w.visibility === Window.FullScreen) {
            w.visibility = Window.Windowed
            event.accepted = true
        }
    }

    // Header: title, services healthy, status line, clock.
    Item {
        id: header
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 * root.u }
        height: 72 * root.u
        Text {
            anchors { left: parent.left; verticalCenter: parent.verticalCenter }
            text: "PAYDESK  OPERATIONS"
            color: "#e8edf2"
            font { pixelSize: 44 * root.u; bold: true; letterSpacing: 4 * root.u }
        }
        Text {
            id: clock
            anchors { right: parent.right; verticalCenter: parent.verticalCenter }
            color: "#e8edf2"
            font { pixelSize: 48 * root.u; bold: true; family: "monospace" }
            text: Qt.formatTime(new Date(), "HH:mm:ss")
            Timer {
                interval: 1000; running: true; repeat: true
                onTriggered: clock.text = Qt.formatTime(new Date(), "HH:mm:ss")
            }
        }
        Text {
            anchors { right: clock.left; rightMargin: 40 * root.u; verticalCenter: parent.verticalCenter }
            color: wallboard.healthKnown ? (wallboard.healthyCount === healthGrid.count ? "#2ecc71" : "#f5c518")
                                         : "#8a96a3"
            font { pixelSize: 30 * root.u; bold: true }
            text: wallboard.healthKnown ? wallboard.healthyCount + " / " + healthGrid.count + " healthy"
                                        : "health unknown"
        }
    }

    // Key payment numbers of the last 15 minutes.
    Row {
        id: kpis
        anchors { left: parent.left; right: parent.right; top: header.bottom; margins: 24 * root.u }
        spacing: 24 * root.u
        height: 360 * root.u
        readonly property real cardWidth: (width - 3 * spacing) / 4

        KpiCard {
            width: kpis.cardWidth; height: kpis.height; u: root.u
            label: "PAYMENTS / MIN"
            value: wallboard.paymentsKnown ? Math.round(wallboard.paymentsPerMinute).toString() : "—"
            caption: "last full minute"
            accent: "#4aa3ff"
            trend: wallboard.paymentsTrend
        }
        KpiCard {
            width: kpis.cardWidth; height: kpis.height; u: root.u
            label: "SUCCESS RATE"
            value: wallboard.paymentsKnown && wallboard.successRate >= 0
                   ? (wallboard.successRate * 100).toFixed(1) + "%" : "—"
            caption: "15 min"
            accent: !wallboard.paymentsKnown || wallboard.successRate < 0 ? "#8a96a3"
                    : wallboard.successRate >= 0.95 ? "#2ecc71"
                    : wallboard.successRate >= 0.85 ? "#f5c518" : "#ff4d4d"
            trend: wallboard.successTrend
            trendFromZero: false
        }
        KpiCard {
            width: kpis.cardWidth; height: kpis.height; u: root.u
            label: "P95 LATENCY"
            value: wallboard.paymentsKnown && wallboard.p95Ms >= 0
                   ? (wallboard.p95Ms >= 1000 ? (wallboard.p95Ms / 1000).toFixed(1) + " s"
                                              : Math.round(wallboard.p95Ms) + " ms") : "—"
            caption: "created → outcome, 15 min"
            accent: "#b48cff"
            trend: wallboard.p95Trend
        }
        KpiCard {
            width: kpis.cardWidth; height: kpis.height; u: root.u
            label: "FAILED"
            value: wallboard.paymentsKnown ? wallboard.failed.toString() : "—"
            caption: "last 15 min"
            accent: wallboard.failed > 0 ? "#ff4d4d" : "#2ecc71"
            trend: wallboard.failedTrend
        }
    }

    // Health grid: every service, PostgreSQL and Redis.
    GridView {
        id: healthGrid
        anchors {
            left: parent.left; right: parent.right; top: kpis.bottom; bottom: footer.top
            leftMargin: 24 * root.u; rightMargin: 24 * root.u; topMargin: 28 * root.u; bottomMargin: 8 * root.u
        }
        interactive: false
        model: wallboard.tiles
        readonly property int columns: 5
        readonly property int rows: Math.max(1, Math.ceil(count / columns))
        cellWidth: width / columns
        cellHeight: height / rows
        delegate: HealthTile {
            width: healthGrid.cellWidth - 16 * root.u
            height: healthGrid.cellHeight - 16 * root.u
            u: root.u
            name: model.name
            healthState: model.state
            reqPerSecond: model.reqPerSecond
            p95Ms: model.p95Ms
            stateColor: root.stateColor(model.state)
        }
    }

    Text {
        id: footer
        anchors { left: parent.left; bottom: parent.bottom; margins: 16 * root.u; leftMargin: 24 * root.u }
        color: "#8a96a3"
        font.pixelSize: 20 * root.u
        text: wallboard.statusText + "   ·   F11 full screen"
    }
}
