// SPDX-License-Identifier: MIT
#include "tlspolicy.h"

#include "serveraddress.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QSslCertificate>
#include <QSslError>
#include <QSslKey>

namespace {
QString tr(const char *text) { return QCoreApplication::translate("TlsPolicy", text); }

QString fingerprintOf(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':')).toUpper();
}
} // namespace

TlsPolicy::TlsPolicy(QString host, QString pinnedFingerprint, bool insecure)
    : m_host(std::move(host))
    , m_pin(std::move(pinnedFingerprint))
    , m_insecure(insecure)
{
}

bool TlsPolicy::pinMatches(const QSslCertificate &certificate) const
{
    if (m_pin.isEmpty())
        return true;
    const QByteArray pinned = ServerAddress::normalizeFingerprint(m_pin);
    return !pinned.isEmpty() && certificate.digest(QCryptographicHash::Sha256).toHex() == pinned;
}

QString TlsPolicy::pinMismatch(const QSslCertificate &certificate) const
{
    return tr("TLS certificate of %1 does not match --tls-fingerprint (it is SHA-256 %2)")
        .arg(m_host, fingerprintOf(certificate));
}

TlsPolicy::Verdict TlsPolicy::judge(const QSslCertificate &certificate, const QList<QSslError> &errors,
                                    QString *why) const
{
    if (!m_pin.isEmpty() && !certificate.isNull()) {
        if (pinMatches(certificate))
            return Verdict::Accept; // the user vouched for exactly this certificate
        *why = pinMismatch(certificate);
        return Verdict::Refuse;
    }
    if (m_insecure) {
        *why = tr("TLS certificate NOT verified (--insecure): anyone between you and %1 can read and change "
                  "this conversation")
                   .arg(m_host);
        return Verdict::AcceptUnverified;
    }
    QStringList reasons;
    for (const QSslError &e : errors)
        reasons.append(e.errorString());
    reasons.removeDuplicates();
    *why = tr("TLS certificate of %1 not trusted: %2. If you trust it, connect with --tls-fingerprint %3")
               .arg(m_host, reasons.join(QStringLiteral("; ")), fingerprintOf(certificate));
    return Verdict::Refuse;
}

bool TlsPolicy::loadClientCertificate(const QString &certFile, const QString &keyFile, QSslCertificate *certificate,
                                      QSslKey *key, QString *error)
{
    QFile certIn(certFile);
    if (!certIn.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(certFile, certIn.errorString());
        return false;
    }
    *certificate = QSslCertificate(&certIn, QSsl::Pem);
    if (certificate->isNull()) {
        *error = tr("%1 holds no PEM certificate").arg(certFile);
        return false;
    }
    const QString keyPath = keyFile.isEmpty() ? certFile : keyFile;
    QFile keyIn(keyPath);
    if (!keyIn.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(keyPath, keyIn.errorString());
        return false;
    }
    const QByteArray pem = keyIn.readAll();
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        *key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key->isNull())
            return true;
    }
    *error = tr("%1 holds no unencrypted PEM private key").arg(keyPath);
    return false;
}
