// One key number: label, big value, caption and its trend line.
import QtQuick

Rectangle {
    id: card
    property real u: 1
    property string label
    property string value
    property string caption
    property color accent: "#4aa3ff"
    property var trend: []
    property bool trendFromZero: true

    color: "#141b23"
    radius: 12 * u
    border { color: "#243040"; width: 2 * u }

    Rectangle {
        anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 2 * card.u }
        width: 10 * card.u
        radius: 4 * card.u
        color: card.accent
    }
    Text {
        id: labelText
        anchors { left: parent.left; top: parent.top; leftMargin: 32 * card.u; topMargin: 20 * card.u }
        text: card.label
        color: "#aab6c3"
        font { pixelSize: 30 * card.u; bold: true; letterSpacing: 2 * card.u }
    }
    Text {
        id: valueText
        anchors {
            left: labelText.left; right: parent.right; top: labelText.bottom
            topMargin: 4 * card.u; rightMargin: 20 * card.u
        }
        height: 140 * card.u
        text: card.value
        color: "#ffffff"
        // Long values ("1.5 s", "100.0%") shrink to the card instead of running over its edge.
        fontSizeMode: Text.Fit
        minimumPixelSize: 40 * card.u
        verticalAlignment: Text.AlignVCenter
        font { pixelSize: 120 * card.u; bold: true }
    }
    Text {
        anchors { left: labelText.left; top: valueText.bottom; topMargin: 0 }
        text: card.caption
        color: "#7d8a98"
        font.pixelSize: 22 * card.u
    }
    TrendLine {
        anchors {
            left: parent.left; right: parent.right; bottom: parent.bottom
            leftMargin: 32 * card.u; rightMargin: 24 * card.u; bottomMargin: 18 * card.u
        }
        height: 70 * card.u
        values: card.trend
        fromZero: card.trendFromZero
        lineColor: card.accent
        lineWidth: 4 * card.u
    }
}
