#pragma once
// Column sizing and labels shared by the console's tables.

#include <QString>

class QTableView;

namespace paydesk::console {

// Sizes every column to its contents but never wider than `maxWidth` pixels (ids, hashes and
// actors would otherwise push the last columns out of a 1280×800 window); long cells are elided
// in the middle and keep their full text in the tooltip (set by the caller). The last column
// takes exactly the width that is left, so the table never scrolls sideways.
void fitColumns(QTableView *view, int maxWidth = 220);

// "admin:7c975200-3cc9-…" → "admin 7c975200": who did it, readable in a narrow column.
QString shortActor(const QString &actor);

} // namespace paydesk::console
