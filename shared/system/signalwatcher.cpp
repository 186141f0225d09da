// SPDX-License-Identifier: MIT
#include "signalwatcher.h"

#include <QSocketNotifier>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace {
// The write ends of every live watcher's pipe; -1 for a free place. Atomics without locks are
// what a signal handler may read.
std::atomic<int> s_writeFds[SignalWatcher::MaxWatchers] = {};
struct Init {
    Init()
    {
        for (auto &fd : s_writeFds)
            fd.store(-1);
    }
} s_init;
} // namespace

SignalWatcher::SignalWatcher(const QList<int> &signals, QObject *parent)
    : QObject(parent)
    , m_signals(signals)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, m_fds) != 0)
        qFatal("socketpair failed");
    for (int i = 0; i < MaxWatchers && m_slot < 0; ++i) {
        int expected = -1;
        if (s_writeFds[i].compare_exchange_strong(expected, m_fds[0]))
            m_slot = i;
    }
    if (m_slot < 0)
        qFatal("more than %d SignalWatchers at once", MaxWatchers);
    m_notifier = new QSocketNotifier(m_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        unsigned char sig = 0;
        while (::read(m_fds[1], &sig, 1) == 1)
            if (m_signals.contains(sig))
                Q_EMIT received(sig);
    });
    struct sigaction sa = {};
    sa.sa_handler = &SignalWatcher::handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int s : signals)
        ::sigaction(s, &sa, nullptr);
}

SignalWatcher::~SignalWatcher()
{
    // A handler that read the descriptor just before this may still write one byte to it; the
    // pipe is closed right after, so that byte is lost, which is all a watcher going away wants.
    s_writeFds[m_slot].store(-1);
    delete m_notifier;
    ::close(m_fds[0]);
    ::close(m_fds[1]);
}

void SignalWatcher::handler(int signal)
{
    const int savedErrno = errno;
    const unsigned char sig = static_cast<unsigned char>(signal);
    for (auto &slot : s_writeFds) {
        const int fd = slot.load();
        if (fd >= 0) [[maybe_unused]]
            const auto n = ::write(fd, &sig, 1);
    }
    errno = savedErrno;
}
