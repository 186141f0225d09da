// SPDX-License-Identifier: MIT
#include "capnegotiation.h"

#include "protocol/ircmessage.h"
#include "protocol/numerics.h"

#include <QObject>

namespace {
// What a session knows how to use; it asks for the ones the server offers.
const QStringList WantedCaps
    = {QStringLiteral("server-time"),       QStringLiteral("echo-message"),     QStringLiteral("multi-prefix"),
       QStringLiteral("away-notify"),       QStringLiteral("message-tags"),     QStringLiteral("batch"),
       QStringLiteral("draft/chathistory"), QStringLiteral("draft/read-marker")};
} // namespace

CapNegotiation::CapNegotiation(Send send, Report report)
    : m_send(std::move(send))
    , m_report(std::move(report))
{
}

CapNegotiation::~CapNegotiation() = default;

void CapNegotiation::begin(const SaslClient::Credentials &credentials, bool login)
{
    m_credentials = credentials;
    m_login = login;
    m_enabled.clear();
    m_offered.clear();
    m_mechanisms.clear();
    m_sasl.reset();
    m_lastError.clear();
    m_send("CAP LS 302");
}

void CapNegotiation::onCap(const IrcMessage &msg, bool registering)
{
    const QByteArray sub = msg.param(1).toUpper();
    if (sub == "LS") {
        // "CAP * LS * :..." continues on the next line; the last line has no "*".
        const bool more = msg.params.size() > 3 && msg.param(2) == "*";
        for (const QByteArray &cap : msg.params.last().split(' ')) {
            const qsizetype eq = cap.indexOf('=');
            const QByteArray name = cap.left(eq < 0 ? cap.size() : eq);
            if (!name.isEmpty())
                m_offered.append(QString::fromUtf8(name));
            if (name == "sasl" && eq >= 0)
                m_mechanisms = QString::fromUtf8(cap.mid(eq + 1)).split(u',', Qt::SkipEmptyParts);
        }
        if (more || !registering)
            return;
        QStringList request;
        for (const QString &cap : WantedCaps)
            if (m_offered.contains(cap))
                request.append(cap);
        if (wantsLogin()) {
            if (m_offered.contains(QStringLiteral("sasl")))
                request.append(QStringLiteral("sasl"));
            else
                m_report(QObject::tr("This server offers no SASL login; connected without logging in as %1")
                             .arg(m_credentials.account.isEmpty() ? QObject::tr("your certificate")
                                                                  : m_credentials.account));
        }
        if (request.isEmpty()) {
            m_send("CAP END");
        } else {
            m_send("CAP REQ :" + request.join(u' ').toUtf8());
        }
    } else if (sub == "ACK") {
        for (const QByteArray &cap : msg.params.last().split(' ')) {
            if (cap.startsWith('-'))
                m_enabled.remove(QString::fromUtf8(cap.mid(1)));
            else if (!cap.isEmpty())
                m_enabled.insert(QString::fromUtf8(cap));
        }
        if (!registering)
            return;
        if (m_enabled.contains(QStringLiteral("sasl")) && wantsLogin() && !m_sasl)
            startLogin();
        else
            m_send("CAP END");
    } else if (sub == "NAK") {
        if (registering)
            m_send("CAP END");
    }
}

void CapNegotiation::startLogin()
{
    QString why;
    const QString mechanism = SaslClient::choose(m_credentials, m_mechanisms, &why);
    if (mechanism.isEmpty()) {
        endLogin(why, true);
        return;
    }
    m_sasl = std::make_unique<SaslClient>(m_credentials, mechanism);
    m_send(m_sasl->startLine());
}

void CapNegotiation::onAuthenticate(const QByteArray &param)
{
    if (!m_sasl)
        return;
    QList<QByteArray> lines;
    QString why;
    if (!m_sasl->receive(param, &lines, &why)) {
        // The server answers 906, which ends the login.
        m_lastError = why;
        m_send("AUTHENTICATE *");
        return;
    }
    for (const QByteArray &line : std::as_const(lines))
        m_send(line);
}

bool CapNegotiation::onNumeric(int code, const QString &text, bool registering)
{
    switch (code) {
    case Numeric::RPL_SASLSUCCESS:
        endLogin({}, registering);
        return true;
    case Numeric::ERR_SASLFAIL:
    case Numeric::ERR_SASLTOOLONG:
    case Numeric::ERR_SASLABORTED:
        if (m_sasl || registering) {
            endLogin(m_lastError.isEmpty() ? text : std::exchange(m_lastError, {}), registering);
            return true;
        }
        return false;
    default:
        return false;
    }
}

void CapNegotiation::endLogin(const QString &failure, bool registering)
{
    const bool wasRunning = m_sasl != nullptr || !failure.isEmpty();
    m_sasl.reset();
    if (!failure.isEmpty()) {
        m_gaveUp = true;
        const QString who = m_credentials.account.isEmpty() ? QObject::tr("your certificate") : m_credentials.account;
        m_report(QObject::tr("Login as %1 failed: %2. Connected without logging in (not retried on reconnect).")
                     .arg(who, failure));
    }
    if (wasRunning && registering)
        m_send("CAP END");
}
