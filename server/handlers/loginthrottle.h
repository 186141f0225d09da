// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>

// Failed logins, limited per key (an address, an account): FreeFailures within a minute, then a
// lockout of a minute that doubles with each further lockout (up to an hour), so that guessing a
// password from one address, or at one account from many, goes nowhere. Lives in the hub's thread.
class LoginThrottle {
public:
    static constexpr int FreeFailures = 5;
    static constexpr qint64 WindowMs = 60'000;
    static constexpr qint64 MaxLockoutMs = 3'600'000;

    // Milliseconds before `key` may try again; 0: now.
    qint64 waitMs(const QByteArray &key, qint64 nowMs) const;
    void failed(const QByteArray &key, qint64 nowMs);
    void succeeded(const QByteArray &key) { m_entries.remove(key); }

private:
    struct Entry {
        int failures = 0;
        qint64 windowStartMs = 0;
        qint64 blockedUntilMs = 0;
        int lockouts = 0;
    };
    void prune(qint64 nowMs);

    QHash<QByteArray, Entry> m_entries;
};
