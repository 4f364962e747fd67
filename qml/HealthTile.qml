// One service (or PostgreSQL / Redis): name, state colour, req/s and p95.
import QtQuick

Rectangle {
    id: tile
    property real u: 1
    property string name
    property string healthState
    property real reqPerSecond: -1
    property real p95Ms: -1
    property color stateColor: "#6b7785"

    color: Qt.rgba(stateColor.r, stateColor.g, stateColor.b, 0.16)
    radius: 10 * u
    border { color: stateColor; width: 3 * u }

    Rectangle {
        id: dot
        anchors { left: parent.left; top: parent.top; leftMargin: 18 * tile.u; topMargin: 18 * tile.u }
        width: 22 * tile.u; height: width; radius: width / 2
        color: tile.stateColor
    }
    Text {
        anchors { left: dot.right; right: parent.right; verticalCenter: dot.verticalCenter
                  leftMargin: 12 * tile.u; rightMargin: 12 * tile.u }
        // "-service" says nothing on a wall of services; the rest fits a tile at a distance.
        text: tile.name.replace(/-service$/, "")
        color: "#f2f5f8"
        elide: Text.ElideRight
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: 20 * tile.u
        font { pixelSize: 30 * tile.u; bold: true }
    }
    // State, then req/s and p95, in one row so a long state never runs into the numbers.
    Row {
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom
                  leftMargin: 18 * tile.u; rightMargin: 12 * tile.u; bottomMargin: 14 * tile.u }
        spacing: 16 * tile.u
        clip: true
        Text {
            id: stateText
            text: tile.healthState.toUpperCase()
            color: tile.stateColor
            font { pixelSize: 24 * tile.u; bold: true }
        }
        Text {
            color: "#c9d3dd"
            font.pixelSize: 22 * tile.u
            anchors.baseline: stateText.baseline
            visible: tile.healthState !== "unreachable" // no numbers from a service that did not answer
            text: (tile.reqPerSecond >= 0 ? tile.reqPerSecond.toFixed(tile.reqPerSecond < 10 ? 1 : 0) : "–")
                  + " req/s  " + (tile.p95Ms >= 0 ? Math.round(tile.p95Ms) + " ms" : "– ms")
        }
    }
}
