// SPDX-License-Identifier: MIT
#include "nickservhandler.h"

#include "accountservice.h"
#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "hub/hub.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"
#include "registrationhandler.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>

namespace {
const QByteArray ServiceNick = "NickServ";
const QByteArray ServicePrefix = "NickServ!NickServ@services.";

bool sameName(const QByteArray &a, const QByteArray &b) { return IrcNames::fold(a) == IrcNames::fold(b); }

// Names no one may register: the service's and those given to renamed users.
bool isReservedName(const QByteArray &name)
{
    const QByteArray folded = IrcNames::fold(name);
    if (folded == "nickserv")
        return true;
    if (!folded.startsWith("guest") || folded.size() == 5)
        return false;
    for (char c : folded.mid(5))
        if (c < '0' || c > '9')
            return false;
    return true;
}

// A SHA-256 fingerprint as 64 lowercase hex digits (colons allowed in what users paste), or empty.
QByteArray fingerprintFrom(QByteArray text)
{
    text = text.toLower().replace(':', "");
    if (text.size() != 64)
        return {};
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return {};
    return text;
}

QList<QByteArray> words(const QByteArray &text)
{
    QList<QByteArray> out;
    for (const QByteArray &w : text.split(' '))
        if (!w.isEmpty())
            out.append(w);
    return out;
}
} // namespace

NickServHandler::NickServHandler(Hub &hub, AccountService &accounts, RegistrationHandler &registration)
    : CommandHandler(hub)
    , m_accounts(accounts)
    , m_graceTimer(new QTimer(this))
{
    m_clock.start();
    using namespace std::placeholders;
    hub.addCommand("REGISTER", 3, false, std::bind(&NickServHandler::registerCommand, this, _1, _2));
    hub.addCommand("REGAIN", 1, true, std::bind(&NickServHandler::regainCommand, this, _1, _2));
    const auto direct = [this](HubClient &client, const IrcMessage &msg) { service(client, msg.params.join(' ')); };
    hub.addCommand("NICKSERV", 1, true, direct);
    hub.addCommand("NS", 1, true, direct);
    hub.addService(ServiceNick, std::bind(&NickServHandler::service, this, _1, _2));
    hub.onClientGone([this](HubClient &client) { m_graceEnds.remove(client.id); });
    registration.onNickTaken(std::bind(&NickServHandler::nickTaken, this, _1));
    m_graceTimer->setInterval(1000);
    connect(m_graceTimer, &QTimer::timeout, this, &NickServHandler::enforce);
    hub.onShutdown([this] { m_graceTimer->stop(); });
}

void NickServHandler::notice(HubClient &client, const QByteArray &text)
{
    IrcMessage out("NOTICE", {client.displayNick(), text}, ServicePrefix);
    out.trailing = true;
    m_hub.send(client, std::move(out));
}

std::pair<QByteArray, QByteArray> NickServHandler::passwordProblem(const QByteArray &password)
{
    if (password.isEmpty() || password == "*" || password.size() > MaxPasswordBytes)
        return {"UNACCEPTABLE_PASSWORD", "A password is " + QByteArray::number(MinPasswordChars) + " to "
                                             + QByteArray::number(MaxPasswordBytes) + " bytes"};
    if (QString::fromUtf8(password).size() < MinPasswordChars)
        return {"WEAK_PASSWORD", "A password has at least " + QByteArray::number(MinPasswordChars) + " characters"};
    return {};
}

