// SPDX-License-Identifier: MIT
#pragma once

#include "clientid.h"

#include <QObject>
#include <functional>

class QSocketNotifier;

// Readiness of every plain connection of one worker thread, through one epoll set and one
// QSocketNotifier on it. Qt's own event dispatcher polls every registered notifier on every pass
// of the event loop (it rebuilds and scans the whole poll() array), which costs each pass time in
// proportion to the thread's connections: 20,000 idle clients made registering new ones 25 times
// slower per client than 5,000 did (docs/performance.md). Here a pass costs what is ready.
// Level-triggered, as QSocketNotifier is. A child of its thread's WorkerHost.
class DescriptorPoller : public QObject {
    Q_OBJECT
public:
    // Called with the connection's id and the epoll events that are ready.
    using Handler = std::function<void(ClientId, quint32)>;

    // The epoll set is made here (a descriptor: made before the descriptor limit can bite, with
    // the thread); its notifier in start(), in the thread that polls.
    DescriptorPoller(Handler handler, QObject *parent = nullptr);
    ~DescriptorPoller() override;

    bool isValid() const { return m_epoll >= 0; }
    // In the poller's thread, before the first watch().
    void start();
    // Reports `fd` as `id`, readable to begin with; false (errno set) if epoll refuses.
    bool watch(int fd, ClientId id);
    // Which readiness to report; error and hang-up are always reported.
    void setInterest(int fd, ClientId id, bool read, bool write);
    // Before the descriptor is closed.
    void unwatch(int fd);

private:
    void poll();

    Handler m_handler;
    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
};
