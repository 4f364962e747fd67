#pragma once
// Light and dark themes: a QPalette on the Fusion style plus a small stylesheet, remembered in
// QSettings ("ui/theme"). Views read status colours from here instead of hard-coding them.

#include <QColor>
#include <QString>

class QApplication;

namespace paydesk::console {

enum class Theme { Light, Dark };

struct ThemeColors
{
    QColor healthy, degraded, unhealthy, unknown;
    QColor tile, tileBorder, tileFocus, text, mutedText, sparkline;
};

void applyTheme(Theme theme);
Theme currentTheme();
Theme savedTheme(); // Light when nothing is saved
void saveTheme(Theme theme);
const ThemeColors &themeColors();
// healthy | degraded | unhealthy | unreachable | unknown → colour
QColor stateColor(const QString &state);

} // namespace paydesk::console
