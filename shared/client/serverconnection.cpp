// SPDX-License-Identifier: MIT
#include "serverconnection.h"

#include "tlspolicy.h"

#include "protocol/ircmessage.h"

#include <QSslKey>
#include <QSslSocket>

ServerConnection::ServerConnection(QObject *parent)
    : QObject(parent)
{
    useSocket(false);
}

void ServerConnection::useSocket(bool tls)
{
    if (m_socket) {
        if ((qobject_cast<QSslSocket *>(m_socket) != nullptr) == tls)
            return;
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    // A plain connection never makes a QSslSocket: constructing one loads the TLS backend and
    // OpenSSL, about 4 MB of resident memory a plain client has no use for.
    QSslSocket *tlsSocket = tls ? new QSslSocket(this) : nullptr;
    m_socket = tls ? tlsSocket : new QTcpSocket(this);
    // What the server sends faster than it is shown waits in the kernel (and the server's send
    // queue), not in this process: an unbounded buffer took megabytes in a burst, for good.
    m_socket->setReadBufferSize(ReadBufferBytes);
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (!m_endpoint.tls)
            Q_EMIT opened();
    });
    if (tlsSocket) {
        connect(tlsSocket, &QSslSocket::encrypted, this, [this, tlsSocket] {
            const TlsPolicy policy(m_endpoint.host, m_endpoint.tlsFingerprint, m_endpoint.tlsInsecure);
            if (!policy.pinMatches(tlsSocket->peerCertificate())) {
                // Valid for some authority, but not the certificate the user pinned.
                m_refusal = policy.pinMismatch(tlsSocket->peerCertificate());
                tlsSocket->abort();
                finish(m_refusal);
                return;
            }
            Q_EMIT opened();
        });
        connect(tlsSocket, &QSslSocket::sslErrors, this,
                [this, tlsSocket](const QList<QSslError> &errors) { onSslErrors(tlsSocket, errors); });
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &ServerConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { finish(QStringLiteral("Connection closed")); });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError err) {
        if (err == QAbstractSocket::RemoteHostClosedError)
            return; // disconnected() follows
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            finish(m_socket->errorString());
    });
}

ServerConnection::~ServerConnection() { m_socket->disconnect(this); }

void ServerConnection::open(const Endpoint &endpoint)
{
    m_live = false;
    m_socket->abort();
    useSocket(endpoint.tls);
    m_endpoint = endpoint;
    m_reader = LineReader();
    m_refusal.clear();
    m_live = true;
    if (!endpoint.tls) {
        m_socket->connectToHost(endpoint.host, endpoint.port);
        return;
    }
    auto *tlsSocket = static_cast<QSslSocket *>(m_socket);
    if (!endpoint.tlsCertFile.isEmpty()) {
        QSslCertificate certificate;
        QSslKey key;
        QString why;
        if (TlsPolicy::loadClientCertificate(endpoint.tlsCertFile, endpoint.tlsKeyFile, &certificate, &key, &why)) {
            tlsSocket->setLocalCertificate(certificate);
            tlsSocket->setPrivateKey(key);
        } else {
            Q_EMIT warning(why);
        }
    }
    tlsSocket->connectToHostEncrypted(endpoint.host, endpoint.port);
}

void ServerConnection::close() { m_socket->disconnectFromHost(); }

void ServerConnection::abort()
{
    m_live = false;
    m_socket->abort();
}

bool ServerConnection::isOpen() const { return m_socket->state() == QAbstractSocket::ConnectedState; }

void ServerConnection::write(const QByteArray &line) { m_socket->write(line + "\r\n"); }

QHostAddress ServerConnection::localAddress() const { return m_socket->localAddress(); }

quint16 ServerConnection::localPort() const { return m_socket->localPort(); }

void ServerConnection::finish(const QString &reason)
{
    // A socket may report its end twice (an error, then the disconnect): it is said once.
    if (!std::exchange(m_live, false))
        return;
    Q_EMIT closed(m_refusal.isEmpty() ? reason : m_refusal, !m_refusal.isEmpty());
}

void ServerConnection::onSslErrors(QSslSocket *socket, const QList<QSslError> &errors)
{
    QString why;
    const TlsPolicy policy(m_endpoint.host, m_endpoint.tlsFingerprint, m_endpoint.tlsInsecure);
    switch (policy.judge(socket->peerCertificate(), errors, &why)) {
    case TlsPolicy::Verdict::Accept:
        socket->ignoreSslErrors();
        return;
    case TlsPolicy::Verdict::AcceptUnverified:
        socket->ignoreSslErrors();
        Q_EMIT warning(why);
        return;
    case TlsPolicy::Verdict::Refuse:
        // Not ignored: the handshake fails, the socket closes, and closed() says why.
        m_refusal = why;
        return;
    }
}

void ServerConnection::onReadyRead()
{
    m_reader.append(m_socket->readAll());
    QByteArray line;
    for (;;) {
        const LineReader::Result r = m_reader.next(&line);
        if (r == LineReader::Result::NeedMore)
            break;
        if (r == LineReader::Result::TooLong || line.isEmpty())
            continue;
        if (const std::optional<IrcMessage> msg = IrcMessage::parse(line))
            Q_EMIT lineReceived(*msg);
        // What a line led to may have closed the connection: the rest is not read.
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            break;
    }
}
