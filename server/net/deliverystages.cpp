// SPDX-License-Identifier: MIT
#include "deliverystages.h"

#include <QMutexLocker>

void DeliveryStages::add(const Histograms &local)
{
    const QMutexLocker lock(&m_mutex);
    for (int i = 0; i < StageCount; ++i)
        m_total[size_t(i)].merge(local[size_t(i)]);
}

QByteArray DeliveryStages::summary() const
{
    const QMutexLocker lock(&m_mutex);
    if (m_total[InHub].count() == 0)
        return {};
    static const char *const names[StageCount]
        = {"parsed to hub", "in the hub", "hub to worker thread", "worker thread to sockets"};
    auto us = [](qint64 ns) { return QByteArray::number(double(ns) / 1000.0, 'f', 1); };
    QByteArray out
        = "delivery stages over " + QByteArray::number(m_total[InHub].count()) + " messages, microseconds p50/p99/max:";
    for (int i = 0; i < StageCount; ++i) {
        const LatencyHistogram &h = m_total[size_t(i)];
        out += QByteArray(i ? "," : "") + ' ' + names[i] + ' ' + us(h.percentile(0.5)) + '/' + us(h.percentile(0.99))
               + '/' + us(h.max());
    }
    return out;
}
