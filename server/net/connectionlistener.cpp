// SPDX-License-Identifier: MIT
#include "connectionlistener.h"

#include "config/serverlog.h"

#include <QSocketNotifier>
#include <QTimer>
#include <cerrno>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

ConnectionListener::ConnectionListener(bool tls, QObject *parent)
    : QTcpServer(parent)
    , m_tls(tls)
    , m_retry(new QTimer(this))
{
    m_retry->setSingleShot(true);
    m_retry->setInterval(RetryMs);
    connect(m_retry, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
        acceptAll();
    });
}

ConnectionListener::~ConnectionListener()
{
    if (m_reserve >= 0)
        ::close(m_reserve);
}

void ConnectionListener::startAccepting()
{
    pauseAccepting(); // QTcpServer's own notifier stays off: this class accepts
    m_reserve = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    rlimit files {};
    m_limit
        = ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < rlim_t(1) << 30 ? int(files.rlim_cur) : 1 << 30;
    m_notifier = new QSocketNotifier(socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ConnectionListener::acceptAll);
}

void ConnectionListener::acceptAll()
{
    // Bounded per wake-up, so that a flood of connects cannot keep the main thread here.
    for (int i = 0; i < 256; ++i) {
        const int fd = ::accept4(int(socketDescriptor()), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        // Descriptors are handed out lowest first, so the number says how close the limit is.
        if (fd >= 0 && fd >= m_limit - Margin) {
            turnAway(fd);
            return;
        }
        if (fd >= 0) {
            if (m_exhausted) {
                qCInfo(lcServer, "accepting connections again (%lld turned away while out of descriptors)",
                       qlonglong(m_turnedAway));
                m_exhausted = false;
            }
            Q_EMIT descriptorAccepted(fd, m_tls);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            turnAway();
        return; // EAGAIN: nobody else waiting
    }
}

void ConnectionListener::turnAway(int accepted)
{
    if (!m_exhausted) {
        m_exhausted = true;
        m_turnedAway = 0;
        rlimit files {};
        ::getrlimit(RLIMIT_NOFILE, &files);
        qCWarning(lcServer, "out of file descriptors (limit %llu): new connections are turned away until some are free",
                  static_cast<unsigned long long>(files.rlim_cur));
    }
    static const char full[] = "ERROR :Closing Link: the server is out of resources; try again later\r\n";
    if (accepted >= 0) {
        [[maybe_unused]] const auto written = ::write(accepted, full, sizeof full - 1);
        ::close(accepted);
        ++m_turnedAway;
    }
    // The reserve descriptor makes room to accept each waiting connection, tell it why, and
    // close it; then it is taken back.
    if (m_reserve >= 0) {
        ::close(m_reserve);
        m_reserve = -1;
        for (int i = 0; i < 256; ++i) {
            const int fd = ::accept4(int(socketDescriptor()), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd < 0)
                break;
            [[maybe_unused]] const auto written = ::write(fd, full, sizeof full - 1);
            ::close(fd);
            ++m_turnedAway;
        }
        m_reserve = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    // Not woken again for what may still wait until a moment has passed.
    m_notifier->setEnabled(false);
    m_retry->start();
}
