// SPDX-License-Identifier: MIT
// Accounts against a real server on port 0, with its real store and password thread: REGISTER,
// SASL PLAIN, SCRAM-SHA-256 and EXTERNAL (over TLS with a client certificate), the numerics of
// every failure, the throttle, account-tag, account-notify, extended-join and WHOIS, accounts
// across a restart.

#include "auth/sasl.h"
#include "auth/scram.h"
#include "testcertificate.h"
#include "testdatabase.h"
#include "testserver.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

ServerConfig accountConfig(const QString &database = TestDatabase::fresh())
{
    ServerConfig config = TestServer::defaultConfig();
    config.database = database;
    config.passwordIterations = Scram::MinIterations;
    return config;
}

RawClient::Predicate numeric(const QByteArray &code) { return RawClient::command(code); }

RawClient::Predicate failCode(const QByteArray &code)
{
    return
        [code](const IrcMessage &m) { return m.command == "FAIL" && m.param(0) == "REGISTER" && m.param(1) == code; };
}

// Connects, says CAP LS 302 and asks for `caps` (with sasl), and sends NICK and USER: registration
// then waits for CAP END.
std::unique_ptr<RawClient> negotiating(TestServer &server, const QByteArray &nick, const QByteArray &caps = "sasl")
{
    auto c = server.client();
    if (!c)
        return nullptr;
    c->send("CAP LS 302");
    c->send("NICK " + nick);
    c->send("USER " + nick + " 0 * :Real " + nick);
    c->send("CAP REQ :" + caps);
    const auto ack = c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) != "LS"; });
    if (!ack || ack->param(1) != "ACK")
        return nullptr;
    return c;
}

void sendPayload(RawClient &c, const QByteArray &payload)
{
    for (const QByteArray &line : Sasl::encode(payload))
        c.send("AUTHENTICATE " + line);
}

// AUTHENTICATE PLAIN to the end: the numeric it ends with (903 or a failure).
QByteArray plainLogin(RawClient &c, const QByteArray &account, const QByteArray &password)
{
    c.send("AUTHENTICATE PLAIN");
    const auto go = c.waitFor([](const IrcMessage &m) { return m.command == "AUTHENTICATE" || m.command == "904"; });
    if (!go || go->command != "AUTHENTICATE")
        return go ? go->command : QByteArray("timeout");
    sendPayload(c, Sasl::plainMessage(account, password));
    const auto end = c.waitFor([](const IrcMessage &m) { return m.command == "903" || m.command == "904"; }, 20000);
    return end ? end->command : QByteArray("timeout");
}

QByteArray decodeChallenge(RawClient &c)
{
    QByteArray encoded;
    for (;;) {
        const auto line
            = c.waitFor([](const IrcMessage &m) { return m.command == "AUTHENTICATE" || m.command == "904"; });
        if (!line || line->command != "AUTHENTICATE")
            return {};
        if (line->param(0) != "+")
            encoded += line->param(0);
        if (line->param(0).size() < Sasl::ChunkSize)
            break;
    }
    return QByteArray::fromBase64(encoded);
}

// SCRAM-SHA-256 to the end, checking the server's proof too.
QByteArray scramLogin(RawClient &c, const QByteArray &account, const QByteArray &password)
{
    c.send("AUTHENTICATE SCRAM-SHA-256");
    if (!c.waitFor([](const IrcMessage &m) { return m.command == "AUTHENTICATE" && m.param(0) == "+"; }))
        return "no start";
    Scram::ClientExchange scram(account, password);
    sendPayload(c, scram.first());
    const QByteArray challenge = decodeChallenge(c);
    QByteArray reply, error;
    if (!scram.receiveChallenge(challenge, &reply, &error))
        return "bad challenge: " + error;
    sendPayload(c, reply);
    const auto next = c.waitFor([](const IrcMessage &m) { return m.command == "AUTHENTICATE" || m.command == "904"; });
    if (!next || next->command != "AUTHENTICATE")
        return next ? next->command : QByteArray("timeout");
    if (!scram.receiveFinal(QByteArray::fromBase64(next->param(0)), &error))
        return "server not proven: " + error;
    c.send("AUTHENTICATE +");
    const auto end = c.waitFor([](const IrcMessage &m) { return m.command == "903" || m.command == "904"; });
    return end ? end->command : QByteArray("timeout");
}

