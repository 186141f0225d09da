// SPDX-License-Identifier: MIT
#include "crossthread.h"

#include <QByteArray>
#include <QDebug>
#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <unistd.h>

namespace {
// The OS thread id of each tracked QThread, recorded by the thread itself as it starts.
QMutex s_tidsLock;
QHash<const QThread *, int> s_tids; // guarded by s_tidsLock

// Linux: a thread's /proc/self/task entry goes away once it has exited for good.
void waitUntilGone(int tid)
{
    if (tid <= 0)
        return;
    const QByteArray entry = "/proc/self/task/" + QByteArray::number(tid);
    QElapsedTimer waited;
    waited.start();
    for (int spins = 0; ::access(entry.constData(), F_OK) == 0; ++spins) {
        // Normally a few microseconds; a descheduled thread may take longer.
        if (waited.elapsed() > 5000) {
            qWarning("thread %d has not exited 5 s after its event loop ended; going on", tid);
            return;
        }
        if (spins < 100)
            QThread::yieldCurrentThread();
        else
            QThread::usleep(100);
    }
}
} // namespace

#if defined(__SANITIZE_THREAD__)
std::mutex &CrossThread::Tsan::lock()
{
    static std::mutex lock;
    return lock;
}

bool &CrossThread::Tsan::holding()
{
    thread_local bool holding = false;
    return holding;
}
#endif

void CrossThread::track(QThread *thread)
{
    QObject::connect(
        thread, &QThread::started, thread,
        [thread] {
            const QMutexLocker lock(&s_tidsLock);
            s_tids.insert(thread, int(::gettid()));
        },
        Qt::DirectConnection);
#if defined(__SANITIZE_THREAD__)
    QObject::connect(
        thread, &QThread::finished, thread, [] { Tsan::sync(); }, Qt::DirectConnection);
#endif
}

void CrossThread::stop(QThread *thread)
{
    thread->quit();
    thread->wait();
#if defined(__SANITIZE_THREAD__)
    Tsan::sync();
#endif
    int tid = 0;
    {
        const QMutexLocker lock(&s_tidsLock);
        tid = s_tids.take(thread);
    }
    waitUntilGone(tid);
}
