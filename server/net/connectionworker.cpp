// SPDX-License-Identifier: MIT
#include "connectionworker.h"

#include "config/serverconfig.h"
#include "descriptorpoller.h"
#include "inboundline.h"
#include "latencyhistogram.h"
#include "localuser.h"
#include "tlscontext.h"
#include "workerhost.h"

#include <QCryptographicHash>
#include <QSslCertificate>
#include <QSslSocket>
#include <QThread>
#include <QTimer>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {
// QSslSocket reads at most this much ahead of us, so a fast sender cannot make it buffer without
// limit.
constexpr qint64 ReadBufferBytes = 64 * 1024;
// How long a closing connection may take to flush its last lines before it is cut.
constexpr qint64 CloseGraceMs = 10'000;

quint16 portOf(const sockaddr_storage &name)
{
    if (name.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 &>(name).sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in &>(name).sin_port);
}
} // namespace

ConnectionWorker::ConnectionWorker(ClientId id, std::shared_ptr<const ServerConfig> config,
                                   std::shared_ptr<TlsContext> tls)
    : m_id(id)
    , m_config(std::move(config))
    , m_tls(std::move(tls))
{
}

ConnectionWorker::~ConnectionWorker() { closeDescriptor(); }

void ConnectionWorker::start(WorkerHost *host, qintptr descriptor)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_host = host;
    QHostAddress peer;
    QHostAddress local;
    quint16 peerPort = 0;
    quint16 localPort = 0;
    if (m_tls) {
        // Born here, in the worker's thread: a socket is bound to the thread that creates it.
        // (This is why the server does not use QSslServer, which creates TLS sockets in the
        // listening thread.)
        m_sslSocket = new QSslSocket(this);
        m_sslSocket->setSslConfiguration(m_tls->configuration());
        if (!m_sslSocket->setSocketDescriptor(descriptor)) {
            // Announced all the same, so that the hub's closing of it releases its place in the pool.
            m_host->reportConnected(m_id, m_backlog, QHostAddress(), 0);
            ::close(int(descriptor));
            finish("Connection setup failed: " + m_sslSocket->errorString().toUtf8());
            return;
        }
        m_sslSocket->setReadBufferSize(ReadBufferBytes);
        // Without it, small replies wait on delayed ACKs (about 40 ms each way).
        m_sslSocket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(m_sslSocket, &QSslSocket::readyRead, this, &ConnectionWorker::onReadyRead);
        connect(m_sslSocket, &QSslSocket::disconnected, this,
                [this] { finish(m_closing ? QByteArray("Closed") : QByteArray("Connection closed")); });
        connect(m_sslSocket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::RemoteHostClosedError)
                return; // followed by disconnected(), with the ordinary reason
            finish(m_sslSocket->errorString().toUtf8());
        });
        connect(m_sslSocket, &QSslSocket::encrypted, this, [this] {
            const QSslCertificate peer = m_sslSocket->peerCertificate();
            m_host->reportSecured(m_id, peer.isNull() ? QByteArray() : peer.digest(QCryptographicHash::Sha256).toHex());
        });
        peer = m_sslSocket->peerAddress();
        peerPort = m_sslSocket->peerPort();
        local = m_sslSocket->localAddress();
        localPort = m_sslSocket->localPort();
    } else {
        // The listener accepted it non-blocking.
        m_fd = int(descriptor);
        sockaddr_storage peerName {};
        sockaddr_storage localName {};
        socklen_t peerLength = sizeof peerName;
        socklen_t localLength = sizeof localName;
        if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&peerName), &peerLength) < 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&localName), &localLength) < 0) {
            const QByteArray reason = QByteArray("Connection setup failed: ") + std::strerror(errno);
            m_host->reportConnected(m_id, m_backlog, QHostAddress(), 0);
            finish(reason);
            return;
        }
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // as above: no delayed ACK waits
        peer = QHostAddress(reinterpret_cast<const sockaddr *>(&peerName));
        peerPort = portOf(peerName);
        local = QHostAddress(reinterpret_cast<const sockaddr *>(&localName));
        localPort = portOf(localName);
        m_poller = m_host->poller();
        if (!m_poller->watch(m_fd, m_id)) {
            const QByteArray reason = QByteArray("Connection setup failed: ") + std::strerror(errno);
            m_host->reportConnected(m_id, m_backlog, QHostAddress(), 0);
            finish(reason);
            return;
        }
        m_watched = true;
    }

    m_lastInput.start();
    if (m_sslSocket)
        m_sslSocket->startServerEncryption();
    m_floodControlled = m_config->floodRate > 0 && !m_config->isFloodExempt(peer);
    m_tokens = m_config->floodBurst;
    m_tokenClock.start();

    // A loopback peer is a user of this machine: the kernel says which, here in the worker's
    // thread (a netlink round trip, microseconds), not in the hub's.
    QByteArray localUser;
    if (m_config->identifyLocalUsers) {
        const LocalUser::Owner owner = LocalUser::ofConnection(peer, peerPort, local, localPort);
        if (owner.known)
            localUser = owner.name;
    }
    m_host->reportConnected(m_id, m_backlog, peer, peerPort, localUser);

    if (m_sslSocket && m_sslSocket->bytesAvailable() > 0)
        onReadyRead();
}