void NickServHandler::registerCommand(HubClient &client, const IrcMessage &msg)
{
    QByteArray account = msg.params.at(0) == "*" ? client.nick : msg.params.at(0);
    const QByteArray label = m_hub.deferReply();
    Reply reply;
    reply.fail = [this, &client, label](const QByteArray &code, const QByteArray &name, const QByteArray &text) {
        IrcMessage fail("FAIL", {"REGISTER", code});
        if (!name.isEmpty())
            fail.params.append(name);
        fail.params.append(text);
        fail.trailing = true;
        if (!label.isEmpty())
            fail.setTag("label", label);
        m_hub.send(client, std::move(fail));
    };
    if (!client.registered) {
        reply.fail("COMPLETE_CONNECTION_REQUIRED", {}, "Finish connecting before you register");
        return;
    }
    if (!sameName(account, client.nick)) {
        reply.fail("ACCOUNT_NAME_MUST_BE_NICK", account, "You may only register the nick you are using");
        return;
    }
    reply.registered = [this, &client, label](const QByteArray &name) {
        IrcMessage success("REGISTER", {"SUCCESS", name, "Account created"});
        success.trailing = true;
        if (!label.isEmpty())
            success.setTag("label", label);
        m_hub.send(client, std::move(success));
    };
    createAccount(client, client.nick, msg.params.at(2), true, std::move(reply));
}

void NickServHandler::createAccount(HubClient &client, const QByteArray &account, const QByteArray &password,
                                    bool logIn, Reply reply)
{
    const ServerConfig &config = m_hub.config();
    AccountRegistry &registry = m_hub.accounts();
    if (!registry.isAvailable())
        return reply.fail("TEMPORARILY_UNAVAILABLE", account, "This server has no accounts database");
    if (!config.registrationOpen && !client.isOper())
        return reply.fail("TEMPORARILY_UNAVAILABLE", account, "Registration is closed on this server");
    if (logIn && !client.account.isEmpty())
        return reply.fail("ALREADY_AUTHENTICATED", client.account, "You are already logged in as " + client.account);
    if (isReservedName(account) || !IrcNames::isValidNick(account, config.nickLen))
        return reply.fail("BAD_ACCOUNT_NAME", account, "This name cannot be registered");
    if (registry.exists(account) || registry.isReserved(account))
        return reply.fail("ACCOUNT_EXISTS", account, "This account is already registered");
    if (const auto [code, text] = passwordProblem(password); !code.isEmpty())
        return reply.fail(code, account, text);
    if (client.authPending)
        return reply.fail("TEMPORARILY_UNAVAILABLE", account, "Your last request is still being handled");
    registry.reserve(account);
    const ClientId by = client.id;
    const QByteArray address = client.address;
    // The reply's functions hold a reference to the client: they run only while it is live.
    m_accounts.makeVerifier(
        client, password, [this, account, logIn, reply, by, address](HubClient *c, const PasswordJob &job) {
            if (!c) {
                m_hub.accounts().release(account);
                return;
            }
            AccountWrite change;
            change.record = {account, job.verifier, QDateTime::currentSecsSinceEpoch(), {}};
            m_accounts.write(
                c, change,
                [this, record = change.record, logIn, reply, by, address](HubClient *c, const QString &error) {
                    m_hub.accounts().release(record.name);
                    if (!error.isEmpty()) {
                        if (c)
                            reply.fail("TEMPORARILY_UNAVAILABLE", record.name,
                                       "The account could not be saved; try again later");
                        return;
                    }
                    m_hub.accounts().put(record);
                    qCInfo(lcServer, "account %s registered by #%llu from %s", record.name.constData(), qulonglong(by),
                           address.constData());
                    if (!c)
                        return;
                    reply.registered(record.name);
                    if (logIn) {
                        m_accounts.logIn(*c, record.name, "registration");
                        m_graceEnds.remove(c->id);
                    }
                });
        });
}

