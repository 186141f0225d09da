// SPDX-License-Identifier: MIT
#include "descriptorpoller.h"

#include <QSocketNotifier>
#include <sys/epoll.h>
#include <unistd.h>

DescriptorPoller::DescriptorPoller(Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
}

DescriptorPoller::~DescriptorPoller()
{
    delete m_notifier; // before the descriptor it watches
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void DescriptorPoller::start()
{
    if (m_notifier || m_epoll < 0)
        return;
    m_notifier = new QSocketNotifier(qintptr(m_epoll), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &DescriptorPoller::poll);
}

bool DescriptorPoller::watch(int fd, ClientId id)
{
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.u64 = id;
    return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void DescriptorPoller::setInterest(int fd, ClientId id, bool read, bool write)
{
    epoll_event ev {};
    ev.events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
    ev.data.u64 = id;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
}

void DescriptorPoller::unwatch(int fd) { ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); }

void DescriptorPoller::poll()
{
    // At most one batch per pass of the event loop: whatever is left keeps the set readable, so
    // the notifier fires again after the thread's other events (deliveries, flushes) had a turn.
    epoll_event events[256];
    const int n = ::epoll_wait(m_epoll, events, 256, 0);
    for (int i = 0; i < n; ++i)
        m_handler(ClientId(events[i].data.u64), events[i].events);
}