void ConnectionWorker::descriptorReady(quint32 events)
{
    if (m_finished)
        return;
    if (events & EPOLLOUT)
        writePending();
    if (m_finished || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        return;
    if (m_interestRead) {
        onReadyRead();
        return;
    }
    // An error or hang-up, which epoll reports whatever it was asked, while this connection does
    // not read. Closing: the peer is gone, nothing more can reach it.
    if (m_closing) {
        finish("Closed");
        return;
    }
    // Reading is paused: its unread lines wait in the kernel until the hub catches up, and
    // resumeReading() reads them (then the end) without the poller, which would otherwise wake
    // this thread on every pass until then.
    m_poller->unwatch(m_fd);
    m_watched = false;
}

void ConnectionWorker::updateInterest()
{
    if (!m_watched)
        return;
    const bool read = !m_readingPaused && !m_closing;
    if (read == m_interestRead && m_wantWrite == m_interestWrite)
        return;
    m_interestRead = read;
    m_interestWrite = m_wantWrite;
    m_poller->setInterest(m_fd, m_id, read, m_wantWrite);
}

void ConnectionWorker::onReadyRead()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_finished || m_closing || m_readingPaused)
        return;
    // What the hub still has to handle counts against the same cap as what flood control holds
    // back: unread input then waits in the socket, and TCP slows the sender down.
    const qint64 budget = m_config->recvqBytes - m_backlog->bytes();
    ReadEnd end = ReadEnd::Open;
    if (!m_floodControlled) {
        QList<InboundLine> batch;
        const qint64 bytes = parseInto(&batch, budget, &end);
        if (!batch.isEmpty())
            report(batch, bytes);
    } else {
        const qsizetype before = m_held.size();
        parseInto(&m_held, budget, &end);
        for (qsizetype i = before; i < m_held.size(); ++i)
            m_heldBytes += m_held.at(i).size;
        release();
    }
    // Lines read before the end are the hub's first (a QUIT and then the close, in order).
    if (end == ReadEnd::Closed)
        finish("Connection closed");
    else if (end == ReadEnd::Failed)
        finish(QByteArray("Read error: ") + std::strerror(m_readErrno));
}

