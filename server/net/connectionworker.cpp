#include "connectionworker.h"

#include "config/serverconfig.h"
#include "inboundline.h"
#include "localuser.h"
#include "tlscontext.h"
#include "workerhost.h"

#include <QCryptographicHash>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <cerrno>
#include <cstring>
#include <sys/uio.h>

namespace {
// Qt reads at most this much ahead of us, so a fast sender cannot make Qt buffer without limit.
constexpr qint64 ReadBufferBytes = 64 * 1024;
// How long a closing connection may take to flush its last lines before it is cut.
constexpr qint64 CloseGraceMs = 10'000;
} // namespace

ConnectionWorker::ConnectionWorker(ClientId id, std::shared_ptr<const ServerConfig> config,
                                   std::shared_ptr<TlsContext> tls)
    : m_id(id)
    , m_config(std::move(config))
    , m_tls(std::move(tls))
{
}

ConnectionWorker::~ConnectionWorker() = default;

void ConnectionWorker::start(WorkerHost *host, qintptr descriptor)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_host = host;
    // Born here, in the worker's thread: a socket is bound to the thread that creates it. (This is
    // why the server does not use QSslServer, which creates TLS sockets in the listening thread.)
    if (m_tls) {
        m_sslSocket = new QSslSocket(this);
        m_sslSocket->setSslConfiguration(m_tls->configuration());
        m_socket = m_sslSocket;
    } else {
        m_socket = new QTcpSocket(this);
    }
    if (!m_socket->setSocketDescriptor(descriptor)) {
        // Announced all the same, so that the hub's closing of it releases its place in the pool.
        m_host->reportConnected(m_id, m_backlog, QHostAddress(), 0);
        finish("Connection setup failed: " + m_socket->errorString().toUtf8());
        return;
    }
    m_socket->setReadBufferSize(ReadBufferBytes);
    // Without it, small replies wait on delayed ACKs (about 40 ms each way).
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionWorker::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        finish(m_closing ? QByteArray("Closed") : QByteArray("Connection closed"));
    });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            return; // followed by disconnected(), with the ordinary reason
        finish(m_socket->errorString().toUtf8());
    });

    m_lastInput.start();
    if (m_sslSocket) {
        connect(m_sslSocket, &QSslSocket::encrypted, this, [this] {
            const QSslCertificate peer = m_sslSocket->peerCertificate();
            m_host->reportSecured(m_id, peer.isNull() ? QByteArray() : peer.digest(QCryptographicHash::Sha256).toHex());
        });
        m_sslSocket->startServerEncryption();
    }
    m_floodControlled = m_config->floodRate > 0 && !m_config->isFloodExempt(m_socket->peerAddress());
    m_tokens = m_config->floodBurst;
    m_tokenClock.start();

    // A loopback peer is a user of this machine: the kernel says which, here in the worker's
    // thread (a netlink round trip, microseconds), not in the hub's.
    QByteArray localUser;
    if (m_config->identifyLocalUsers) {
        const LocalUser::Owner owner = LocalUser::ofConnection(m_socket->peerAddress(), m_socket->peerPort(),
                                                               m_socket->localAddress(), m_socket->localPort());
        if (owner.known)
            localUser = owner.name;
    }
    m_host->reportConnected(m_id, m_backlog, m_socket->peerAddress(), m_socket->peerPort(), localUser);

    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void ConnectionWorker::onReadyRead()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_finished || m_closing || m_readingPaused)
        return;
    // What the hub still has to handle counts against the same cap as what flood control holds
    // back: unread input then waits in the socket, and TCP slows the sender down.
    const qint64 budget = m_config->recvqBytes - m_backlog->bytes();
    if (!m_floodControlled) {
        QList<InboundLine> batch;
        const qint64 bytes = parseInto(&batch, budget);
        if (!batch.isEmpty())
            report(batch, bytes);
        return;
    }
    const qsizetype before = m_held.size();
    parseInto(&m_held, budget);
    for (qsizetype i = before; i < m_held.size(); ++i)
        m_heldBytes += m_held.at(i).size;
    release();
}

qint64 ConnectionWorker::parseInto(QList<InboundLine> *out, qint64 budget)
{
    // A stack buffer: QIODevice::read(maxSize) would allocate maxSize bytes on every read.
    char chunk[16384];
    qint64 bytes = 0;
    bool any = false;
    while (bytes < budget && m_socket->bytesAvailable() > 0) {
        const qint64 got = m_socket->read(chunk, sizeof chunk);
        if (got <= 0)
            break;
        any = true;
        m_bytesIn += got;
        m_reader.append(QByteArrayView(chunk, got));
        QByteArray line;
        for (;;) {
            const LineReader::Result r = m_reader.next(&line);
            if (r == LineReader::Result::NeedMore)
                break;
            if (r == LineReader::Result::TooLong) {
                out->append({{}, InboundLine::Error::TooLong, LineReader::MaxBodyBytes});
                bytes += LineReader::MaxBodyBytes;
                continue;
            }
            if (line.isEmpty())
                continue; // blank lines are legal padding
            bytes += line.size();
            std::optional<IrcMessage> msg = IrcMessage::parse(line);
            if (!msg)
                out->append({{}, InboundLine::Error::Malformed, line.size()});
            else if (!line.isValidUtf8()) // UTF8ONLY: never relay bytes clients cannot decode
                out->append({std::move(*msg), InboundLine::Error::InvalidUtf8, line.size()});
            else
                out->append({std::move(*msg), InboundLine::Error::None, line.size()});
        }
    }
    if (any) {
        m_lastInput.start();
        m_pingSentAtMs = -1; // any input proves the peer is alive
    }
    return bytes;
}

