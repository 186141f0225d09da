// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

class QSslCertificate;
class QSslError;
class QSslKey;

// What a client accepts of a server's TLS certificate. The system's CAs decide, unless the user
// pinned one certificate by its SHA-256 fingerprint (a self-signed server) or said --insecure.
// Every refusal says why and how to trust the certificate if the user does.
class TlsPolicy {
public:
    enum class Verdict { Accept, AcceptUnverified, Refuse };

    TlsPolicy(QString host, QString pinnedFingerprint, bool insecure);

    // After a handshake that some CA vouched for: the pin, if any, must match too.
    bool pinMatches(const QSslCertificate &certificate) const;
    // The certificate did not verify (QSslSocket::sslErrors): whether to go on. `why` says what
    // the user is told: the refusal, or the warning for an unverified connection.
    Verdict judge(const QSslCertificate &certificate, const QList<QSslError> &errors, QString *why) const;
    // The refusal for a certificate that verified but is not the pinned one.
    QString pinMismatch(const QSslCertificate &certificate) const;

    // A PEM certificate and its unencrypted key (in the certificate's file if keyFile is empty).
    static bool loadClientCertificate(const QString &certFile, const QString &keyFile, QSslCertificate *certificate,
                                      QSslKey *key, QString *error);

private:
    QString m_host;
    QString m_pin;
    bool m_insecure = false;
};
