// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>
#include <atomic>

// How many history events the hub has handed to the store that the store has not yet written
// (or dropped). The hub never waits for the store: beyond `limit` it drops new events instead,
// and chat goes on. Shared by the two threads; an atomic, no lock.
class HistoryBacklog {
public:
    explicit HistoryBacklog(qint64 limit)
        : m_limit(limit)
    {
    }
    // In the hub's thread: room for n more? If so they are counted as handed over.
    bool tryAdd(qint64 n)
    {
        if (m_pending.load(std::memory_order_relaxed) + n > m_limit)
            return false;
        m_pending.fetch_add(n, std::memory_order_relaxed);
        return true;
    }
    // In the store's thread: n events are written or dropped.
    void done(qint64 n) { m_pending.fetch_sub(n, std::memory_order_relaxed); }
    qint64 pending() const { return m_pending.load(std::memory_order_relaxed); }
    qint64 limit() const { return m_limit; }

private:
    const qint64 m_limit;
    std::atomic<qint64> m_pending {0};
};
