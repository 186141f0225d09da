// CrossThread, the one way Confab's threads hand work to each other and end.

#include "system/crossthread.h"

#include <QFile>
#include <QTest>
#include <atomic>
#include <unistd.h>

namespace {
// Thread-exit work that outlasts QThread::wait(), as a library's per-thread cleanup does.
std::atomic<bool> g_exitWorkDone{false};
struct SlowThreadExit {
    ~SlowThreadExit()
    {
        ::usleep(100 * 1000);
        g_exitWorkDone = true;
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
    QThread thread;
    CrossThread::track(&thread);
    QObject target;
    target.moveToThread(&thread);
    thread.start();
    QThread *ranIn = nullptr;
    CrossThread::call(&target, [&] { ranIn = QThread::currentThread(); });
    QCOMPARE(ranIn, &thread);
    CrossThread::call(&target, [&target] { target.moveToThread(QCoreApplication::instance()->thread()); });
    CrossThread::stop(&thread);
    QVERIFY(thread.isFinished());
}

void TestCrossThread::postKeepsOrder()
{
    QThread thread;
    CrossThread::track(&thread);
    QObject target;
    target.moveToThread(&thread);
    thread.start();
    QList<int> seen; // written only in `thread`, read after call() returned
    for (int i = 0; i < 1000; ++i)
        CrossThread::post(&target, [&seen, i] { seen.append(i); });
    CrossThread::call(&target, [&target] { target.moveToThread(QCoreApplication::instance()->thread()); });
    CrossThread::stop(&thread);
    QCOMPARE(seen.size(), 1000);
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(seen.at(i), i);
}

void TestCrossThread::stopWaitsForTheOsThreadToEnd()
{
    QThread thread;
    CrossThread::track(&thread);
    QObject target;
    target.moveToThread(&thread);
    thread.start();
    int tid = 0;
    CrossThread::call(&target, [&tid] {
        static thread_local SlowThreadExit slow;
        (void)&slow;
        tid = int(::gettid());
    });
    CrossThread::call(&target, [&target] { target.moveToThread(QCoreApplication::instance()->thread()); });
    const QString entry = QStringLiteral("/proc/self/task/%1").arg(tid);
    QVERIFY(QFile::exists(entry));
    CrossThread::stop(&thread);
    // QThread::wait() alone returns 100 ms before this work is done.
    QVERIFY(g_exitWorkDone);
    QVERIFY(!QFile::exists(entry));
}

QTEST_GUILESS_MAIN(TestCrossThread)
#include "tst_crossthread.moc"
