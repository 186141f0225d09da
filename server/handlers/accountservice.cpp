// SPDX-License-Identifier: MIT
#include "accountservice.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "hub/hub.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"

#include <QRandomGenerator>

namespace {
QByteArray randomSecret()
{
    QByteArray out(32, Qt::Uninitialized);
    for (char &c : out)
        c = char(QRandomGenerator::system()->bounded(256));
    return out;
}

QByteArray addressKey(const HubClient &client) { return "address " + client.address; }
QByteArray accountKey(const QByteArray &account) { return "account " + IrcNames::fold(account); }
} // namespace

AccountService::AccountService(Hub &hub)
    : m_hub(hub)
    , m_secret(randomSecret())
{
    m_clock.start();
}

void AccountService::checkPassword(HubClient &client, const QByteArray &account, const QByteArray &password,
                                   PasswordDone done)
{
    const AccountRecord *record = m_hub.accounts().find(account);
    PasswordJob job;
    job.kind = PasswordJob::Check;
    job.password = password;
    job.verifier = record ? record->verifier : decoy(account);
    runPassword(client, std::move(job), std::move(done));
}

void AccountService::makeVerifier(HubClient &client, const QByteArray &password, PasswordDone done)
{
    PasswordJob job;
    job.kind = PasswordJob::Make;
    job.password = password;
    job.iterations = m_hub.config().passwordIterations;
    runPassword(client, std::move(job), std::move(done));
}

void AccountService::checkOperator(HubClient &client, const QByteArray &secret, const QByteArray &password,
                                   PasswordDone done)
{
    PasswordJob job;
    job.kind = PasswordJob::CheckOperator;
    job.secret = secret;
    job.password = password;
    runPassword(client, std::move(job), std::move(done));
}

void AccountService::runPassword(HubClient &client, PasswordJob job, PasswordDone done)
{
    job.request = ++m_nextRequest;
    m_passwordPending.insert(job.request, {client.id, std::move(done)});
    client.authPending = true;
    Q_EMIT passwordWork(job);
}

void AccountService::write(HubClient *client, AccountWrite change, WriteDone done)
{
    change.request = ++m_nextRequest;
    m_writePending.insert(change.request, {client ? client->id : 0, change.record.name, std::move(done)});
    if (client)
        client->authPending = true;
    Q_EMIT accountWrite(change);
}

HubClient *AccountService::liveClient(ClientId id) const
{
    HubClient *client = id ? m_hub.findClient(id) : nullptr;
    return client && !client->closing ? client : nullptr;
}

void AccountService::passwordDone(const PasswordJob &job)
{
    const auto [id, done] = m_passwordPending.take(job.request);
    HubClient *client = liveClient(id);
    if (client)
        client->authPending = false;
    if (done)
        done(client, job);
}

void AccountService::accountWritten(quint64 request, const QString &error)
{
    const PendingWrite pending = m_writePending.take(request);
    HubClient *client = liveClient(pending.client);
    if (client)
        client->authPending = false;
    if (pending.done)
        pending.done(client, error);
    if (error.isEmpty() && !pending.account.isEmpty())
        Q_EMIT accountChanged(pending.account);
}

void AccountService::accountReloaded(const QByteArray &name, const AccountRecord &record, bool exists)
{
    AccountRegistry &accounts = m_hub.accounts();
    if (exists) {
        accounts.put(record);
        return;
    }
    if (accounts.exists(name)) {
        accounts.remove(name);
        logOutEverywhere(name);
    }
}

Scram::Verifier AccountService::decoy(const QByteArray &name) const
{
    return Scram::decoy(IrcNames::fold(name), m_secret);
}

qint64 AccountService::throttleWaitMs(const HubClient &client, const QByteArray &account) const
{
    return std::max(m_throttle.waitMs(addressKey(client), now()), m_throttle.waitMs(accountKey(account), now()));
}

void AccountService::loginFailed(const HubClient &client, const QByteArray &account, const QByteArray &how)
{
    // The address and the name tried, never what was offered as a password.
    qCWarning(lcServer, "failed login #%llu from %s for account %s (%s)", qulonglong(client.id),
              client.address.constData(), account.isEmpty() ? "?" : account.constData(), how.constData());
    m_throttle.failed(addressKey(client), now());
    if (!account.isEmpty())
        m_throttle.failed(accountKey(account), now());
}

void AccountService::logIn(HubClient &client, const QByteArray &account, const QByteArray &how)
{
    m_throttle.succeeded(accountKey(account));
    qCInfo(lcServer, "login #%llu from %s as %s (%s)", qulonglong(client.id), client.address.constData(),
           account.constData(), how.constData());
    m_hub.setAccount(client, account);
    const QByteArray mask
        = client.displayNick() + '!' + (client.user.isEmpty() ? QByteArray("*") : client.user) + '@' + client.address;
    m_hub.reply(client, Numeric::RPL_LOGGEDIN, {mask, account, "You are now logged in as " + account});
}

void AccountService::logOutEverywhere(const QByteArray &account)
{
    const QByteArray folded = IrcNames::fold(account);
    for (HubClient *client : m_hub.registeredClients()) {
        if (client->account.isEmpty() || IrcNames::fold(client->account) != folded)
            continue;
        m_hub.setAccount(*client, {});
        m_hub.reply(*client, Numeric::RPL_LOGGEDOUT, {client->prefix, "You are now logged out"});
    }
}
