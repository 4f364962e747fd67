#pragma once
// Waiting on a QFuture safely in Qt 6.4. QFuture::then(context, …) asserts in debug builds (and
// drops the continuation in release builds) when `context` is destroyed before the future
// finishes: a window closed while its calls are in flight, a service stopping while a health
// round is out, a local QEventLoop whose wait timed out. A QFutureWatcher owned by the context is
// disconnected by Qt itself when either side goes away, so these helpers use one instead.
// Header-only: the console's api layer uses it without linking the platform library.

#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

namespace paydesk::platform {

// Runs handler(result) on `context`'s thread when `future` finishes, never after `context` is
// gone. A future that finishes without a result (cancelled: its producer went away) is ignored.
// Call from `context`'s thread.
template <typename T, typename Handler>
void whenFinished(QObject *context, const QFuture<T> &future, Handler handler)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, handler = std::move(handler)]() mutable {
                         watcher->deleteLater();
                         if (watcher->future().resultCount() == 0)
                             return;
                         handler(watcher->future().result());
                     });
    watcher->setFuture(future);
}

// Spins a local event loop until `future` finished or `timeoutMs` passed (for futures completed
// by this thread's event loop, e.g. network replies). True when it finished.
template <typename T> bool waitInEventLoop(const QFuture<T> &future, int timeoutMs)
{
    if (future.isFinished())
        return true;
    QEventLoop loop;
    QFutureWatcher<T> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(future);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!future.isFinished())
        loop.exec();
    return future.isFinished();
}

} // namespace paydesk::platform