void NickServHandler::service(HubClient &client, const QByteArray &text)
{
    const QList<QByteArray> args = words(text);
    const QByteArray command = args.value(0).toUpper();
    const QList<QByteArray> rest = args.mid(1);
    if (command.isEmpty() || command == "HELP")
        return help(client);
    if (!m_hub.accounts().isAvailable())
        return notice(client, "Accounts are unavailable on this server.");
    if (client.authPending)
        return notice(client, "Your last request is still being handled; try again in a moment.");
    Reply reply;
    reply.fail
        = [this, &client](const QByteArray &, const QByteArray &, const QByteArray &why) { notice(client, why + '.'); };
    if (command == "REGISTER") {
        if (rest.isEmpty())
            return notice(client, "Syntax: REGISTER <password>");
        reply.registered = [this, &client](const QByteArray &name) {
            notice(client, "Account " + name + " registered; you are now logged in to it.");
        };
        return createAccount(client, client.nick, rest.at(0), true, std::move(reply));
    }
    if (command == "SAREGISTER") {
        if (!client.isOper())
            return notice(client, "Only IRC operators may register accounts for others.");
        if (rest.size() < 2)
            return notice(client, "Syntax: SAREGISTER <account> <password>");
        reply.registered
            = [this, &client](const QByteArray &name) { notice(client, "Account " + name + " registered."); };
        return createAccount(client, rest.at(0), rest.at(1), false, std::move(reply));
    }
    if (command == "IDENTIFY" || command == "LOGIN")
        return identify(client, rest);
    if (command == "SET")
        return setPassword(client, rest);
    if (command == "DROP")
        return drop(client, rest);
    if (command == "INFO")
        return info(client, rest);
    if (command == "CERT")
        return cert(client, rest);
    if (command == "REGAIN" || command == "GHOST" || command == "RECOVER") {
        if (rest.isEmpty())
            return notice(client, "Syntax: REGAIN <nick>");
        return regain(client, rest.at(0), [this, &client](const QByteArray &why) { notice(client, why); });
    }
    notice(client, "Unknown command " + command + ". /msg NickServ HELP lists them.");
}

void NickServHandler::identify(HubClient &client, const QList<QByteArray> &args)
{
    if (args.isEmpty())
        return notice(client, "Syntax: IDENTIFY [account] <password>");
    if (!client.account.isEmpty())
        return notice(client, "You are already logged in as " + client.account + ".");
    const QByteArray account = args.size() >= 2 ? args.at(0) : client.nick;
    const QByteArray password = args.size() >= 2 ? args.at(1) : args.at(0);
    if (const qint64 wait = m_accounts.throttleWaitMs(client, account); wait > 0)
        return notice(client, "Too many failed attempts; try again in " + QByteArray::number((wait + 999) / 1000)
                                  + " seconds.");
    m_accounts.checkPassword(client, account, password, [this, account](HubClient *c, const PasswordJob &job) {
        if (!c)
            return;
        const AccountRecord *record = m_hub.accounts().find(account);
        if (!job.matched || !record || !c->account.isEmpty()) {
            m_accounts.loginFailed(*c, account, "NickServ IDENTIFY");
            notice(*c, "Invalid account name or password.");
            return;
        }
        m_accounts.logIn(*c, record->name, "NickServ IDENTIFY");
        if (sameName(c->nick, record->name))
            m_graceEnds.remove(c->id);
        notice(*c, "You are now identified for " + record->name + '.');
    });
}

void NickServHandler::save(HubClient &client, const AccountRecord &record, const QByteArray &done)
{
    AccountWrite change;
    change.record = record;
    m_accounts.write(&client, change, [this, record, done](HubClient *c, const QString &error) {
        if (!error.isEmpty()) {
            if (c)
                notice(*c, "The change could not be saved; try again later.");
            return;
        }
        m_hub.accounts().put(record);
        if (c)
            notice(*c, done);
    });
}

void NickServHandler::setPassword(HubClient &client, const QList<QByteArray> &args)
{
    if (args.size() < 2 || args.at(0).toUpper() != "PASSWORD")
        return notice(client, "Syntax: SET PASSWORD <new password>");
    if (client.account.isEmpty())
        return notice(client, "You are not logged in.");
    if (const auto [code, text] = passwordProblem(args.at(1)); !code.isEmpty())
        return notice(client, text + '.');
    const QByteArray account = client.account;
    m_accounts.makeVerifier(client, args.at(1), [this, account](HubClient *c, const PasswordJob &job) {
        const AccountRecord *record = m_hub.accounts().find(account);
        if (!c || !record)
            return;
        AccountRecord changed = *record;
        changed.verifier = job.verifier;
        save(*c, changed, "Your password is changed.");
    });
}

