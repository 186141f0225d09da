// SPDX-License-Identifier: MIT
#include "saslhandler.h"

#include "accountservice.h"
#include "config/serverconfig.h"
#include "hub/hub.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"
#include "registrationhandler.h"

namespace {
const QByteArray Mechanisms = "PLAIN,SCRAM-SHA-256,EXTERNAL";
const QByteArray Failed = "SASL authentication failed: ";

bool sameName(const QByteArray &a, const QByteArray &b) { return IrcNames::fold(a) == IrcNames::fold(b); }
} // namespace

SaslHandler::SaslHandler(Hub &hub, AccountService &accounts, RegistrationHandler &registration)
    : CommandHandler(hub)
    , m_accounts(accounts)
    , m_registration(registration)
{
    using namespace std::placeholders;
    hub.addCommand("AUTHENTICATE", 1, false, std::bind(&SaslHandler::authenticate, this, _1, _2));
    hub.onClientGone([this](HubClient &client) { m_exchanges.remove(client.id); });
    // IRCv3's rule: a client that ends registration mid-exchange has given the exchange up.
    registration.onCapEnd([this](HubClient &client) {
        if (m_exchanges.contains(client.id))
            abort(client);
    });
}

void SaslHandler::authenticate(HubClient &client, const IrcMessage &msg)
{
    if (!client.account.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_SASLALREADY, {"You have already authenticated using SASL"});
        return;
    }
    if (client.authPending)
        return; // the last payload is being checked; its answer ends this exchange
    const QByteArray &param = msg.params.at(0);
    auto it = m_exchanges.find(client.id);
    if (param == "*") {
        abort(client);
        return;
    }
    if (it == m_exchanges.end()) {
        start(client, param.toUpper());
        return;
    }
    switch (it->collector.add(param)) {
    case Sasl::Collector::NeedMore:
        return;
    case Sasl::Collector::TooLong:
        m_exchanges.erase(it);
        m_hub.reply(client, Numeric::ERR_SASLTOOLONG, {"SASL message too long"});
        return;
    case Sasl::Collector::Invalid: {
        const QByteArray mechanism = it->mechanism;
        m_exchanges.erase(it);
        failed(client, {}, mechanism, Failed + "the message is not base64");
        return;
    }
    case Sasl::Collector::Complete:
        step(client, *it, it->collector.payload());
        return;
    }
}

void SaslHandler::start(HubClient &client, const QByteArray &mechanism)
{
    const ServerConfig &config = m_hub.config();
    if (!m_hub.accounts().isAvailable()) {
        m_hub.reply(client, Numeric::ERR_SASLFAIL, {Failed + "this server has no accounts database"});
        return;
    }
    if (mechanism == "PLAIN") {
        if (!client.tls && !(client.loopback && config.plaintextSaslFromLoopback) && !config.allowPlaintextSasl) {
            m_hub.reply(client, Numeric::ERR_SASLFAIL,
                        {Failed + "PLAIN would send your password unencrypted; connect with TLS or use SCRAM-SHA-256"});
            return;
        }
    } else if (mechanism == "EXTERNAL") {
        if (client.certificate.isEmpty()) {
            m_hub.reply(client, Numeric::ERR_SASLFAIL, {Failed + "EXTERNAL needs a TLS client certificate"});
            return;
        }
    } else if (mechanism != "SCRAM-SHA-256") {
        m_hub.reply(client, Numeric::RPL_SASLMECHS, {Mechanisms, "are available SASL mechanisms"});
        m_hub.reply(client, Numeric::ERR_SASLFAIL, {Failed + "unknown mechanism"});
        return;
    }
    Exchange &exchange = m_exchanges[client.id];
    exchange = Exchange();
    exchange.mechanism = mechanism;
    m_hub.send(client, IrcMessage("AUTHENTICATE", {"+"}));
}

void SaslHandler::step(HubClient &client, Exchange &exchange, const QByteArray &payload)
{
    if (exchange.mechanism == "SCRAM-SHA-256") {
        scramStep(client, exchange, payload);
        return;
    }
    const QByteArray mechanism = exchange.mechanism;
    m_exchanges.remove(client.id); // PLAIN and EXTERNAL take one step: `exchange` is gone now
    if (mechanism == "PLAIN") {
        plainStep(client, payload);
        return;
    }
    // EXTERNAL: the certificate names the account; the payload may name it too.
    const AccountRecord *record = m_hub.accounts().findByCertificate(client.certificate);
    if (!record || (!payload.isEmpty() && !sameName(payload, record->name))) {
        failed(client, payload, mechanism, Failed + "no account has this certificate");
        return;
    }
    if (!throttled(client, record->name))
        succeeded(client, record->name, mechanism);
}

