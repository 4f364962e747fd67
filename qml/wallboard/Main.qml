// The wallboard: the health dashboard for a wall screen, large and dark, from the same HealthModel
// the console's dashboard uses (context property `healthModel`, refreshed once a second by it).
import QtQuick

Rectangle {
    id: root
    color: "#17181b"
    readonly property int columns: width > 1600 ? 5 : 4

    function stateColor(state) {
        if (state === "healthy") return "#81c995"
        if (state === "degraded") return "#fdd663"
        if (state === "unhealthy" || state === "unreachable") return "#f28b82"
        return "#9aa0a6"
    }

    Text {
        id: title
        anchors { left: parent.left; top: parent.top; margins: 24 }
        text: "PayDesk"
        color: "#e8eaed"
        font { pixelSize: 34; bold: true }
    }
    Text {
        anchors { right: parent.right; verticalCenter: title.verticalCenter; rightMargin: 24 }
        text: Qt.formatTime(new Date(), "HH:mm:ss")
        color: "#9aa0a6"
        font.pixelSize: 22
        Timer { interval: 1000; running: true; repeat: true; onTriggered: parent.text = Qt.formatTime(new Date(), "HH:mm:ss") }
    }

    GridView {
        id: grid
        anchors { left: parent.left; right: parent.right; top: title.bottom; bottom: parent.bottom; margins: 18 }
        model: healthModel
        interactive: false
        cellWidth: Math.floor(width / root.columns)
        cellHeight: 128
        delegate: Item {
            width: grid.cellWidth
            height: grid.cellHeight
            Rectangle {
                anchors { fill: parent; margins: 6 }
                radius: 10
                color: "#24262a"
                border.color: model.ready ? "#3c4043" : root.stateColor(model.state)
                border.width: model.ready ? 1 : 3
                Rectangle {
                    anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 10 }
                    width: 6
                    radius: 3
                    color: root.stateColor(model.state)
                }
                Column {
                    anchors { left: parent.left; right: parent.right; top: parent.top; leftMargin: 28; rightMargin: 12; topMargin: 12 }
                    spacing: 6
                    Text {
                        width: parent.width
                        text: model.name
                        elide: Text.ElideRight
                        color: "#e8eaed"
                        font { pixelSize: 20; bold: true }
                    }
                    Text {
                        text: model.infrastructure ? (model.ready ? "up" : "DOWN") : model.state
                        color: root.stateColor(model.state)
                        font.pixelSize: 16
                    }
                    Text {
                        visible: !model.infrastructure
                        width: parent.width
                        elide: Text.ElideRight
                        text: model.reqPerS.toFixed(1) + " req/s   p95 "
                              + (model.p95Ms < 0 ? "–" : model.p95Ms.toFixed(1) + " ms")
                              + "   5xx " + (model.errorRate * 100).toFixed(1) + " %"
                        color: "#bdc1c6"
                        font.pixelSize: 16
                    }
                    Text {
                        visible: model.infrastructure
                        width: parent.width
                        elide: Text.ElideRight
                        text: model.detail
                        color: "#bdc1c6"
                        font.pixelSize: 16
                    }
                }
            }
        }
    }
}
