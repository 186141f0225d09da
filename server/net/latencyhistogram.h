// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>
#include <array>
#include <chrono>
#include <memory>

// Durations in nanoseconds, counted in buckets of one eighth of a power of two (within 12.5 %),
// from 1 ns to centuries: what a percentile needs, in 4 KB, taken the first time something is
// recorded (a thread that never records costs a pointer). One thread records; merge() adds
// another's counts once that thread is done with them.
class LatencyHistogram {
public:
    // Monotonic nanoseconds, for stamps that are compared across threads (one vDSO call).
    static qint64 now()
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    void record(qint64 ns);
    void merge(const LatencyHistogram &other);
    qint64 count() const { return m_count; }
    qint64 max() const { return m_max; }
    // The smallest bucket bound under which a fraction p (0..1) of the durations lie; 0 if none.
    qint64 percentile(double p) const;

    // The bucket a duration falls in, and the largest duration in a bucket.
    static int bucketOf(qint64 ns);
    static qint64 upperBound(int bucket);

private:
    static constexpr int SubBits = 3;
    static constexpr int Buckets = 64 << SubBits;
    std::unique_ptr<std::array<quint64, Buckets>> m_counts;
    qint64 m_count = 0;
    qint64 m_max = 0;
};