qint64 ConnectionWorker::parseInto(QList<InboundLine> *out, qint64 budget, ReadEnd *end)
{
    // A stack buffer: nothing per connection is kept for reading but a partial line.
    char chunk[16384];
    qint64 bytes = 0;
    bool any = false;
    while (bytes < budget) {
        qint64 got = 0;
        if (m_sslSocket) {
            if (m_sslSocket->bytesAvailable() <= 0)
                break;
            got = m_sslSocket->read(chunk, sizeof chunk);
            if (got <= 0)
                break;
        } else {
            got = ::read(m_fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got == 0 || (got < 0 && errno == ECONNRESET)) {
                *end = ReadEnd::Closed;
                break;
            }
            if (got < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    m_readErrno = errno;
                    *end = ReadEnd::Failed;
                }
                break;
            }
        }
        any = true;
        m_bytesIn += got;
        m_reader.append(QByteArrayView(chunk, got));
        const qint64 parsed = LatencyHistogram::now();
        QByteArray line;
        for (;;) {
            const LineReader::Result r = m_reader.next(&line);
            if (r == LineReader::Result::NeedMore)
                break;
            if (r == LineReader::Result::TooLong) {
                out->append({{}, InboundLine::Error::TooLong, LineReader::MaxBodyBytes, parsed});
                bytes += LineReader::MaxBodyBytes;
                continue;
            }
            if (line.isEmpty())
                continue; // blank lines are legal padding
            bytes += line.size();
            std::optional<IrcMessage> msg = IrcMessage::parse(line);
            if (!msg)
                out->append({{}, InboundLine::Error::Malformed, line.size(), parsed});
            else if (!line.isValidUtf8()) // UTF8ONLY: never relay bytes clients cannot decode
                out->append({std::move(*msg), InboundLine::Error::InvalidUtf8, line.size(), parsed});
            else
                out->append({std::move(*msg), InboundLine::Error::None, line.size(), parsed});
        }
        // A short read emptied the socket: the poller says when there is more, without a
        // read that would only say EAGAIN.
        if (!m_sslSocket && got < qint64(sizeof chunk))
            break;
    }
    m_reader.squeeze();
    if (any) {
        m_lastInput.start();
        m_pingSentAtMs = -1; // any input proves the peer is alive
    }
    return bytes;
}

void ConnectionWorker::report(const QList<InboundLine> &lines, qint64 bytes)
{
    if (m_backlog->add(bytes, m_config->recvqBytes)) {
        m_readingPaused = true;
        // Unread input then stays in the kernel, which would wake this thread at every pass.
        updateInterest();
    }
    m_host->reportLines(m_id, lines);
}

void ConnectionWorker::resumeReading()
{
    if (!m_readingPaused || m_finished)
        return;
    m_readingPaused = false;
    updateInterest();
    // What waits in the socket raised no new readyRead while it sat unread.
    onReadyRead();
}

void ConnectionWorker::release()
{
    if (m_finished || m_closing || m_held.isEmpty())
        return;
    const double burst = m_config->floodBurst;
    m_tokens = std::min(burst, m_tokens + double(m_tokenClock.restart()) * m_config->floodRate / 1000.0);
    qsizetype allowed = 0;
    qint64 allowedBytes = 0;
    while (allowed < m_held.size() && m_tokens >= 1) {
        m_tokens -= 1;
        allowedBytes += m_held.at(allowed).size;
        ++allowed;
    }
    m_heldBytes -= allowedBytes;
    if (allowed > 0) {
        QList<InboundLine> batch = allowed == m_held.size() ? std::exchange(m_held, {}) : m_held.first(allowed);
        if (!m_held.isEmpty())
            m_held.remove(0, allowed);
        report(batch, allowedBytes);
    }
    if (m_held.isEmpty())
        return;
    if (m_heldBytes > m_config->recvqBytes) {
        drop("Excess Flood");
        return;
    }
    if (!m_floodTimer) {
        m_floodTimer = new QTimer(this);
        m_floodTimer->setSingleShot(true);
        connect(m_floodTimer, &QTimer::timeout, this, &ConnectionWorker::release);
    }
    if (!m_floodTimer->isActive())
        m_floodTimer->start(int(std::ceil((1 - m_tokens) * 1000 / m_config->floodRate)));
}

qint64 ConnectionWorker::queuedBytes() const
{
    return m_pendingBytes + (m_sslSocket ? m_sslSocket->bytesToWrite() : 0);
}

bool ConnectionWorker::account(qint64 bytes)
{
    m_pendingBytes += bytes;
    m_bytesOut += bytes;
    if (queuedBytes() > m_config->sendqBytes) {
        finish("SendQ exceeded");
        abortConnection();
        return false;
    }
    if (!m_flushQueued) {
        m_flushQueued = true;
        m_host->scheduleFlush(m_id);
    }
    return true;
}

