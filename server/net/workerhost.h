#pragma once

#include "clientid.h"
#include "hostlink.h"

#include <QHash>
#include <QList>
#include <QObject>

class ConnectionWorker;
class QTimer;

// The object that lives in a worker thread beside that thread's connection workers, and the
// receiving end of its HostLink: adopting a new connection, delivering a batch of frames,
// closing. It looks workers up by id, so a delivery that races a disconnect finds nothing
// rather than a dangling pointer.
class WorkerHost : public QObject {
    Q_OBJECT
public:
    WorkerHost();

    // The following run in the host's thread only.
    // Server shutdown: flush what each connection has queued, then close them all.
    void closeAll();
    void forget(ClientId id);
    struct Traffic {
        ClientId id;
        qint64 bytesIn;
        qint64 bytesOut;
    };
    QList<Traffic> traffic() const;
    // A worker has frames queued: flush it once the deliveries already queued to this thread are
    // handled. One queued call flushes every such worker.
    void scheduleFlush(ClientId id);

public Q_SLOTS:
    void adopt(ConnectionWorker *worker, qintptr descriptor);
    // Hands each frame to its connection; each flushes once this thread's queue is handled.
    void deliver(const FrameBatch &batch);
    void closeClient(ClientId id);

private:
    void flushAll();

    void tick();

    QHash<ClientId, ConnectionWorker *> m_workers;
    // One liveness timer per thread rather than per connection: thousands of idle clients cost
    // no timers of their own.
    QTimer *m_tick;
    QList<ClientId> m_dirty; // ids, not pointers: a worker may finish before the flush runs
};
