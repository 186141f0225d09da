// SPDX-License-Identifier: MIT
#pragma once

#include <QMutex>
#include <QSslConfiguration>
#include <QString>

// The server's certificate and key, shared by every TLS connection. Worker threads take a copy
// of the configuration as each connection starts (QSslConfiguration is implicitly shared, so the
// copy is cheap); load() may run again at any time (SIGHUP) and only affects later connections.
class TlsContext {
public:
    TlsContext(QString certFile, QString keyFile);

    // Reads both files. On failure says why and keeps what was loaded before, so a bad renewal
    // never takes TLS down.
    bool load(QString *error);
    QSslConfiguration configuration() const;
    // SHA-256 of the current certificate, hex with colons, for the log and for clients pinning it.
    QString fingerprint() const;

private:
    const QString m_certFile;
    const QString m_keyFile;
    mutable QMutex m_lock;
    QSslConfiguration m_configuration; // guarded by m_lock
};
