// SPDX-License-Identifier: MIT
#pragma once

#include "saslclient.h"

#include <QSet>
#include <QStringList>
#include <functional>
#include <memory>

class IrcMessage;

// How a connection opens (IRCv3 CAP 302 and SASL 3.1): which capabilities to ask for among
// those offered, the login exchange, and when to say CAP END. It sends lines and reports
// failures through the callbacks it is given; ClientSession owns the socket.
class CapNegotiation {
public:
    using Send = std::function<void(const QByteArray &line)>;
    using Report = std::function<void(const QString &error)>;

    CapNegotiation(Send send, Report report);
    ~CapNegotiation();

    // A new connection: nothing is offered or enabled yet. `credentials` are used to log in
    // when `login` is set and no earlier login with them failed.
    void begin(const SaslClient::Credentials &credentials, bool login);
    // New credentials: a failed login may be tried again.
    void forgetFailure() { m_gaveUp = false; }

    // "CAP LS/ACK/NAK", an AUTHENTICATE challenge, and the SASL numerics (900-908): true if the
    // numeric was the login's. `registering` says whether CAP END is still to be sent.
    void onCap(const IrcMessage &msg, bool registering);
    void onAuthenticate(const QByteArray &param);
    bool onNumeric(int code, const QString &text, bool registering);

    bool isEnabled(const QString &cap) const { return m_enabled.contains(cap); }
    QSet<QString> enabled() const { return m_enabled; }
    bool isOffered(const QString &cap) const { return m_offered.contains(cap); }

private:
    bool wantsLogin() const { return m_login && !m_gaveUp; }
    void startLogin();
    // The login is over (or never started): registration goes on.
    void endLogin(const QString &failure, bool registering);

    Send m_send;
    Report m_report;
    SaslClient::Credentials m_credentials;
    bool m_login = false;
    bool m_gaveUp = false; // a login failed: not again until forgetFailure()
    QSet<QString> m_enabled;
    QStringList m_offered;
    QStringList m_mechanisms;           // from "sasl=..." in CAP LS
    std::unique_ptr<SaslClient> m_sasl; // the login in progress
    QString m_lastError;                // why this client gave the login up
};
