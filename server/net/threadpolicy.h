// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QThreadPool>
#include <memory>

class DeliveryStages;
class HostLink;
class QThread;
class WorkerHost;

// The one place that decides which thread hosts a new connection's worker. With a pool size of
// 0 every connection gets a thread of its own (the classic threaded server); with N, workers
// share N threads, each new one going to the least loaded. Each thread has a WorkerHost living
// in it and a HostLink into it. Lives in the main thread.
class ThreadPolicy : public QObject {
    Q_OBJECT
public:
    // `stages`: handed to every worker thread's host, which adds its timings to it.
    explicit ThreadPolicy(int poolSize, std::shared_ptr<DeliveryStages> stages = {}, QObject *parent = nullptr);
    ~ThreadPolicy() override;

    // Starts a pool's threads now rather than with its first connections: a thread started later,
    // when descriptors may have run out, could not make its event dispatcher (Qt aborts then).
    void startPool();
    // The thread for a new connection, as the link into it.
    HostLink *acquire();
    int activeConnections() const { return m_active; }
    int threadCount() const { return int(m_slots.size()); }
    // Threads told to stop whose OS thread is not gone yet (one thread per connection).
    int retiringCount() const { return int(m_retiring.size()); }
    QList<WorkerHost *> hosts() const;
    // Closes every connection, then quits and waits for every thread.
    void shutdown();

public Q_SLOTS:
    // A connection acquired on `link` is gone and the hub has forgotten it.
    void release(HostLink *link);

Q_SIGNALS:
    // A new thread, before anything is sent through its link: the composition root connects
    // the link to the host here.
    void hostStarted(HostLink *link, WorkerHost *host);

private:
    struct Slot {
        QThread *thread;
        WorkerHost *host;
        HostLink *link;
        int load;
    };
    Slot &newSlot();
    void stopSlot(Slot &slot);
    // Stops a slot's thread without waiting for it here: a reaper thread waits (up to seconds,
    // for the OS thread to be gone), then the thread and its link are deleted in this thread.
    void retireSlot(const Slot &slot);
    void reap(QThread *thread);

    int m_poolSize;
    std::shared_ptr<DeliveryStages> m_stages;
    int m_active = 0;
    QList<Slot> m_slots;
    struct Retiring {
        QThread *thread;
        HostLink *link;
    };
    QList<Retiring> m_retiring;
    QThreadPool m_reaper;
};
