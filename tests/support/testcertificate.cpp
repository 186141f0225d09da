// SPDX-License-Identifier: MIT
#include "testcertificate.h"

#include <QDebug>
#include <QFile>
#include <QProcess>

bool TestCertificate::make(const QString &certName, const QString &keyName)
{
    m_certFile = m_dir.filePath(certName);
    m_keyFile = m_dir.filePath(keyName);
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1"), QStringLiteral("-keyout"), m_keyFile,
                   QStringLiteral("-out"), m_certFile});
    if (!openssl.waitForFinished(30000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        qWarning() << "openssl failed:" << openssl.errorString() << openssl.readAllStandardError();
        return false;
    }
    return true;
}

QSslCertificate TestCertificate::certificate() const
{
    QFile f(m_certFile);
    if (!f.open(QIODevice::ReadOnly))
        return QSslCertificate();
    return QSslCertificate(f.readAll(), QSsl::Pem);
}
