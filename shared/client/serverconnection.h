// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/linereader.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

class IrcMessage;
class QSslError;
class QSslSocket;
class QTcpSocket;

// One TCP or TLS connection to an IRC server, line by line: it connects (the certificate judged
// by TlsPolicy, a client certificate shown when one is given), reads IRC lines and writes them.
// It knows nothing of IRC beyond lines: ClientSession decides what they mean and when to connect
// again. It lives in the thread that creates it, and its socket with it.
class ServerConnection : public QObject {
    Q_OBJECT
public:
    struct Endpoint {
        QString host;
        quint16 port = 0;
        bool tls = false;
        QString tlsFingerprint; // SHA-256 of the one certificate to accept
        bool tlsInsecure = false;
        QString tlsCertFile; // a client certificate (SASL EXTERNAL), and its key
        QString tlsKeyFile;
    };

    // The most read from the socket ahead of being handled.
    static constexpr qint64 ReadBufferBytes = 256 * 1024;

    explicit ServerConnection(QObject *parent = nullptr);
    ~ServerConnection() override;

    // Drops any connection there is (without closed()) and connects anew.
    void open(const Endpoint &endpoint);
    // Sends what was written, then closes: closed() follows.
    void close();
    // Closes at once, without closed().
    void abort();
    bool isOpen() const;
    // One line, without its CR LF.
    void write(const QByteArray &line);
    QHostAddress localAddress() const;
    quint16 localPort() const;

Q_SIGNALS:
    // Connected, and for TLS, the certificate accepted.
    void opened();
    void lineReceived(const IrcMessage &message);
    // The connection is gone, and why. `final`: trying again would fail the same way (a
    // certificate that was refused).
    void closed(const QString &reason, bool final);
    // What the user must know while the connection goes on (a certificate not verified, a client
    // certificate that could not be read).
    void warning(const QString &text);

private:
    // A QTcpSocket for a plain endpoint, a QSslSocket for TLS: the one there is is kept when it fits.
    void useSocket(bool tls);
    void onSslErrors(QSslSocket *socket, const QList<QSslError> &errors);
    void onReadyRead();
    void finish(const QString &reason);

    QTcpSocket *m_socket = nullptr;
    Endpoint m_endpoint;
    LineReader m_reader;
    bool m_live = false; // open() was called and closed() has not been emitted since
    QString m_refusal;   // the certificate was refused: why
};