void NickServHandler::drop(HubClient &client, const QList<QByteArray> &args)
{
    const QByteArray account = args.isEmpty() ? client.account : args.at(0);
    if (account.isEmpty())
        return notice(client, "You are not logged in. Syntax: DROP [account]");
    if (!sameName(account, client.account) && !client.isOper())
        return notice(client, "You may only drop your own account.");
    const AccountRecord *record = m_hub.accounts().find(account);
    if (!record)
        return notice(client, "There is no account " + account + '.');
    AccountWrite change;
    change.operation = AccountWrite::Drop;
    change.record.name = record->name;
    m_accounts.write(&client, change, [this, name = record->name](HubClient *c, const QString &error) {
        if (!error.isEmpty()) {
            if (c)
                notice(*c, "The account could not be dropped; try again later.");
            return;
        }
        m_hub.accounts().remove(name);
        qCInfo(lcServer, "account %s dropped", name.constData());
        m_accounts.logOutEverywhere(name);
        if (c)
            notice(*c, "Account " + name + " is dropped.");
    });
}

void NickServHandler::info(HubClient &client, const QList<QByteArray> &args)
{
    const QByteArray account = args.isEmpty() ? (client.account.isEmpty() ? client.nick : client.account) : args.at(0);
    const AccountRecord *record = m_hub.accounts().find(account);
    if (!record)
        return notice(client, account + " is not registered.");
    notice(client, "Account " + record->name + ", registered "
                       + QDateTime::fromSecsSinceEpoch(record->createdAt, Qt::UTC).toString(Qt::ISODate).toLatin1()
                       + '.');
    int online = 0;
    for (const HubClient *c : m_hub.registeredClients())
        online += sameName(c->account, record->name) ? 1 : 0;
    notice(client, "Logged in now: " + QByteArray::number(online) + (online == 1 ? " connection." : " connections."));
    if (sameName(client.account, record->name) || client.isOper())
        notice(client, "Certificates: " + QByteArray::number(record->certificates.size()) + '.');
}

void NickServHandler::cert(HubClient &client, const QList<QByteArray> &args)
{
    const QByteArray sub = args.value(0).toUpper();
    if (client.account.isEmpty())
        return notice(client, "You are not logged in.");
    const AccountRecord *record = m_hub.accounts().find(client.account);
    if (!record)
        return notice(client, "You are not logged in.");
    if (sub == "LIST") {
        notice(client, "Certificates of " + record->name + ": " + QByteArray::number(record->certificates.size()));
        for (const QByteArray &fingerprint : record->certificates)
            notice(client, "  " + fingerprint);
        return;
    }
    if (sub != "ADD" && sub != "DEL")
        return notice(client, "Syntax: CERT ADD [fingerprint] | CERT DEL <fingerprint> | CERT LIST");
    const QByteArray fingerprint = args.size() >= 2 ? fingerprintFrom(args.at(1)) : client.certificate;
    if (fingerprint.isEmpty())
        return notice(client, args.size() >= 2
                                  ? QByteArray("That is not a SHA-256 fingerprint (64 hex digits).")
                                  : QByteArray("You have no TLS client certificate; give its fingerprint."));
    AccountRecord changed = *record;
    if (sub == "ADD") {
        if (const AccountRecord *holder = m_hub.accounts().findByCertificate(fingerprint))
            return notice(client, sameName(holder->name, record->name)
                                      ? QByteArray("That certificate is already added.")
                                      : QByteArray("That certificate belongs to another account."));
        changed.certificates.append(fingerprint);
        return save(client, changed, "Certificate " + fingerprint + " added.");
    }
    if (!changed.certificates.removeOne(fingerprint))
        return notice(client, "That certificate is not on your account.");
    save(client, changed, "Certificate " + fingerprint + " removed.");
}

void NickServHandler::regainCommand(HubClient &client, const IrcMessage &msg)
{
    regain(client, msg.params.at(0), [this, &client](const QByteArray &why) { notice(client, why); });
}