void SaslHandler::plainStep(HubClient &client, const QByteArray &payload)
{
    const auto plain = Sasl::parsePlain(payload);
    if (!plain) {
        failed(client, {}, "PLAIN", Failed + "malformed PLAIN message");
        return;
    }
    if (!plain->authzid.isEmpty() && !sameName(plain->authzid, plain->authcid)) {
        failed(client, plain->authcid, "PLAIN", Failed + "you may only log in as yourself");
        return;
    }
    if (throttled(client, plain->authcid))
        return;
    m_accounts.checkPassword(client, plain->authcid, plain->password,
                             [this, name = plain->authcid](HubClient *c, const PasswordJob &job) {
                                 if (!c)
                                     return;
                                 const AccountRecord *record = m_hub.accounts().find(name);
                                 if (job.matched && record)
                                     succeeded(*c, record->name, "PLAIN");
                                 else
                                     failed(*c, name, "PLAIN", Failed + "wrong account name or password");
                                 m_registration.tryComplete(*c);
                             });
}

void SaslHandler::scramStep(HubClient &client, Exchange &exchange, const QByteArray &payload)
{
    const QByteArray mechanism = exchange.mechanism;
    QByteArray error;
    if (exchange.step == 0) {
        if (!exchange.scram.receiveFirst(payload, &error)) {
            m_exchanges.remove(client.id);
            failed(client, {}, mechanism, Failed + error);
            return;
        }
        const Scram::ClientFirst first = exchange.scram.first();
        if (!first.authzid.isEmpty() && !sameName(first.authzid, first.user)) {
            m_exchanges.remove(client.id);
            failed(client, first.user, mechanism, Failed + "you may only log in as yourself");
            return;
        }
        if (throttled(client, first.user)) {
            m_exchanges.remove(client.id);
            return;
        }
        // An unknown name gets a challenge like any other (a decoy's), and fails at the proof.
        const AccountRecord *record = m_hub.accounts().find(first.user);
        exchange.account = first.user;
        exchange.step = 1;
        sendChallenge(client, exchange.scram.challenge(record ? record->verifier : m_accounts.decoy(first.user)));
        return;
    }
    const QByteArray account = exchange.account;
    if (exchange.step == 1) {
        QByteArray reply;
        if (!exchange.scram.receiveFinal(payload, &reply, &error) || !m_hub.accounts().exists(account)) {
            m_exchanges.remove(client.id);
            failed(client, account, mechanism, Failed + "wrong account name or password");
            return;
        }
        // The server proves itself too; the client answers "+" and is then logged in.
        exchange.step = 2;
        sendChallenge(client, reply);
        return;
    }
    m_exchanges.remove(client.id);
    const AccountRecord *record = m_hub.accounts().find(account);
    if (!payload.isEmpty() || !record) {
        failed(client, account, mechanism, Failed + "unexpected message");
        return;
    }
    succeeded(client, record->name, mechanism);
}

void SaslHandler::sendChallenge(HubClient &client, const QByteArray &data)
{
    for (const QByteArray &chunk : Sasl::encode(data))
        m_hub.send(client, IrcMessage("AUTHENTICATE", {chunk}));
}

bool SaslHandler::throttled(HubClient &client, const QByteArray &account)
{
    const qint64 wait = m_accounts.throttleWaitMs(client, account);
    if (wait <= 0)
        return false;
    m_hub.reply(
        client, Numeric::ERR_SASLFAIL,
        {Failed + "too many failed attempts; try again in " + QByteArray::number((wait + 999) / 1000) + " seconds"});
    return true;
}

void SaslHandler::succeeded(HubClient &client, const QByteArray &account, const QByteArray &mechanism)
{
    m_accounts.logIn(client, account, "SASL " + mechanism);
    m_hub.reply(client, Numeric::RPL_SASLSUCCESS, {"SASL authentication successful"});
}

void SaslHandler::failed(HubClient &client, const QByteArray &account, const QByteArray &mechanism,
                         const QByteArray &why)
{
    m_accounts.loginFailed(client, account, "SASL " + mechanism);
    m_hub.reply(client, Numeric::ERR_SASLFAIL, {why});
}

void SaslHandler::abort(HubClient &client)
{
    m_exchanges.remove(client.id);
    m_hub.reply(client, Numeric::ERR_SASLABORTED, {"SASL authentication aborted"});
}
