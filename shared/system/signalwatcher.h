#pragma once

#include <QObject>

class QSocketNotifier;

// Turns Unix signals (SIGINT, SIGTERM, SIGWINCH, ...) into a Qt signal in the main thread (the
// self-pipe trick): a signal handler may only write a byte, the event loop does the rest.
// One instance per process.
class SignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(const QList<int> &signals, QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void received(int signal);

private:
    static void handler(int signal);
    static int s_fds[2];
    QSocketNotifier *m_notifier = nullptr;
};
