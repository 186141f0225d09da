// SPDX-License-Identifier: MIT
#include "latencyhistogram.h"

#include <algorithm>
#include <bit>
#include <limits>

int LatencyHistogram::bucketOf(qint64 ns)
{
    const quint64 v = ns > 0 ? quint64(ns) : 0;
    if (v < (1u << SubBits))
        return int(v);                             // exact below 8 ns
    const int exponent = 63 - std::countl_zero(v); // >= SubBits
    const int sub = int((v >> (exponent - SubBits)) & ((1u << SubBits) - 1));
    return ((exponent - SubBits + 1) << SubBits) + sub;
}

qint64 LatencyHistogram::upperBound(int bucket)
{
    if (bucket < (1 << SubBits))
        return bucket;
    const int exponent = (bucket >> SubBits) + SubBits - 1;
    const quint64 sub = quint64(bucket & ((1 << SubBits) - 1));
    const quint64 lower = ((quint64(1) << SubBits) + sub) << (exponent - SubBits);
    const quint64 upper = lower + (quint64(1) << (exponent - SubBits)) - 1;
    return upper > quint64(std::numeric_limits<qint64>::max()) ? std::numeric_limits<qint64>::max() : qint64(upper);
}

void LatencyHistogram::record(qint64 ns)
{
    if (!m_counts)
        m_counts = std::make_unique<std::array<quint64, Buckets>>();
    ++(*m_counts)[size_t(bucketOf(ns))];
    ++m_count;
    m_max = std::max(m_max, ns);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (!other.m_counts)
        return;
    if (!m_counts)
        m_counts = std::make_unique<std::array<quint64, Buckets>>();
    for (size_t i = 0; i < size_t(Buckets); ++i)
        (*m_counts)[i] += (*other.m_counts)[i];
    m_count += other.m_count;
    m_max = std::max(m_max, other.m_max);
}

qint64 LatencyHistogram::percentile(double p) const
{
    if (!m_counts || m_count == 0)
        return 0;
    const auto rank = quint64(std::max<double>(1, p * double(m_count) + 0.5));
    quint64 seen = 0;
    for (int i = 0; i < Buckets; ++i) {
        seen += (*m_counts)[size_t(i)];
        if (seen >= rank)
            return std::min(upperBound(i), m_max);
    }
    return m_max;
}
