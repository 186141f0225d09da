// SPDX-License-Identifier: MIT
#include "saslclient.h"

#include <QObject>

QString SaslClient::choose(const Credentials &credentials, const QStringList &offered, QString *error)
{
    const auto isOffered
        = [&](const QString &m) { return offered.isEmpty() || offered.contains(m, Qt::CaseInsensitive); };
    if (!credentials.mechanism.isEmpty()) {
        const QString wanted = credentials.mechanism.toUpper();
        if (isOffered(wanted))
            return wanted;
        *error = QObject::tr("the server does not offer %1 (it offers %2)").arg(wanted, offered.join(u", "));
        return {};
    }
    if (credentials.account.isEmpty() && credentials.hasCertificate && isOffered(QStringLiteral("EXTERNAL")))
        return QStringLiteral("EXTERNAL");
    if (!offered.isEmpty() && offered.contains(QStringLiteral("SCRAM-SHA-256"), Qt::CaseInsensitive))
        return QStringLiteral("SCRAM-SHA-256");
    if (isOffered(QStringLiteral("PLAIN")))
        return QStringLiteral("PLAIN");
    *error = QObject::tr("the server offers no mechanism this client knows (%1)").arg(offered.join(u", "));
    return {};
}

SaslClient::SaslClient(Credentials credentials, QString mechanism)
    : m_credentials(std::move(credentials))
    , m_mechanism(std::move(mechanism))
{
}

QByteArray SaslClient::startLine() const { return "AUTHENTICATE " + m_mechanism.toLatin1(); }

QList<QByteArray> SaslClient::payloadLines(const QByteArray &payload) const
{
    QList<QByteArray> out;
    for (const QByteArray &chunk : Sasl::encode(payload))
        out.append("AUTHENTICATE " + chunk);
    return out;
}

bool SaslClient::receive(const QByteArray &param, QList<QByteArray> *lines, QString *error)
{
    switch (m_collector.add(param)) {
    case Sasl::Collector::NeedMore:
        return true;
    case Sasl::Collector::TooLong:
    case Sasl::Collector::Invalid:
        *error = QObject::tr("the server sent a malformed SASL message");
        return false;
    case Sasl::Collector::Complete:
        break;
    }
    const QByteArray data = m_collector.payload();
    const QByteArray account = m_credentials.account.toUtf8();
    if (m_mechanism == u"PLAIN") {
        *lines = payloadLines(Sasl::plainMessage(account, m_credentials.password));
        return true;
    }
    if (m_mechanism == u"EXTERNAL") {
        *lines = payloadLines(account); // empty: the certificate names the account
        return true;
    }
    if (m_mechanism != u"SCRAM-SHA-256") {
        *error = QObject::tr("unknown mechanism %1").arg(m_mechanism);
        return false;
    }
    QByteArray scramError;
    switch (m_step++) {
    case 0:
        m_scram = std::make_unique<Scram::ClientExchange>(account, m_credentials.password);
        *lines = payloadLines(m_scram->first());
        return true;
    case 1: {
        QByteArray reply;
        if (!m_scram->receiveChallenge(data, &reply, &scramError)) {
            *error = QString::fromUtf8(scramError);
            return false;
        }
        *lines = payloadLines(reply);
        return true;
    }
    case 2:
        // The server's proof that it knows the verifier: without it, this is not our server.
        if (!m_scram->receiveFinal(data, &scramError)) {
            *error = QString::fromUtf8(scramError);
            return false;
        }
        *lines = {"AUTHENTICATE +"};
        return true;
    default:
        *error = QObject::tr("the server sent more than SCRAM-SHA-256 has");
        return false;
    }
}
