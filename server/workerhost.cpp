#include "workerhost.h"

#include "connectionworker.h"

#include <QThread>

void WorkerHost::adopt(ConnectionWorker *worker, qintptr descriptor)
{
    Q_ASSERT(QThread::currentThread() == thread());
    Q_ASSERT(worker->thread() == thread());
    m_workers.insert(worker->id(), worker);
    worker->start(descriptor);
}

void WorkerHost::deliver(const Batch &batch)
{
    Q_ASSERT(QThread::currentThread() == thread());
    for (const auto &[id, bytes] : batch) {
        if (ConnectionWorker *w = m_workers.value(id))
            w->send(bytes);
    }
}

void WorkerHost::closeClient(ClientId id)
{
    if (ConnectionWorker *w = m_workers.value(id))
        w->closeGracefully();
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
