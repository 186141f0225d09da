// SPDX-License-Identifier: MIT
#pragma once

#include "auth/passwordjob.h"
#include "loginthrottle.h"
#include "net/clientid.h"
#include "storage/accountrecord.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <functional>

class Hub;
struct HubClient;

// What the account commands (SaslHandler, NickServHandler) share: logging a client in and out,
// the throttle on failed logins, and the slow work done elsewhere. It lives in the hub's thread
// and never waits: a password to check or a verifier to make leaves as passwordWork() for the
// PasswordWorker's thread, an account to write leaves as accountWrite() for the store, and the
// command resumes in a continuation when the answer comes back. A continuation gets the client
// back, or null if it has gone meanwhile.
class AccountService : public QObject {
    Q_OBJECT
public:
    using PasswordDone = std::function<void(HubClient *client, const PasswordJob &job)>;
    using WriteDone = std::function<void(HubClient *client, const QString &error)>;

    explicit AccountService(Hub &hub);

    // Checks `password` against `account`'s verifier (a decoy's if there is no such account, so
    // that the time taken tells nothing). While it runs the client is authPending: registration
    // and other logins wait.
    void checkPassword(HubClient &client, const QByteArray &account, const QByteArray &password, PasswordDone done);
    void makeVerifier(HubClient &client, const QByteArray &password, PasswordDone done);
    // Checks an OPER password against the configured secret (a PBKDF2 hash, or the password).
    void checkOperator(HubClient &client, const QByteArray &secret, const QByteArray &password, PasswordDone done);
    // Writes a change; the registry follows only once it is written. `client` may be null.
    void write(HubClient *client, AccountWrite change, WriteDone done);
    // A verifier no password matches, stable per name: for names that are not accounts.
    Scram::Verifier decoy(const QByteArray &name) const;

    // Whether `account` may be tried now from the client's address; if not, says so (904 for
    // SASL, else a NickServ notice through `refuse`) and returns true.
    qint64 throttleWaitMs(const HubClient &client, const QByteArray &account) const;
    void loginFailed(const HubClient &client, const QByteArray &account, const QByteArray &how);
    // Logs the client in: 900, account-notify to its peers, the throttle forgets the account.
    void logIn(HubClient &client, const QByteArray &account, const QByteArray &how);
    // Logs out every client logged in to `account` (it was dropped): 901 and account-notify.
    void logOutEverywhere(const QByteArray &account);

public Q_SLOTS:
    void passwordDone(const PasswordJob &job);
    void accountWritten(quint64 request, const QString &error);
    // Another node changed an account (docs/cluster.md): as the database has it now, or gone.
    void accountReloaded(const QByteArray &name, const AccountRecord &record, bool exists);

Q_SIGNALS:
    void passwordWork(const PasswordJob &job);
    void accountWrite(const AccountWrite &change);
    // An account change is written: for the other nodes of a cluster.
    void accountChanged(const QByteArray &name);

private:
    void runPassword(HubClient &client, PasswordJob job, PasswordDone done);
    HubClient *liveClient(ClientId id) const;
    qint64 now() const { return m_clock.elapsed(); }

    Hub &m_hub;
    QHash<quint64, std::pair<ClientId, PasswordDone>> m_passwordPending;
    struct PendingWrite {
        ClientId client = 0;
        QByteArray account;
        WriteDone done;
    };
    QHash<quint64, PendingWrite> m_writePending;
    quint64 m_nextRequest = 0;
    LoginThrottle m_throttle;
    QElapsedTimer m_clock;
    const QByteArray m_secret; // for decoy verifiers
};
