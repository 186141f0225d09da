// SPDX-License-Identifier: MIT
// The thread policy with one thread per connection: a connection's end never makes the accepting
// thread wait for its worker thread to finish.

#include "net/hostlink.h"
#include "net/threadpolicy.h"
#include "net/workerhost.h"

#include <QSemaphore>
#include <QTest>
#include <QThread>

class TestThreadPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void releaseDoesNotWaitForTheThread()
    {
        ThreadPolicy policy(0);
        WorkerHost *host = nullptr;
        connect(&policy, &ThreadPolicy::hostStarted, this, [&](HostLink *, WorkerHost *h) { host = h; });
        HostLink *link = policy.acquire();
        QVERIFY(host);
        QCOMPARE(policy.threadCount(), 1);
        // Keep the worker thread busy: stopping it now would take until it is let go.
        QSemaphore entered, gate;
        QMetaObject::invokeMethod(host, [&] {
            entered.release();
            gate.acquire();
        });
        entered.acquire();
        policy.release(link); // would block here, for ever, if it waited for the thread
        QCOMPARE(policy.threadCount(), 0);
        QCOMPARE(policy.activeConnections(), 0);
        QCOMPARE(policy.retiringCount(), 1);
        gate.release();
        QTRY_COMPARE(policy.retiringCount(), 0);
    }

    void shutdownWaitsForRetiringThreads()
    {
        auto policy = std::make_unique<ThreadPolicy>(0);
        QList<HostLink *> links;
        for (int i = 0; i < 5; ++i)
            links.append(policy->acquire());
        for (HostLink *link : links)
            policy->release(link);
        QCOMPARE(policy->threadCount(), 0);
        policy->shutdown(); // every thread is gone after this, reaped or not
        QCOMPARE(policy->retiringCount(), 0);
        policy.reset();
    }
};

QTEST_GUILESS_MAIN(TestThreadPolicy)
#include "tst_threadpolicy.moc"