void ConnectionWorker::report(const QList<InboundLine> &lines, qint64 bytes)
{
    if (m_backlog->add(bytes, m_config->recvqBytes))
        m_readingPaused = true;
    m_host->reportLines(m_id, lines);
}

void ConnectionWorker::resumeReading()
{
    if (!m_readingPaused)
        return;
    m_readingPaused = false;
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
    return m_pendingBytes + (m_socket ? m_socket->bytesToWrite() : 0);
}

void ConnectionWorker::send(const QByteArray &frame)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_finished || m_closing || !m_socket)
        return;
    m_pending.append(frame);
    m_pendingBytes += frame.size();
    m_bytesOut += frame.size();
    if (queuedBytes() > m_config->sendqBytes) {
        finish("SendQ exceeded"); // before abort(), whose disconnected() would name no reason
        m_socket->abort();
        return;
    }
    if (!m_flushQueued) {
        m_flushQueued = true;
        m_host->scheduleFlush(m_id);
    }
}

void ConnectionWorker::flushPending()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_flushQueued = false;
    if (m_pending.isEmpty() || !m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        m_pending.clear();
        m_pendingBytes = 0;
        return;
    }
    qsizetype first = 0;
    qint64 offset = 0; // into m_pending[first]
    // With nothing in Qt's buffer, write straight to the descriptor: one writev() for all the
    // frames of this pass, and no copy into QTcpSocket's buffer (whose chunk every idle
    // connection would otherwise keep). Only what the kernel does not take goes to Qt, which then
    // writes it when the socket is writable; later frames follow it there, so order is kept.
    // Not for TLS: the bytes must go through the encryption layer.
    if (!m_sslSocket && m_socket->bytesToWrite() == 0) {
        const int fd = int(m_socket->socketDescriptor());
        while (first < m_pending.size()) {
            iovec iov[64];
            int count = 0;
            for (qsizetype i = first; i < m_pending.size() && count < 64; ++i, ++count) {
                const QByteArray &f = m_pending.at(i);
                const qint64 skip = i == first ? offset : 0;
                iov[count].iov_base = const_cast<char *>(f.constData() + skip);
                iov[count].iov_len = size_t(f.size() - skip);
            }
            const ssize_t n = ::writev(fd, iov, count);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                const QByteArray reason = QByteArray("Write error: ") + std::strerror(errno);
                m_pending.clear();
                m_pendingBytes = 0;
                finish(reason);
                m_socket->abort();
                return;
            }
            qint64 written = n;
            while (written > 0 && first < m_pending.size()) {
                const qint64 left = m_pending.at(first).size() - offset;
                if (written >= left) {
                    written -= left;
                    ++first;
                    offset = 0;
                } else {
                    offset += written;
                    written = 0;
                }
            }
        }
    }
    for (qsizetype i = first; i < m_pending.size(); ++i) {
        const QByteArray &f = m_pending.at(i);
        m_socket->write(i == first ? f.constData() + offset : f.constData(), i == first ? f.size() - offset : f.size());
    }
    m_pending.clear();
    m_pendingBytes = 0;
}

void ConnectionWorker::closeGracefully()
{
    if (m_finished || m_closing)
        return;
    flushPending(); // the ERROR line and whatever came before it
    m_closing = true;
    m_closingSince.start();
    // Flushes what is queued (the ERROR line), then emits disconnected().
    m_socket->disconnectFromHost();
}

void ConnectionWorker::shutdown()
{
    if (m_finished)
        return;
    flushPending();
    m_finished = true; // the hub is going away: report nothing
    if (m_socket) {
        m_socket->flush();
        // Drain unread input: closing a socket with unread data sends RST, which can destroy
        // the ERROR line still in flight.
        m_socket->readAll();
        m_socket->close();
    }
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
    if (m_finished || !m_socket)
        return;
    if (m_closing) {
        if (m_closingSince.elapsed() > CloseGraceMs) {
            finish("Closed");
            m_socket->abort();
        }
        return;
    }
    const qint64 idle = m_lastInput.elapsed();
    if (m_sslSocket && !m_sslSocket->isEncrypted()) {
        // No input can have arrived before the handshake ended, so idle is its age.
        if (idle >= m_config->tlsHandshakeTimeoutMs) {
            finish("TLS handshake timed out");
            m_socket->abort();
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
    m_socket->flush();
    finish(reason);
    m_socket->abort();
}

void ConnectionWorker::finish(const QByteArray &reason)
{
    if (m_finished)
        return;
    m_finished = true;
    m_host->reportClosed(m_id, reason);
    m_host->forget(m_id);
    deleteLater();
}
