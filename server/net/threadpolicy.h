#pragma once

#include <QList>
#include <QObject>

class QThread;
class WorkerHost;

// The one place that decides which thread hosts a new connection's worker. With a pool size of
// 0 every connection gets a thread of its own (the classic threaded server); with N, workers
// share N threads, each new one going to the least loaded. Lives in the main thread.
class ThreadPolicy : public QObject {
    Q_OBJECT
public:
    explicit ThreadPolicy(int poolSize, QObject *parent = nullptr);
    ~ThreadPolicy() override;

    WorkerHost *acquire();
    // Called once a connection's worker is gone and the hub has forgotten it.
    void release(WorkerHost *host);
    int activeConnections() const { return m_active; }
    int threadCount() const { return int(m_slots.size()); }
    QList<WorkerHost *> hosts() const;
    // Closes every connection, then quits and waits for every thread.
    void shutdown();

private:
    struct Slot {
        QThread *thread;
        WorkerHost *host;
        int load;
    };
    Slot &newSlot();
    void stopSlot(Slot &slot);

    int m_poolSize;
    int m_active = 0;
    QList<Slot> m_slots;
};
