// SPDX-License-Identifier: MIT
#include "tlscontext.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslKey>
#include <QSslSocket>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace {
// Whether `key` is the private key of `certificate`. Qt has no way to ask; without the check a
// mismatch shows only at the first handshake, as a client's failure.
bool keyMatches(const QSslCertificate &certificate, const QSslKey &key)
{
    const QByteArray certDer = certificate.toDer();
    const QByteArray keyDer = key.toDer();
    const auto *certData = reinterpret_cast<const unsigned char *>(certDer.constData());
    const auto *keyData = reinterpret_cast<const unsigned char *>(keyDer.constData());
    X509 *x509 = d2i_X509(nullptr, &certData, long(certDer.size()));
    EVP_PKEY *pkey = d2i_AutoPrivateKey(nullptr, &keyData, long(keyDer.size()));
    const bool matches = x509 && pkey && X509_check_private_key(x509, pkey) == 1;
    EVP_PKEY_free(pkey);
    X509_free(x509);
    return matches;
}
} // namespace

TlsContext::TlsContext(QString certFile, QString keyFile)
    : m_certFile(std::move(certFile))
    , m_keyFile(std::move(keyFile))
{
}

bool TlsContext::load(QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available: Qt found no TLS backend (is libssl installed?)");
        return false;
    }
    QFile certFile(m_certFile);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read certificate %1: %2").arg(m_certFile, certFile.errorString());
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(m_certFile);
        return false;
    }
    QFile keyFile(m_keyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read private key %1: %2").arg(m_keyFile, keyFile.errorString());
        return false;
    }
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("%1 holds no unencrypted PEM private key (RSA, EC or DSA)").arg(m_keyFile);
        return false;
    }
    if (!keyMatches(chain.first(), key)) {
        *error = QStringLiteral("the private key in %1 does not belong to the certificate in %2")
                     .arg(m_keyFile, m_certFile);
        return false;
    }
    if (chain.first().expiryDate() < QDateTime::currentDateTimeUtc()) {
        *error = QStringLiteral("the certificate in %1 expired on %2")
                     .arg(m_certFile, chain.first().expiryDate().toString(Qt::ISODate));
        return false;
    }

    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    // A client certificate is asked for but never required, nor checked against a CA: it is only
    // an identity that an account may claim (CERT ADD) for SASL EXTERNAL.
    config.setPeerVerifyMode(QSslSocket::QueryPeer);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    QMutexLocker lock(&m_lock);
    m_configuration = config;
    return true;
}

QSslConfiguration TlsContext::configuration() const
{
    QMutexLocker lock(&m_lock);
    return m_configuration;
}

QString TlsContext::fingerprint() const
{
    const QSslConfiguration config = configuration();
    if (config.localCertificate().isNull())
        return {};
    return QString::fromLatin1(config.localCertificate().digest(QCryptographicHash::Sha256).toHex(':')).toUpper();
}
