// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

// Turns Unix signals (SIGINT, SIGTERM, SIGWINCH, ...) into a Qt signal in the thread that owns
// it (the self-pipe trick): a signal handler may only write a byte, the event loop does the rest.
// Several may live at once: each has its own pipe and hears the signals it asked for.
class SignalWatcher : public QObject {
    Q_OBJECT
public:
    static constexpr int MaxWatchers = 16;

    explicit SignalWatcher(const QList<int> &signals, QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void received(int signal);

private:
    static void handler(int signal);
    int m_fds[2] = {-1, -1};
    int m_slot = -1; // its place in the handler's table of pipes
    QList<int> m_signals;
    QSocketNotifier *m_notifier = nullptr;
};
