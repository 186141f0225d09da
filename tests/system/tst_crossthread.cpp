// SPDX-License-Identifier: MIT
// CrossThread, the one way Confab's threads hand work to each other and end.

#include "system/crossthread.h"

#include <QFile>
#include <QTest>
#include <atomic>
#include <unistd.h>

namespace {
// Thread-exit work that outlasts QThread::wait(), as a library's per-thread cleanup does.
std::atomic<bool> g_exitWorkDone {false};
struct SlowThreadExit {
    ~SlowThreadExit()
    {
        ::usleep(100 * 1000);
        g_exitWorkDone = true;
    }
};
// A running thread with an object living in it, as the server's hub and worker hosts are.
struct Worker {
    QThread thread;
    QObject target;
    Worker()
    {
        CrossThread::track(&thread);
        target.moveToThread(&thread);
        thread.start();
    }
    ~Worker() { stop(); }
    // Brings the object back to this thread (it is deleted here) and ends the thread.
    void stop()
    {
        if (!thread.isRunning())
            return;
        CrossThread::call(&target, [this] { target.moveToThread(QCoreApplication::instance()->thread()); });
        CrossThread::stop(&thread);
    }
};
} // namespace

class TestCrossThread : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void callRunsInTheTargetThread();
    void postKeepsOrder();
    void stopWaitsForTheOsThreadToEnd();
};

void TestCrossThread::callRunsInTheTargetThread()
{
    Worker worker;
    QThread *ranIn = nullptr;
    CrossThread::call(&worker.target, [&] { ranIn = QThread::currentThread(); });
    QCOMPARE(ranIn, &worker.thread);
    worker.stop();
    QVERIFY(worker.thread.isFinished());
}

void TestCrossThread::postKeepsOrder()
{
    Worker worker;
    QList<int> seen; // written only in the worker's thread, read once it has stopped
    for (int i = 0; i < 1000; ++i)
        CrossThread::post(&worker.target, [&seen, i] { seen.append(i); });
    worker.stop();
    QCOMPARE(seen.size(), 1000);
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(seen.at(i), i);
}

void TestCrossThread::stopWaitsForTheOsThreadToEnd()
{
    Worker worker;
    int tid = 0;
    CrossThread::call(&worker.target, [&tid] {
        static thread_local SlowThreadExit slow;
        (void)&slow;
        tid = int(::gettid());
    });
    const QString entry = QStringLiteral("/proc/self/task/%1").arg(tid);
    QVERIFY(QFile::exists(entry));
    worker.stop();
    // QThread::wait() alone returns 100 ms before this work is done.
    QVERIFY(g_exitWorkDone);
    QVERIFY(!QFile::exists(entry));
}

QTEST_GUILESS_MAIN(TestCrossThread)
#include "tst_crossthread.moc"
