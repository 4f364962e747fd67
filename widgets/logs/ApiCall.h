#pragma once
// Runs `handler` on `context`'s thread when a PlatformClient call finishes, and never after
// `context` is gone. A QFutureWatcher child is used instead of QFuture::then(context, …): in Qt 6.4
// a continuation may still run after its context object was destroyed, and a call cancelled
// because the client went away (no result) must be ignored, not read.

#include "api/PlatformClient.h"

#include <QFutureWatcher>

namespace paydesk::console {

template <typename Handler>
void onResult(QObject *context, const QFuture<api::ApiResult> &future, Handler handler)
{
    auto *watcher = new QFutureWatcher<api::ApiResult>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, handler = std::move(handler)]() mutable {
                         watcher->deleteLater();
                         if (watcher->future().resultCount() == 0)
                             return;
                         handler(watcher->future().result());
                     });
    watcher->setFuture(future);
}

} // namespace paydesk::console