void ConnectionWorker::send(const QByteArray &frame)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_finished || m_closing || !isOpen())
        return;
    if (m_passHead >= 0)
        keepPassFrames(); // behind this pass's frames, not before them
    m_pending.append(frame);
    account(frame.size());
}

bool ConnectionWorker::queueShared(const QByteArray &frame)
{
    if (m_finished || m_closing || !isOpen())
        return false;
    m_passTail = m_host->addPassFrame(&frame, m_passTail);
    if (m_passHead < 0)
        m_passHead = m_passTail;
    return account(frame.size());
}

void ConnectionWorker::keepPassFrames()
{
    for (int i = m_passHead; i >= 0; i = m_host->nextPassFrame(i)) {
        if (m_pending.isEmpty())
            m_pendingOffset = m_passOffset;
        m_pending.append(m_host->passFrame(i));
    }
    m_passHead = m_passTail = -1;
    m_passOffset = 0;
}

void ConnectionWorker::flushPending()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_flushQueued = false;
    if (m_sslSocket) {
        // Through the encryption layer, which buffers what the kernel does not take.
        if (m_sslSocket->state() == QAbstractSocket::ConnectedState) {
            keepPassFrames();
            for (const QByteArray &f : std::as_const(m_pending))
                m_sslSocket->write(f);
        }
        dropPending();
        return;
    }
    if (m_fd < 0) {
        dropPending();
        return;
    }
    writePending();
}

void ConnectionWorker::dropPending()
{
    // Released, not just emptied: a list keeps its capacity, and an idle connection would keep
    // the one its welcome burst needed.
    m_pending = QList<QByteArray>();
    m_pendingOffset = 0;
    m_passHead = m_passTail = -1;
    m_passOffset = 0;
    m_pendingBytes = 0;
}

void ConnectionWorker::writePending()
{
    // One writev() for every frame queued in this pass, with no copy of the shared frames.
    while (!m_pending.isEmpty() || m_passHead >= 0) {
        iovec iov[64];
        int count = 0;
        for (qsizetype i = 0; i < m_pending.size() && count < 64; ++i, ++count) {
            const QByteArray &f = m_pending.at(i);
            const qint64 skip = i == 0 ? m_pendingOffset : 0;
            iov[count].iov_base = const_cast<char *>(f.constData() + skip);
            iov[count].iov_len = size_t(f.size() - skip);
        }
        for (int i = m_passHead; i >= 0 && count < 64; i = m_host->nextPassFrame(i), ++count) {
            const QByteArray &f = m_host->passFrame(i);
            const qint64 skip = i == m_passHead && m_pending.isEmpty() ? m_passOffset : 0;
            iov[count].iov_base = const_cast<char *>(f.constData() + skip);
            iov[count].iov_len = size_t(f.size() - skip);
        }
        const ssize_t n = ::writev(m_fd, iov, count);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // The rest waits here, in order, until the kernel takes more; later frames
                // queue behind it and the sendq cap still holds. The host releases this pass's
                // frames after the flush: what is left of them is kept.
                keepPassFrames();
                m_wantWrite = true;
                updateInterest();
                return;
            }
            const QByteArray reason = QByteArray("Write error: ") + std::strerror(errno);
            dropPending();
            finish(reason);
            return;
        }
        m_pendingBytes -= n;
        qint64 written = n;
        qsizetype done = 0;
        while (written > 0 && done < m_pending.size()) {
            const qint64 left = m_pending.at(done).size() - m_pendingOffset;
            if (written >= left) {
                written -= left;
                ++done;
                m_pendingOffset = 0;
            } else {
                m_pendingOffset += written;
                written = 0;
            }
        }
        m_pending.remove(0, done);
        while (written > 0 && m_passHead >= 0) {
            const qint64 left = m_host->passFrame(m_passHead).size() - m_passOffset;
            if (written >= left) {
                written -= left;
                m_passHead = m_host->nextPassFrame(m_passHead);
                m_passOffset = 0;
            } else {
                m_passOffset += written;
                written = 0;
            }
        }
        if (m_passHead < 0)
            m_passTail = -1;
    }
    dropPending();
    if (m_wantWrite) {
        m_wantWrite = false;
        updateInterest();
    }
    if (m_closing)
        finish("Closed"); // everything, the ERROR line last, is with the kernel
}

