// SPDX-License-Identifier: MIT
#pragma once

#include <QSslCertificate>
#include <QString>
#include <QTemporaryDir>

// A throw-away self-signed certificate made with the openssl command at test time (for
// localhost and 127.0.0.1), in a temporary directory that goes with this object.
class TestCertificate {
public:
    // Writes cert.pem and key.pem (or the given names); false (with a warning) if openssl fails.
    bool make(const QString &certName = QStringLiteral("cert.pem"), const QString &keyName = QStringLiteral("key.pem"));
    QString certFile() const { return m_certFile; }
    QString keyFile() const { return m_keyFile; }
    QSslCertificate certificate() const;
    QString dir() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    QString m_certFile;
    QString m_keyFile;
};
