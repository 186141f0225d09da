// SPDX-License-Identifier: MIT
// SignalWatcher: Unix signals as Qt signals, with several watchers alive at once.

#include "system/signalwatcher.h"

#include <QSignalSpy>
#include <QTest>
#include <csignal>

class TestSignalWatcher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void severalWatchersEachHearTheirOwn()
    {
        auto first = std::make_unique<SignalWatcher>(QList<int> {SIGUSR1});
        SignalWatcher second({SIGUSR1, SIGUSR2});
        QSignalSpy heardFirst(first.get(), &SignalWatcher::received);
        QSignalSpy heardSecond(&second, &SignalWatcher::received);
        ::raise(SIGUSR1);
        QTRY_COMPARE(heardFirst.size(), 1);
        QTRY_COMPARE(heardSecond.size(), 1);
        QCOMPARE(heardFirst.first().first().toInt(), SIGUSR1);
        ::raise(SIGUSR2);
        QTRY_COMPARE(heardSecond.size(), 2);
        QCOMPARE(heardSecond.last().first().toInt(), SIGUSR2);
        QCOMPARE(heardFirst.size(), 1); // it did not ask for SIGUSR2
        // One going away leaves the other working.
        first.reset();
        ::raise(SIGUSR1);
        QTRY_COMPARE(heardSecond.size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestSignalWatcher)
#include "tst_signalwatcher.moc"