void ConnectionWorker::closeGracefully()
{
    if (m_finished || m_closing)
        return;
    m_closing = true;
    m_closingSince.start();
    if (m_sslSocket) {
        flushPending(); // the ERROR line and whatever came before it
        // Flushes what is queued (the ERROR line), then emits disconnected().
        m_sslSocket->disconnectFromHost();
        return;
    }
    updateInterest(); // nothing more is read from a closing connection
    // Finishes once the kernel has taken everything; checkLiveness cuts it after a grace period.
    writePending();
}

void ConnectionWorker::shutdown()
{
    if (m_finished)
        return;
    flushPending();
    m_finished = true; // the hub is going away: report nothing
    if (m_sslSocket) {
        m_sslSocket->flush();
        // Drain unread input: closing a socket with unread data sends RST, which can destroy
        // the ERROR line still in flight.
        m_sslSocket->readAll();
        m_sslSocket->close();
    }
    closeDescriptor();
}

void ConnectionWorker::abortConnection()
{
    if (m_sslSocket)
        m_sslSocket->abort();
    closeDescriptor();
}

void ConnectionWorker::closeDescriptor()
{
    if (m_fd < 0)
        return;
    if (m_watched) {
        m_poller->unwatch(m_fd);
        m_watched = false;
    }
    // Unread input would make close() send a reset, which can destroy the last lines still in
    // flight (the ERROR line). Bounded: a peer that keeps sending is not waited for.
    char sink[4096];
    for (int i = 0; i < 16 && ::read(m_fd, sink, sizeof sink) > 0; ++i) { }
    ::close(m_fd);
    m_fd = -1;
}

int ConnectionWorker::tickIntervalMs() const
{
    // Checked a few times per interval; exact expiry matters less than not waking often.
    int shortest = std::min(m_config->pingIntervalMs, m_config->pingTimeoutMs);
    if (m_config->hasTls()) // one timer serves a thread's plain and TLS connections alike
        shortest = std::min(shortest, m_config->tlsHandshakeTimeoutMs);
    return std::max(50, shortest / 4);
}

void ConnectionWorker::checkLiveness()
{
    if (m_finished || !isOpen())
        return;
    if (m_closing) {
        if (m_closingSince.elapsed() > CloseGraceMs) {
            finish("Closed");
            abortConnection();
        }
        return;
    }
    const qint64 idle = m_lastInput.elapsed();
    if (m_sslSocket && !m_sslSocket->isEncrypted()) {
        // No input can have arrived before the handshake ended, so idle is its age.
        if (idle >= m_config->tlsHandshakeTimeoutMs) {
            finish("TLS handshake timed out");
            abortConnection();
        }
        return;
    }
    if (m_readingPaused)
        return; // unread input waits in the socket: the peer is alive, the hub is behind
    if (m_pingSentAtMs < 0) {
        if (idle >= m_config->pingIntervalMs) {
            m_pingSentAtMs = idle;
            send("PING :" + m_config->name + "\r\n");
        }
    } else if (idle - m_pingSentAtMs >= m_config->pingTimeoutMs) {
        drop("Ping timeout: " + QByteArray::number(idle / 1000) + " seconds");
    }
}

void ConnectionWorker::drop(const QByteArray &reason)
{
    send("ERROR :Closing Link: " + reason + "\r\n");
    flushPending();
    if (m_sslSocket)
        m_sslSocket->flush();
    finish(reason);
    abortConnection();
}

void ConnectionWorker::finish(const QByteArray &reason)
{
    if (m_finished)
        return;
    m_finished = true;
    // Nothing more is read or written; a plain descriptor is closed now, not with the object.
    closeDescriptor();
    m_host->reportClosed(m_id, reason);
    m_host->forget(m_id);
    deleteLater();
}
