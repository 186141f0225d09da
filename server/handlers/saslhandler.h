// SPDX-License-Identifier: MIT
#pragma once

#include "auth/sasl.h"
#include "auth/scram.h"
#include "commandhandler.h"
#include "net/clientid.h"

#include <QByteArray>
#include <QHash>

class AccountService;
class IrcMessage;
class RegistrationHandler;
struct HubClient;

// SASL (IRCv3 sasl 3.2): AUTHENTICATE with PLAIN, SCRAM-SHA-256 and EXTERNAL, and the 900-908
// numerics. PLAIN's password is checked off the hub's thread (AccountService); SCRAM needs only a
// few hashes, done here; EXTERNAL compares the TLS client certificate's fingerprint.
class SaslHandler : public CommandHandler {
public:
    SaslHandler(Hub &hub, AccountService &accounts, RegistrationHandler &registration);

private:
    // One exchange in progress.
    struct Exchange {
        QByteArray mechanism;
        Sasl::Collector collector;
        int step = 0;
        Scram::ServerExchange scram;
        QByteArray account; // SCRAM: the account being proven
    };

    void authenticate(HubClient &client, const IrcMessage &msg);
    void start(HubClient &client, const QByteArray &mechanism);
    void step(HubClient &client, Exchange &exchange, const QByteArray &payload);
    void plainStep(HubClient &client, const QByteArray &payload);
    void scramStep(HubClient &client, Exchange &exchange, const QByteArray &payload);
    void sendChallenge(HubClient &client, const QByteArray &data);
    bool throttled(HubClient &client, const QByteArray &account);
    void succeeded(HubClient &client, const QByteArray &account, const QByteArray &mechanism);
    void failed(HubClient &client, const QByteArray &account, const QByteArray &mechanism, const QByteArray &why);
    void abort(HubClient &client);

    AccountService &m_accounts;
    RegistrationHandler &m_registration;
    QHash<ClientId, Exchange> m_exchanges;
};
