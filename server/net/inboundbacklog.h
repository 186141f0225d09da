// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>
#include <atomic>
#include <memory>

// The bytes of one connection's lines that its worker has handed the hub and the hub has not yet
// handled: the hub's share of the receive queue. Shared by the two threads; the worker stops
// reading its socket while it is at the limit (TCP then holds the sender back), and the hub,
// whose handling brings it back under, asks the worker to read again. Without it a client that
// flood control does not hold back could grow the hub's event queue without bound.
class InboundBacklog {
public:
    // In the worker's thread: true when the backlog is now at or over `limit` (stop reading).
    bool add(qint64 bytes, qint64 limit)
    {
        return m_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes >= limit;
    }
    // In the hub's thread: true when this brought the backlog under `limit` from at or over it,
    // which happens exactly once after each add() that returned true.
    bool consume(qint64 bytes, qint64 limit)
    {
        const qint64 before = m_bytes.fetch_sub(bytes, std::memory_order_relaxed);
        return before >= limit && before - bytes < limit;
    }
    qint64 bytes() const { return m_bytes.load(std::memory_order_relaxed); }

private:
    std::atomic<qint64> m_bytes {0};
};

using InboundBacklogPtr = std::shared_ptr<InboundBacklog>;