void NickServHandler::regain(HubClient &client, const QByteArray &nick,
                             const std::function<void(const QByteArray &)> &say)
{
    if (client.account.isEmpty() || !sameName(client.account, nick))
        return say("You may only regain the nick of the account you are logged in to.");
    if (sameName(client.nick, nick)) {
        if (client.nick != nick)
            m_hub.giveNick(client, nick);
        return;
    }
    if (HubClient *holder = m_hub.findNick(nick); holder && holder != &client) {
        const QByteArray guest = guestNick();
        notice(*holder, "The owner of " + holder->nick + " has regained it; your nick is now " + guest + '.');
        m_hub.giveNick(*holder, guest, [this](HubClient &c, bool renamed) {
            if (!renamed)
                m_hub.disconnect(c, "Nick regained by its owner");
        });
        m_graceEnds.remove(holder->id);
    }
    // In a cluster the holder's rename is in the registry's order before this claim.
    m_hub.giveNick(client, nick, [this, say, nick](HubClient &c, bool regained) {
        if (!regained)
            return say("The nick could not be regained (it is in use on another server, or the network is busy).");
        m_graceEnds.remove(c.id);
        say("You have regained " + nick + '.');
    });
}

void NickServHandler::help(HubClient &client)
{
    static const QList<QByteArray> lines = {
        "NickServ keeps accounts. Commands (/msg NickServ <command>):",
        "  REGISTER <password>          register your current nick as an account",
        "  IDENTIFY [account] <password> log in (SASL does it while connecting)",
        "  SET PASSWORD <new password>  change your password",
        "  DROP [account]               delete your account (operators: any)",
        "  INFO [account]               when an account was registered, who uses it",
        "  CERT ADD [fingerprint] | DEL <fingerprint> | LIST   TLS certificates for SASL EXTERNAL",
        "  REGAIN <nick>                take back your account's nick from whoever uses it",
        "  SAREGISTER <account> <password>   (operators) register an account for someone",
        "A registered nick belongs to its account: log in within the grace period or be renamed.",
    };
    for (const QByteArray &line : lines)
        notice(client, line);
}

void NickServHandler::nickTaken(HubClient &client)
{
    const AccountRecord *record = m_hub.accounts().find(client.nick);
    if (!record || sameName(client.account, record->name)) {
        m_graceEnds.remove(client.id);
        return;
    }
    const int grace = m_hub.config().nickGraceSeconds;
    m_graceEnds.insert(client.id, m_clock.elapsed() + qint64(grace) * 1000);
    notice(client, "The nick " + client.nick + " is registered. Log in within " + QByteArray::number(grace)
                       + " seconds (/msg NickServ IDENTIFY <password>), or you will be renamed.");
    if (!m_graceTimer->isActive())
        m_graceTimer->start();
}

void NickServHandler::enforce()
{
    const qint64 now = m_clock.elapsed();
    const auto due = m_graceEnds;
    for (auto it = due.cbegin(); it != due.cend(); ++it) {
        if (it.value() > now)
            continue;
        m_graceEnds.remove(it.key());
        HubClient *client = m_hub.findClient(it.key());
        if (!client || client->closing || !client->registered)
            continue;
        const AccountRecord *record = m_hub.accounts().find(client->nick);
        if (!record || sameName(client->account, record->name))
            continue;
        const QByteArray guest = guestNick();
        const QByteArray old = client->nick;
        notice(*client, "You did not log in to " + old + " in time; your nick is now " + guest + '.');
        m_hub.giveNick(*client, guest, [this, old, guest](HubClient &c, bool renamed) {
            if (!renamed) {
                // Taken on another node, or Redis away: the nick is not theirs to keep.
                m_hub.disconnect(c, "Registered nick; log in to use it");
                return;
            }
            qCInfo(lcServer, "renamed #%llu from %s to %s: registered nick", qulonglong(c.id), old.constData(),
                   guest.constData());
        });
    }
    if (m_graceEnds.isEmpty())
        m_graceTimer->stop();
}

QByteArray NickServHandler::guestNick() const
{
    for (;;) {
        const QByteArray nick = "Guest" + QByteArray::number(QRandomGenerator::global()->bounded(10000, 100000));
        if (!m_hub.findNick(nick))
            return nick;
    }
}
