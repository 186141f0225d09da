// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"
#include "net/clientid.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <functional>

class AccountService;
class IrcMessage;
class QTimer;
class RegistrationHandler;
struct AccountRecord;
struct HubClient;

// Accounts by command, for every client: REGISTER (IRCv3 draft/account-registration) and the
// NickServ pseudo-user that scripts and older clients expect (REGISTER, IDENTIFY, SET PASSWORD,
// DROP, INFO, CERT, REGAIN, SAREGISTER for operators, HELP). And nick ownership: a registered nick
// belongs to its account; whoever else uses it and does not log in within the grace period is
// renamed to Guest<number>, and the account's owner may REGAIN it.
class NickServHandler : public QObject, public CommandHandler {
    Q_OBJECT
public:
    static constexpr int MaxPasswordBytes = 300; // it must fit in a PRIVMSG to NickServ
    static constexpr int MinPasswordChars = 5;

    NickServHandler(Hub &hub, AccountService &accounts, RegistrationHandler &registration);

private:
    // Where a command's answers go: FAIL/REGISTER lines for the IRCv3 command, notices from
    // NickServ for the service.
    struct Reply {
        std::function<void(const QByteArray &code, const QByteArray &account, const QByteArray &text)> fail;
        std::function<void(const QByteArray &account)> registered;
    };

    void registerCommand(HubClient &client, const IrcMessage &msg);
    void regainCommand(HubClient &client, const IrcMessage &msg);
    void service(HubClient &client, const QByteArray &text);
    void notice(HubClient &client, const QByteArray &text);
    // Creates `account` with `password`; `logIn` logs the client in to it once it is written.
    void createAccount(HubClient &client, const QByteArray &account, const QByteArray &password, bool logIn,
                       Reply reply);
    // Why `password` is not acceptable (a FAIL REGISTER code and a text), or nothing.
    static std::pair<QByteArray, QByteArray> passwordProblem(const QByteArray &password);
    void identify(HubClient &client, const QList<QByteArray> &args);
    void setPassword(HubClient &client, const QList<QByteArray> &args);
    void drop(HubClient &client, const QList<QByteArray> &args);
    void info(HubClient &client, const QList<QByteArray> &args);
    void cert(HubClient &client, const QList<QByteArray> &args);
    void regain(HubClient &client, const QByteArray &nick, const std::function<void(const QByteArray &)> &say);
    void help(HubClient &client);
    // Saves a changed record (certificates, password) for the client's own account.
    void save(HubClient &client, const AccountRecord &record, const QByteArray &done);
    // Nick ownership.
    void nickTaken(HubClient &client);
    void enforce();
    QByteArray guestNick() const;

    AccountService &m_accounts;
    // Clients using a registered nick they are not logged in to: when their grace ends.
    QHash<ClientId, qint64> m_graceEnds;
    QTimer *m_graceTimer;
    QElapsedTimer m_clock;
};
