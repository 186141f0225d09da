// SPDX-License-Identifier: MIT
#include "workerhost.h"

#include "connectionworker.h"
#include "descriptorpoller.h"

#include <QThread>
#include <QTimer>

WorkerHost::WorkerHost(HostLink *route, std::shared_ptr<DeliveryStages> stages)
    : m_route(route)
    // Children, so that they move to the host's thread with it.
    , m_poller(new DescriptorPoller(
          [this](ClientId id, quint32 events) {
              // By id: a connection that finished earlier in the same batch is simply not found.
              if (ConnectionWorker *w = m_workers.value(id))
                  w->descriptorReady(events);
          },
          this))
    , m_tick(new QTimer(this))
    , m_stageTotals(std::move(stages))
{
    connect(m_tick, &QTimer::timeout, this, &WorkerHost::tick);
}

WorkerHost::~WorkerHost()
{
    if (m_stageTotals)
        m_stageTotals->add(m_stages);
}

void WorkerHost::adopt(ConnectionWorker *worker, qintptr descriptor)
{
    Q_ASSERT(QThread::currentThread() == thread());
    Q_ASSERT(worker->thread() == thread());
    m_workers.insert(worker->id(), worker);
    m_poller->start(); // here, in the host's own thread
    if (!m_tick->isActive())
        m_tick->start(worker->tickIntervalMs()); // here, in the host's own thread
    worker->start(this, descriptor);
}

void WorkerHost::deliver(const FrameBatch &batch)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const qint64 taken = LatencyHistogram::now();
    const qint64 routed = batch.isEmpty() ? 0 : batch.first().routedNs;
    if (routed)
        m_stages[DeliveryStages::ToWorker].record(taken - routed);
    bool queued = false;
    for (const FrameGroup &group : batch) // const: the groups' addresses stay those of `batch`'s data
        for (ClientId id : group.ids)
            if (ConnectionWorker *w = m_workers.value(id))
                queued |= w->queueShared(group.bytes);
    if (!queued)
        return;
    m_passBatches.append(batch); // one reference for the whole batch, until the flush
    if (routed)
        m_passTaken.append(taken);
    if (m_dirty.isEmpty()) // every worker that queued was already waiting for a flush
        QMetaObject::invokeMethod(this, &WorkerHost::flushAll, Qt::QueuedConnection);
}

int WorkerHost::addPassFrame(const QByteArray *bytes, int after)
{
    const int index = int(m_passFrames.size());
    m_passFrames.push_back({bytes, -1});
    if (after >= 0)
        m_passFrames[size_t(after)].next = index;
    return index;
}

void WorkerHost::closeClient(ClientId id)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (ConnectionWorker *w = m_workers.value(id))
        w->closeGracefully();
}

void WorkerHost::resumeReading(ClientId id)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (ConnectionWorker *w = m_workers.value(id))
        w->resumeReading();
}

void WorkerHost::closeAll()
{
    Q_ASSERT(QThread::currentThread() == thread());
    const auto workers = std::exchange(m_workers, {});
    for (ConnectionWorker *w : workers) {
        w->shutdown();
        delete w;
    }
}

void WorkerHost::forget(ClientId id) { m_workers.remove(id); }

QList<ConnectionTraffic> WorkerHost::traffic() const
{
    Q_ASSERT(QThread::currentThread() == thread());
    QList<ConnectionTraffic> out;
    out.reserve(m_workers.size());
    for (const ConnectionWorker *w : m_workers)
        out.append(
            {w->id(), w->bytesIn(), w->bytesOut(), w->queuedBytes(), w->unprocessedBytes(), w->isReadingPaused()});
    return out;
}

void WorkerHost::scheduleFlush(ClientId id)
{
    if (m_dirty.isEmpty())
        QMetaObject::invokeMethod(this, &WorkerHost::flushAll, Qt::QueuedConnection);
    m_dirty.append(id);
}

void WorkerHost::flushAll()
{
    const QList<ClientId> dirty = std::exchange(m_dirty, {});
    for (ClientId id : dirty)
        if (ConnectionWorker *w = m_workers.value(id))
            w->flushPending();
    // Every worker has written its pass frames or kept copies of what the kernel did not take.
    m_passFrames.clear();
    m_passBatches.clear();
    if (!m_passTaken.isEmpty()) {
        const qint64 written = LatencyHistogram::now();
        for (qint64 taken : std::as_const(m_passTaken))
            m_stages[DeliveryStages::ToSockets].record(written - taken);
        m_passTaken.clear();
    }
}

void WorkerHost::tick()
{
    // A copy: a check may finish a worker, which then forgets itself here.
    const QList<ConnectionWorker *> workers = m_workers.values();
    for (ConnectionWorker *w : workers)
        w->checkLiveness();
}
