// SPDX-License-Identifier: MIT
#pragma once

#include <QTcpServer>

class QSocketNotifier;
class QTimer;

// Accepts connections and hands each raw descriptor on, nothing else: the socket object must be
// created in the thread that will own it, which is not this one. It accepts by itself (a
// QSocketNotifier on the listening descriptor) rather than through QTcpServer, because at the
// descriptor limit QTcpServer leaves the waiting connection in the kernel's queue and is woken
// again at once, for ever: a busy loop that serves nobody. Here, out of descriptors, it turns the
// waiting connections away with a reason (through a descriptor kept in reserve for that), logs
// once, pauses, and resumes by itself when descriptors are free again.
class ConnectionListener : public QTcpServer {
    Q_OBJECT
public:
    static constexpr int RetryMs = 250;
    // Descriptors kept free below the limit: a new thread's event dispatcher, SQLite's files and
    // the like need one now and then, and Qt aborts when a thread cannot get its own.
    static constexpr int Margin = 16;

    // `tls`: connections on this listener speak TLS from the first byte.
    explicit ConnectionListener(bool tls, QObject *parent = nullptr);
    ~ConnectionListener() override;

    // After listen(): take over accepting.
    void startAccepting();

Q_SIGNALS:
    void descriptorAccepted(qintptr descriptor, bool tls);

private:
    void acceptAll();
    // Out of descriptors (or close to it): `accepted` (if any) and whatever else waits are told
    // why and closed; accepting pauses for a moment.
    void turnAway(int accepted = -1);

    const bool m_tls;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_retry = nullptr;
    int m_reserve = -1;       // a descriptor held for turning connections away at the limit
    int m_limit = 0;          // the descriptor limit; accepted descriptors stay Margin below it
    bool m_exhausted = false; // in an episode of descriptor exhaustion
    qint64 m_turnedAway = 0;  // in the current episode
};