// A registered client that registers the account named after its nick.
std::unique_ptr<RawClient> registered(TestServer &server, const QByteArray &nick, const QByteArray &password,
                                      const QByteArray &autojoin = "#lobby")
{
    auto c = server.client(nick, autojoin);
    if (!c)
        return nullptr;
    c->send("REGISTER * * :" + password);
    const auto answer
        = c->waitFor([](const IrcMessage &m) { return m.command == "REGISTER" || m.command == "FAIL"; }, 20000);
    if (!answer || answer->command != "REGISTER" || answer->param(0) != "SUCCESS")
        return nullptr;
    return c;
}

RawClient::Predicate serviceNotice(const QByteArray &contains)
{
    return [contains](const IrcMessage &m) {
        return m.command == "NOTICE" && m.source.startsWith("NickServ!") && m.params.last().contains(contains);
    };
}

} // namespace

class TestAccounts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestDatabase::stop(); }

    void capabilityShowsMechanisms()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        auto c = server.client();
        c->send("CAP LS 302");
        auto ls = c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "LS"; });
        QVERIFY(ls);
        const QList<QByteArray> caps = ls->params.last().split(' ');
        QVERIFY(caps.contains("sasl=PLAIN,SCRAM-SHA-256,EXTERNAL"));
        for (const char *cap : {"account-notify", "account-tag", "extended-join", "draft/account-registration"})
            QVERIFY2(caps.contains(cap), cap);
        // Without 302, names only.
        auto old = server.client();
        old->send("CAP LS");
        ls = old->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "LS"; });
        QVERIFY(ls->params.last().split(' ').contains("sasl"));
    }

    void registerLogsInAndPlainLogsInLater()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        auto alice = server.client("alice");
        alice->send("REGISTER * * :correct horse");
        auto success = alice->waitForCommand("REGISTER", 20000);
        QVERIFY(success);
        QCOMPARE(success->params, (QList<QByteArray> {"SUCCESS", "alice", "Account created"}));
        auto loggedIn = alice->waitFor(numeric("900"));
        QVERIFY(loggedIn);
        QCOMPARE(loggedIn->param(2), QByteArray("alice"));

        // Another connection logs in to it with SASL PLAIN before registering.
        auto second = negotiating(server, "alice2");
        QVERIFY(second);
        QCOMPARE(plainLogin(*second, "alice", "correct horse"), QByteArray("903"));
        QCOMPARE(second->all(numeric("900")).last().param(2), QByteArray("alice"));
        second->send("CAP END");
        QVERIFY(second->waitForCommand("001"));
        // Logged in once is enough.
        second->send("AUTHENTICATE PLAIN");
        QVERIFY(second->waitFor(numeric("907")));
    }

    void scramLogsIn()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        QVERIFY(registered(server, "bob", "tr0ub4dor&3"));
        auto c = negotiating(server, "bobby");
        QVERIFY(c);
        QCOMPARE(scramLogin(*c, "bob", "tr0ub4dor&3"), QByteArray("903"));
        c->send("CAP END");
        QVERIFY(c->waitForCommand("001"));

        // The wrong password: 904, no login, and registration still ends.
        auto wrong = negotiating(server, "mallory");
        QCOMPARE(scramLogin(*wrong, "bob", "tr0ub4dor&4"), QByteArray("904"));
        // An unknown account fails the same way, after a challenge like any other.
        QCOMPARE(scramLogin(*wrong, "nobody", "whatever1"), QByteArray("904"));
        QCOMPARE(wrong->count(numeric("900")), 0);
        wrong->send("CAP END");
        QVERIFY(wrong->waitForCommand("001"));
        wrong->send("WHOIS mallory");
        QVERIFY(wrong->waitFor(numeric("318")));
        QCOMPARE(wrong->count(numeric("330")), 0);
    }

    void plainFailsCleanly()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        QVERIFY(registered(server, "carol", "sesame-open"));
        auto c = negotiating(server, "carol2");
        QCOMPARE(plainLogin(*c, "carol", "sesame-shut"), QByteArray("904"));
        QCOMPARE(plainLogin(*c, "nobody", "sesame-open"), QByteArray("904"));
        // Someone else's identity: refused.
        c->send("AUTHENTICATE PLAIN");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        sendPayload(*c, QByteArray("carol\0dave\0sesame-open", 22));
        QVERIFY(c->waitFor(numeric("904")));
        // Registration was waiting for CAP END only, not for a login.
        c->send("CAP END");
        QVERIFY(c->waitForCommand("001"));
        QCOMPARE(c->count(numeric("900")), 0);
    }

    void saslErrors()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        auto c = negotiating(server, "erin");
        // An unknown mechanism: the list, then 904.
        c->send("AUTHENTICATE DIGEST-MD5");
        auto mechs = c->waitFor(numeric("908"));
        QVERIFY(mechs);
        QCOMPARE(mechs->param(1), QByteArray("PLAIN,SCRAM-SHA-256,EXTERNAL"));
        QVERIFY(c->waitFor(numeric("904")));
        // A line over 400 bytes: 905.
        c->send("AUTHENTICATE PLAIN");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        c->send("AUTHENTICATE " + QByteArray(401, 'A'));
        QVERIFY(c->waitFor(numeric("905")));
        // Too many full chunks: 905 as well.
        c->send("AUTHENTICATE PLAIN");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        for (int i = 0; i <= Sasl::MaxEncoded / Sasl::ChunkSize; ++i)
            c->send("AUTHENTICATE " + QByteArray(400, 'A'));
        QVERIFY(c->waitFor(numeric("905")));
        // Aborted: 906.
        c->send("AUTHENTICATE SCRAM-SHA-256");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        c->send("AUTHENTICATE *");
        QVERIFY(c->waitFor(numeric("906")));
        // Not base64: 904.
        c->send("AUTHENTICATE PLAIN");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        c->send("AUTHENTICATE !!!!");
        QVERIFY(c->waitFor(numeric("904")));
        // EXTERNAL without a certificate: 904, saying why.
        c->send("AUTHENTICATE EXTERNAL");
        auto external = c->waitFor(numeric("904"));
        QVERIFY(external);
        QVERIFY(external->params.last().contains("certificate"));
        // CAP END in the middle of an exchange aborts it, and registration goes on.
        c->send("AUTHENTICATE PLAIN");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        c->send("CAP END");
        QVERIFY(c->waitFor(numeric("906")));
        QVERIFY(c->waitForCommand("001"));
        QVERIFY(c->isConnected());
    }

    void plainNeedsTlsFromOtherMachines()
    {
        ServerConfig config = accountConfig();
        config.plaintextSaslFromLoopback = false; // as if this connection came from elsewhere
        TestServer server(config);
        QVERIFY(server.start());
        QVERIFY(registered(server, "frank", "frank-pass"));
        auto c = negotiating(server, "frank2");
        c->send("AUTHENTICATE PLAIN");
        auto refused = c->waitFor(numeric("904"));
        QVERIFY(refused);
        QVERIFY2(refused->params.last().contains("TLS"), refused->params.last().constData());
        // SCRAM sends no password: it is fine without TLS.
        QCOMPARE(scramLogin(*c, "frank", "frank-pass"), QByteArray("903"));
    }

    void plainOverTlsAndExternalWithCertificate()
    {
        TestCertificate serverCert;
        QVERIFY(serverCert.make());
        TestCertificate clientCert;
        QVERIFY(clientCert.make(QStringLiteral("client.pem"), QStringLiteral("client-key.pem")));
        ServerConfig config = TestServer::tlsConfig(serverCert);
        config.passwordIterations = Scram::MinIterations;
        config.plaintextSaslFromLoopback = false;
        TestServer server(config);
        QVERIFY(server.start());
        auto owner = registered(server, "grace", "grace-pass");
        QVERIFY(owner);
        const QByteArray fingerprint = clientCert.certificate().digest(QCryptographicHash::Sha256).toHex();
        owner->send("PRIVMSG NickServ :CERT ADD " + fingerprint);
        QVERIFY(owner->waitFor(
            [](const IrcMessage &m) { return m.command == "NOTICE" && m.params.last().contains("added"); }, 20000));

        // PLAIN over TLS is accepted even when loopback does not count.
        RawClient tlsPlain;
        QVERIFY(tlsPlain.connectToTls(server.address(), server.tlsPort(), serverCert.certificate()));
        tlsPlain.send("CAP LS 302");
        tlsPlain.send("CAP REQ :sasl");
        QVERIFY(tlsPlain.waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "ACK"; }));
        QCOMPARE(plainLogin(tlsPlain, "grace", "grace-pass"), QByteArray("903"));

        // EXTERNAL: the certificate is the login.
        RawClient external;
        external.socket().setLocalCertificate(clientCert.certificate());
        external.socket().setPrivateKey(clientCert.keyFile(), QSsl::Ec);
        QVERIFY(external.connectToTls(server.address(), server.tlsPort(), serverCert.certificate()));
        external.send("CAP LS 302");
        external.send("NICK ext");
        external.send("USER ext 0 * :ext");
        external.send("CAP REQ :sasl");
        QVERIFY(external.waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "ACK"; }));
        external.send("AUTHENTICATE EXTERNAL");
        QVERIFY(external.waitForCommand("AUTHENTICATE"));
        external.send("AUTHENTICATE +");
        auto loggedIn = external.waitFor(numeric("900"));
        QVERIFY(loggedIn);
        QCOMPARE(loggedIn->param(2), QByteArray("grace"));
        QVERIFY(external.waitFor(numeric("903")));

        // A TLS client without that certificate cannot.
        RawClient stranger;
        QVERIFY(stranger.connectToTls(server.address(), server.tlsPort(), serverCert.certificate()));
        stranger.send("AUTHENTICATE EXTERNAL");
        QVERIFY(stranger.waitFor(numeric("904")));
    }

    void failuresAreThrottled()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        QVERIFY(registered(server, "heidi", "heidi-pass"));
        auto c = negotiating(server, "guesser");
        for (int i = 0; i < 5; ++i)
            QCOMPARE(plainLogin(*c, "heidi", "guess" + QByteArray::number(i)), QByteArray("904"));
        // Locked out now: even the right password is not tried.
        c->send("AUTHENTICATE PLAIN");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        sendPayload(*c, Sasl::plainMessage("heidi", "heidi-pass"));
        auto refused = c->waitFor(numeric("904"));
        QVERIFY(refused);
        QVERIFY2(refused->params.last().contains("too many"), refused->params.last().constData());
        // SCRAM is throttled the same way, before any challenge.
        c->send("AUTHENTICATE SCRAM-SHA-256");
        QVERIFY(c->waitForCommand("AUTHENTICATE"));
        sendPayload(*c, Scram::ClientExchange("heidi", "heidi-pass").first());
        refused = c->waitFor(numeric("904"));
        QVERIFY(refused->params.last().contains("too many"));
    }

    void registerFailures()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        // Before connecting.
        auto early = server.client();
        early->send("NICK early");
        early->send("REGISTER * * :early-pass");
        QVERIFY(early->waitFor(failCode("COMPLETE_CONNECTION_REQUIRED")));

        auto ivan = registered(server, "ivan", "ivan-pass");
        QVERIFY(ivan);
        ivan->send("REGISTER * * :again-pass");
        QVERIFY(ivan->waitFor(failCode("ALREADY_AUTHENTICATED")));

        auto other = server.client("judy");
        other->send("REGISTER ivan * :judy-pass");
        QVERIFY(other->waitFor(failCode("ACCOUNT_NAME_MUST_BE_NICK")));
        other->send("REGISTER * * :abc");
        QVERIFY(other->waitFor(failCode("WEAK_PASSWORD")));
        other->send("REGISTER * * :");
        QVERIFY(other->waitFor(failCode("UNACCEPTABLE_PASSWORD")));
        other->send("REGISTER * * :" + QByteArray(301, 'x'));
        QVERIFY(other->waitFor(failCode("UNACCEPTABLE_PASSWORD")));
        other->send("REGISTER judy *");
        QVERIFY(other->waitFor(numeric("461")));

        // The name is taken: ivan's nick, free again, is an account all the same.
        ivan->send("NICK ivan_away");
        QVERIFY(ivan->sync());
        auto taker = server.client("ivan2", {});
        taker->send("NICK ivan");
        QVERIFY(taker->sync());
        taker->send("REGISTER * * :taker-pass");
        QVERIFY(taker->waitFor(failCode("ACCOUNT_EXISTS")));

        // A reserved name.
        auto guest = server.client("Guest123", {});
        guest->send("REGISTER * * :guest-pass");
        QVERIFY(guest->waitFor(failCode("BAD_ACCOUNT_NAME")));
    }

    void closedRegistration()
    {
        ServerConfig config = accountConfig();
        config.registrationOpen = false;
        config.opers = {{"root", "rootpw"}};
        TestServer server(config);
        QVERIFY(server.start());
        auto c = server.client("kate");
        c->send("CAP LS 302");
        auto ls = c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "LS"; });
        QVERIFY(!ls->params.last().contains("draft/account-registration"));
        c->send("REGISTER * * :kate-pass");
        auto fail = c->waitFor(failCode("TEMPORARILY_UNAVAILABLE"));
        QVERIFY(fail);
        QVERIFY(fail->params.last().contains("closed"));
        // An operator still may.
        c->send("OPER root rootpw");
        QVERIFY(c->waitFor(numeric("381")));
        c->send("REGISTER * * :kate-pass");
        auto success = c->waitForCommand("REGISTER", 20000);
        QVERIFY(success);
        QCOMPARE(success->param(0), QByteArray("SUCCESS"));
    }

    void othersSeeTheAccount()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        auto watcher = server.client();
        QVERIFY(watcher->registerWithCaps("watcher", "account-notify account-tag extended-join"));
        auto plainWatcher = server.client("plainw");

        auto leo = registered(server, "leo", "leo-password");
        QVERIFY(leo);
        // account-notify: the login, to peers that asked.
        auto account = watcher->waitForCommand("ACCOUNT");
        QVERIFY(account);
        QCOMPARE(account->source.left(4), QByteArray("leo!"));
        QCOMPARE(account->param(0), QByteArray("leo"));
        // account-tag on what leo says.
        leo->send("PRIVMSG #lobby :hello");
        auto said = watcher->waitForCommand("PRIVMSG");
        QVERIFY(said);
        QCOMPARE(said->tag("account"), QByteArray("leo"));
        auto plainSaid = plainWatcher->waitForCommand("PRIVMSG");
        QVERIFY(plainSaid);
        QVERIFY(plainSaid->tags.isEmpty());
        QCOMPARE(plainWatcher->count(RawClient::command("ACCOUNT")), 0);
        // extended-join: the account and real name in the JOIN.
        leo->send("JOIN #other");
        watcher->send("JOIN #other");
        auto joined = watcher->waitFor(
            [](const IrcMessage &m) { return m.command == "JOIN" && m.source.startsWith("watcher!"); });
        QVERIFY(joined);
        QCOMPARE(joined->params, (QList<QByteArray> {"#other", "*", "Test user watcher"}));
        auto mike = server.client("mike", {});
        mike->send("JOIN #other");
        auto mikeJoin = watcher->waitFor([](const IrcMessage &m) {
            return m.command == "JOIN" && m.source.startsWith("mike!") && m.param(0) == "#other";
        });
        QVERIFY(mikeJoin);
        QCOMPARE(mikeJoin->params, (QList<QByteArray> {"#other", "*", "Test user mike"}));
        leo->send("PART #other");
        leo->send("JOIN #other");
        auto leoJoin = watcher->waitFor([](const IrcMessage &m) {
            return m.command == "JOIN" && m.source.startsWith("leo!") && m.param(1) == "leo";
        });
        QVERIFY(leoJoin);
        // WHOIS says who is logged in as what.
        plainWatcher->send("WHOIS leo");
        auto whois = plainWatcher->waitFor(numeric("330"));
        QVERIFY(whois);
        QCOMPARE(whois->params.mid(1, 2), (QList<QByteArray> {"leo", "leo"}));
    }

    void nickServCommands()
    {
        ServerConfig config = accountConfig();
        config.opers = {{"root", "rootpw"}};
        TestServer server(config);
        QVERIFY(server.start());
        auto olga = server.client("olga");
        olga->send("PRIVMSG NickServ :HELP");
        QVERIFY(olga->waitFor(serviceNotice("IDENTIFY")));
        olga->send("PRIVMSG NickServ :REGISTER olga-pass");
        QVERIFY(olga->waitFor(serviceNotice("registered"), 20000));
        QVERIFY(olga->waitFor(numeric("900")));
        // The password never reaches anyone's history or anyone else.
        olga->send("PRIVMSG NickServ :INFO");
        QVERIFY(olga->waitFor(serviceNotice("Account olga, registered")));
        QVERIFY(olga->waitFor(serviceNotice("Logged in now: 1")));
        olga->send("NICKSERV SET PASSWORD olga-new-pass");
        QVERIFY(olga->waitFor(serviceNotice("password is changed"), 20000));
        // CERT ADD with a fingerprint; LIST; DEL.
        const QByteArray fp(64, 'a');
        olga->send("NS CERT ADD " + fp);
        QVERIFY(olga->waitFor(serviceNotice("added")));
        olga->send("NS CERT LIST");
        QVERIFY(olga->waitFor(serviceNotice(fp)));
        olga->send("NS CERT DEL " + fp);
        QVERIFY(olga->waitFor(serviceNotice("removed")));
        olga->send("NS CERT ADD nonsense");
        QVERIFY(olga->waitFor(serviceNotice("not a SHA-256")));

        // IDENTIFY from another connection: the old password fails, the new one works.
        auto other = server.client("peter");
        other->send("PRIVMSG NickServ :IDENTIFY olga olga-pass");
        QVERIFY(other->waitFor(serviceNotice("Invalid"), 20000));
        other->send("PRIVMSG NickServ :IDENTIFY olga olga-new-pass");
        QVERIFY(other->waitFor(serviceNotice("identified for olga"), 20000));
        QCOMPARE(other->all(numeric("900")).last().param(2), QByteArray("olga"));
        other->send("PRIVMSG NickServ :IDENTIFY olga olga-new-pass");
        QVERIFY(other->waitFor(serviceNotice("already logged in")));
        // Nobody can take the service's nick, or message it with a NOTICE for an answer.
        other->send("NICK NickServ");
        QVERIFY(other->waitFor(numeric("433")));
        other->send("PRIVMSG NickServ :FROBNICATE");
        QVERIFY(other->waitFor(serviceNotice("Unknown command")));

        // An operator registers an account for someone and drops it; both connections of a
        // dropped account are logged out.
        auto root = server.client("root");
        root->send("OPER root rootpw");
        QVERIFY(root->waitFor(numeric("381")));
        root->send("PRIVMSG NickServ :SAREGISTER quinn quinn-pass");
        QVERIFY(root->waitFor(serviceNotice("quinn registered"), 20000));
        QCOMPARE(root->count(numeric("900")), 0);
        other->send("PRIVMSG NickServ :DROP quinn");
        QVERIFY(other->waitFor(serviceNotice("only drop your own")));
        root->send("PRIVMSG NickServ :DROP olga");
        QVERIFY(root->waitFor(serviceNotice("olga is dropped")));
        QVERIFY(olga->waitFor(numeric("901")));
        QVERIFY(other->waitFor(numeric("901")));
        other->send("PRIVMSG NickServ :INFO olga");
        QVERIFY(other->waitFor(serviceNotice("not registered")));
    }

    void registeredNickIsEnforcedAndRegained()
    {
        ServerConfig config = accountConfig();
        config.nickGraceSeconds = 1;
        TestServer server(config);
        QVERIFY(server.start());
        {
            auto rita = registered(server, "rita", "rita-pass");
            QVERIFY(rita);
            rita->send("QUIT");
            QVERIFY(rita->waitForDisconnected());
        }
        // Someone else takes the free nick and does not log in: warned, then renamed.
        auto watcher = server.client("watcher");
        auto squatter = server.client("squat");
        squatter->send("NICK rita");
        auto warning = squatter->waitFor(serviceNotice("is registered"));
        QVERIFY(warning);
        QVERIFY(warning->params.last().contains("within 1 seconds"));
        const auto renamedFromRita
            = [](const IrcMessage &m) { return m.command == "NICK" && m.source.startsWith("rita!"); };
        QVERIFY(squatter->waitFor(serviceNotice("did not log in"), 10000));
        auto renamed = squatter->waitFor(renamedFromRita);
        QVERIFY(renamed);
        QVERIFY2(renamed->param(0).startsWith("Guest"), renamed->param(0).constData());
        auto seen = watcher->waitFor(renamedFromRita);
        QVERIFY(seen);
        QCOMPARE(seen->param(0), renamed->param(0));

        // The owner, logged in under another nick, takes it: no warning.
        auto owner = negotiating(server, "ritaowner");
        QCOMPARE(plainLogin(*owner, "rita", "rita-pass"), QByteArray("903"));
        owner->send("CAP END");
        QVERIFY(owner->waitForCommand("001"));
        QVERIFY(owner->waitFor(numeric("366")));
        // REGAIN from whoever holds it now.
        auto second = server.client("squat2");
        second->send("NICK rita");
        QVERIFY(second->waitFor(serviceNotice("is registered")));
        owner->send("REGAIN rita");
        QVERIFY(owner->waitFor([](const IrcMessage &m) {
            return m.command == "NICK" && m.param(0) == "rita" && m.source.startsWith("ritaowner!");
        }));
        auto moved = second->waitFor(renamedFromRita);
        QVERIFY(moved);
        QVERIFY(moved->param(0).startsWith("Guest"));
        QVERIFY(owner->sync());
        QCOMPARE(owner->count(serviceNotice("is registered")), 0);
        // Someone else may not regain it.
        second->send("REGAIN rita");
        QVERIFY(second->waitFor(serviceNotice("only regain")));
    }

    void channelForAccountsOnly()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        auto sam = registered(server, "sam", "sam-password");
        QVERIFY(sam);
        sam->send("JOIN #members");
        QVERIFY(sam->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#members"; }));
        sam->send("MODE #members +R");
        QVERIFY(sam->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+R"; }));
        auto guest = server.client("tom");
        guest->send("JOIN #members");
        auto refused = guest->waitFor(numeric("477"));
        QVERIFY(refused);
        QCOMPARE(refused->param(1), QByteArray("#members"));
        guest->send("PRIVMSG NickServ :REGISTER tom-password");
        QVERIFY(guest->waitFor(numeric("900"), 20000));
        guest->send("JOIN #members");
        QVERIFY(guest->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#members"; }));
        sam->send("MODE #members");
        auto modes = sam->waitFor(numeric("324"));
        QVERIFY(modes);
        QVERIFY(modes->param(2).contains('R'));
    }

    void privateHistoryFollowsTheAccount()
    {
        TestServer server(accountConfig());
        QVERIFY(server.start());
        auto uma = registered(server, "uma", "uma-password");
        QVERIFY(uma);
        auto vic = server.client("vic");
        vic->send("PRIVMSG uma :hello uma");
        QVERIFY(uma->waitForCommand("PRIVMSG"));
        uma->send("PRIVMSG vic :hello vic");
        QVERIFY(vic->waitForCommand("PRIVMSG"));

        // A second connection of the same account, under another nick, reads the conversation.
        auto phone = negotiating(server, "uma_phone", "sasl server-time batch message-tags draft/chathistory");
        QVERIFY(phone);
        QCOMPARE(scramLogin(*phone, "uma", "uma-password"), QByteArray("903"));
        phone->send("CAP END");
        QVERIFY(phone->waitForCommand("001"));
        phone->send("CHATHISTORY LATEST vic * 10");
        auto batch = phone->waitForBatch("chathistory");
        QVERIFY(batch);
        QCOMPARE(batch->lines.size(), 2);
        QCOMPARE(batch->lines.at(0).params.last(), QByteArray("hello uma"));
        QCOMPARE(batch->lines.at(1).params.last(), QByteArray("hello vic"));
        phone->send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10");
        auto targets = phone->waitForBatch("draft/chathistory-targets");
        QVERIFY(targets);
        QVERIFY(std::any_of(targets->lines.begin(), targets->lines.end(),
                            [](const IrcMessage &m) { return m.param(1) == "vic"; }));

        // Someone not logged in to it reads nothing of it, whatever their nick.
        auto outsider = server.client();
        QVERIFY(outsider->registerWithCaps("uma2", "server-time batch message-tags draft/chathistory", {}));
        outsider->send("CHATHISTORY LATEST vic * 10");
        auto empty = outsider->waitForBatch("chathistory");
        QVERIFY(empty);
        QVERIFY(empty->lines.isEmpty());
    }

    void failedWriteRegistersNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("confab.db"));
        TestServer server(accountConfig(path));
        QVERIFY(server.start());
        // Another process holds the database's write lock: the store's write fails (after its busy
        // timeout), as on a full or read-only disk.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("locker"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery lock(db);
            QVERIFY(lock.exec(QStringLiteral("BEGIN EXCLUSIVE")));
        }
        auto c = server.client("xavier");
        c->send("REGISTER * * :xavier-password");
        auto fail = c->waitFor(failCode("TEMPORARILY_UNAVAILABLE"), 20000);
        QVERIFY(fail);
        QVERIFY(fail->params.last().contains("could not be saved"));
        QCOMPARE(c->count(numeric("900")), 0);
        c->send("PRIVMSG NickServ :INFO xavier");
        QVERIFY(c->waitFor(serviceNotice("not registered")));
        // The disk is back: registering works, and the account is there.
        {
            QSqlQuery unlock(db);
            QVERIFY(unlock.exec(QStringLiteral("ROLLBACK")));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("locker"));
        c->send("REGISTER * * :xavier-password");
        auto success = c->waitForCommand("REGISTER", 20000);
        QVERIFY(success);
        QCOMPARE(success->param(0), QByteArray("SUCCESS"));
        QVERIFY(c->waitFor(numeric("900")));
    }

    void accountsSurviveRestart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("confab.db"));
        ServerConfig config = accountConfig(path);
        config.passwordIterations = Scram::DefaultIterations; // the real cost, once
        {
            TestServer server(config);
            QVERIFY(server.start());
            QVERIFY(registered(server, "nina", "nina-password"));
        }
        {
            // What is on disk: a SCRAM verifier with the default iterations, never the password.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(
                QStringLiteral("SELECT name, iterations, length(stored_key), length(server_key) FROM accounts")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("nina"));
            QCOMPARE(q.value(1).toInt(), Scram::DefaultIterations);
            QCOMPARE(q.value(2).toInt(), 32);
            QCOMPARE(q.value(3).toInt(), 32);
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains("nina-password"));
            q = QSqlQuery();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("check"));
        }
        TestServer again(config);
        QVERIFY(again.start());
        auto c = negotiating(again, "nina");
        QVERIFY(c);
        QCOMPARE(scramLogin(*c, "nina", "nina-password"), QByteArray("903"));
        auto d = negotiating(again, "nina2");
        QCOMPARE(plainLogin(*d, "Nina", "nina-password"), QByteArray("903")); // names fold
    }
};

QTEST_MAIN(TestAccounts)
#include "tst_accounts.moc"
