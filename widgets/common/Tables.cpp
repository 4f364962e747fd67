#include "common/Tables.h"

#include <QHeaderView>
#include <QTableView>

namespace paydesk::console {

void fitColumns(QTableView *view, int maxWidth)
{
    QHeaderView *header = view->horizontalHeader();
    view->setTextElideMode(Qt::ElideMiddle);
    view->setWordWrap(false); // one line per row: elided, not wrapped
    view->resizeColumnsToContents();
    const int last = header->count() - 1;
    for (int c = 0; c < last; ++c)
        if (header->sectionSize(c) > maxWidth)
            header->resizeSection(c, maxWidth);
    // The last column takes exactly what is left (elided), so the table never scrolls sideways.
    if (last >= 0)
        header->setSectionResizeMode(last, QHeaderView::Stretch);
}

QString shortActor(const QString &actor)
{
    const qsizetype colon = actor.indexOf(u':');
    if (colon < 0)
        return actor;
    return actor.left(colon) + u' ' + actor.mid(colon + 1).left(8);
}

} // namespace paydesk::console
