// SPDX-License-Identifier: MIT
#include "threadpolicy.h"

#include "hostlink.h"
#include "system/crossthread.h"
#include "workerhost.h"

#include <QSemaphore>
#include <QThread>

ThreadPolicy::ThreadPolicy(int poolSize, std::shared_ptr<DeliveryStages> stages, QObject *parent)
    : QObject(parent)
    , m_poolSize(poolSize)
    , m_stages(std::move(stages))
{
    m_reaper.setMaxThreadCount(1);
}

ThreadPolicy::~ThreadPolicy() { shutdown(); }

ThreadPolicy::Slot &ThreadPolicy::newSlot()
{
    auto *thread = new QThread;
    thread->setObjectName(QStringLiteral("confab-worker"));
    CrossThread::track(thread);
    auto *link = new HostLink(thread, this);
    auto *host = new WorkerHost(link, m_stages);
    host->moveToThread(thread);
    // The host (and its timer) dies in its own thread, as the thread finishes: an object with
    // timers must not be destroyed from another thread.
    connect(thread, &QThread::finished, host, &QObject::deleteLater);
    Q_EMIT hostStarted(link, host);
    // Wait until the thread runs: it has made its event dispatcher (which needs a descriptor)
    // by then, so the listener's count of free descriptors is true before the next accept.
    QSemaphore running;
    const auto started = connect(
        thread, &QThread::started, thread, [&running] { running.release(); }, Qt::DirectConnection);
    thread->start();
    running.acquire();
    disconnect(started);
    m_slots.append({thread, host, link, 0});
    return m_slots.last();
}

void ThreadPolicy::startPool()
{
    while (m_poolSize > 0 && m_slots.size() < m_poolSize)
        newSlot();
}

HostLink *ThreadPolicy::acquire()
{
    Slot *chosen = nullptr;
    if (m_poolSize > 0 && m_slots.size() >= m_poolSize) {
        chosen = &*std::min_element(m_slots.begin(), m_slots.end(),
                                    [](const Slot &a, const Slot &b) { return a.load < b.load; });
    } else {
        chosen = &newSlot();
    }
    ++chosen->load;
    ++m_active;
    return chosen->link;
}

QList<WorkerHost *> ThreadPolicy::hosts() const
{
    QList<WorkerHost *> out;
    for (const Slot &s : m_slots)
        out.append(s.host);
    return out;
}

void ThreadPolicy::release(HostLink *link)
{
    auto it = std::find_if(m_slots.begin(), m_slots.end(), [link](const Slot &s) { return s.link == link; });
    if (it == m_slots.end())
        return;
    --m_active;
    if (--it->load == 0 && m_poolSize == 0) {
        retireSlot(*it);
        m_slots.erase(it);
    }
}

void ThreadPolicy::retireSlot(const Slot &slot)
{
    // This runs in the accepting thread: waiting here for the OS thread to end would hold up
    // every new connection behind each disconnect.
    m_retiring.append({slot.thread, slot.link});
    QThread *thread = slot.thread;
    CrossThread::run(m_reaper, [this, thread] {
        CrossThread::stop(thread);
        CrossThread::post(this, [this, thread] { reap(thread); });
    });
}

void ThreadPolicy::reap(QThread *thread)
{
    const auto it = std::find_if(m_retiring.begin(), m_retiring.end(),
                                 [thread](const Retiring &r) { return r.thread == thread; });
    if (it == m_retiring.end())
        return; // shutdown() got there first
    delete it->thread;
    delete it->link;
    m_retiring.erase(it);
}

void ThreadPolicy::stopSlot(Slot &slot)
{
    // The host's pending events (late deliveries for a connection that is gone) die with it.
    CrossThread::stop(slot.thread); // finished() has run: the host is deleted
    delete slot.thread;
    delete slot.link;
}

void ThreadPolicy::shutdown()
{
    for (Slot &slot : m_slots) {
        // Blocking is safe here: worker threads never wait on the main thread.
        CrossThread::call(slot.host, &WorkerHost::closeAll);
        stopSlot(slot);
    }
    m_slots.clear();
    m_active = 0;
    m_reaper.waitForDone();
    for (const Retiring &r : std::as_const(m_retiring)) {
        delete r.thread;
        delete r.link;
    }
    m_retiring.clear();
}
