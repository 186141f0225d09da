#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <future>
#include <mutex>
#include <utility>

// The one way Confab calls into another thread: a queued call (post) or a blocking one (call)
// on an object living there. Qt's event queue is what orders the two threads; in a
// ThreadSanitizer build this also makes that ordering visible to TSan, which cannot see the
// futexes Debian's (uninstrumented) Qt synchronises with. A striped std::mutex is held around
// the post and taken again before the call runs: a real lock, so TSan learns that everything
// the poster wrote (including the call's own arguments, moved into Qt's event) happens before
// the call. Outside TSan builds there is no lock and no cost.
namespace CrossThread {

#if defined(__SANITIZE_THREAD__)
inline std::mutex &stripe(const void *key)
{
    static std::mutex stripes[64];
    return stripes[(reinterpret_cast<quintptr>(key) >> 4) % 64];
}
#define CONFAB_CROSS_THREAD_LOCK(key) const std::lock_guard<std::mutex> confabCrossThreadLock(CrossThread::stripe(key))
#define CONFAB_CROSS_THREAD_SYNC(key) CrossThread::stripe(key).lock(), CrossThread::stripe(key).unlock()
#else
#define CONFAB_CROSS_THREAD_LOCK(key) (void)(key)
#define CONFAB_CROSS_THREAD_SYNC(key) (void)(key)
#endif

// Runs fn() in target's thread, later.
template <typename Fn>
void post(QObject *target, Fn &&fn)
{
    QThread *thread = target->thread();
    CONFAB_CROSS_THREAD_LOCK(thread);
    QMetaObject::invokeMethod(
        target,
        [fn = std::forward<Fn>(fn)]() mutable {
            // The key is this thread, not a capture: reading a capture before the lock would
            // itself be unordered.
            CONFAB_CROSS_THREAD_SYNC(QThread::currentThread());
            fn();
        },
        Qt::QueuedConnection);
}

// Runs fn() in target's thread and waits for it. Only for callers that the target's thread
// never waits on (no deadlock): the main thread calling into the hub or a worker thread. The
// wait is a std::promise rather than Qt's blocking connection, so the hand-back is as visible to
// TSan as the hand-over.
template <typename Fn>
void call(QObject *target, Fn &&fn)
{
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    post(target, [&fn, &done] {
        fn();
        done.set_value();
    });
    finished.wait();
}

// For a thread that will be stopped: track() it before it starts; stop() it instead of quit() and
// wait(). QThread::wait() returns when the thread's event loop is over, but its threads are
// detached and the OS thread still runs thread-exit code after that: destructors of
// thread-locals and of libraries' per-thread state (OpenSSL's, for a thread that held TLS
// sockets). A process that exits meanwhile runs the libraries' exit cleanup concurrently with
// that code (OpenSSL documents that its atexit cleanup assumes every thread has ended). So
// stop() also waits until the OS thread is gone. And everything the thread did happens before
// what the caller does next (deleting what the thread used), visibly for TSan too.
void track(QThread *thread);
void stop(QThread *thread);

} // namespace CrossThread
