// SPDX-License-Identifier: MIT
#include "loginthrottle.h"

qint64 LoginThrottle::waitMs(const QByteArray &key, qint64 nowMs) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.constEnd() ? 0 : std::max<qint64>(0, it->blockedUntilMs - nowMs);
}

void LoginThrottle::failed(const QByteArray &key, qint64 nowMs)
{
    if (m_entries.size() > 10'000)
        prune(nowMs);
    Entry &e = m_entries[key];
    if (nowMs - e.blockedUntilMs > MaxLockoutMs)
        e.lockouts = 0; // a long quiet spell forgives earlier lockouts
    if (nowMs - e.windowStartMs > WindowMs) {
        e.failures = 0;
        e.windowStartMs = nowMs;
    }
    if (++e.failures < FreeFailures)
        return;
    const qint64 lockout = std::min(WindowMs << std::min(e.lockouts, 10), MaxLockoutMs);
    ++e.lockouts;
    e.failures = 0;
    e.blockedUntilMs = nowMs + lockout;
    e.windowStartMs = e.blockedUntilMs;
}

void LoginThrottle::prune(qint64 nowMs)
{
    m_entries.removeIf([nowMs](const auto &it) {
        const Entry &e = it.value();
        return e.blockedUntilMs < nowMs && nowMs - e.windowStartMs > WindowMs
               && nowMs - e.blockedUntilMs > MaxLockoutMs;
    });
}
