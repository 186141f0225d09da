// SPDX-License-Identifier: MIT
// IRC as modern.ircdocs.horse describes it, against a real server on port 0: registration's
// edge cases, LUSERS, user modes, WHO's flags and invisibility, WHOWAS, away on join, and the
// informational commands (VERSION, TIME, INFO, ADMIN, LINKS, STATS, HELP, WALLOPS).

#include "testserver.h"

#include <QTemporaryDir>
#include <QTest>

namespace {
RawClient::Predicate numeric(const QByteArray &code) { return RawClient::command(code); }

ServerConfig withOper()
{
    ServerConfig config = TestServer::defaultConfig();
    config.opers = {{"root", "rootpw"}};
    return config;
}

// The numerics a command answered with, up to and including `last`.
QList<IrcMessage> answerUpTo(RawClient &c, const QByteArray &command, const QByteArray &last)
{
    c.send(command);
    QList<IrcMessage> out;
    while (auto m = c.waitFor([](const IrcMessage &) { return true; })) {
        out.append(*m);
        if (m->command == last)
            break;
    }
    return out;
}

const IrcMessage *find(const QList<IrcMessage> &lines, const QByteArray &command)
{
    for (const IrcMessage &m : lines)
        if (m.command == command)
            return &m;
    return nullptr;
}
} // namespace

class TestConformance : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void userNeedsARealName()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client();
        c->send("NICK quiet");
        c->send("USER quiet 0 * :");
        QVERIFY(c->waitFor([](const IrcMessage &m) { return m.command == "461" && m.param(1) == "USER"; }));
        // A second USER, now complete, registers.
        c->send("USER quiet 0 * :Quiet One");
        QVERIFY(c->waitForCommand("001"));
    }

    void unusableUsernameStillRegisters()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client();
        c->send("NICK emoji");
        c->send("USER \xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80 0 * :Emoji");
        auto welcome = c->waitForCommand("001");
        QVERIFY(welcome);
        QVERIFY2(welcome->params.last().endsWith("emoji!~user@127.0.0.1"), welcome->params.last().constData());
    }

    void lusersCounts()
    {
        TestServer server(withOper());
        QVERIFY(server.start());
        auto a = server.client("lu1");
        auto b = server.client("lu2");
        auto hidden = server.client("lu3");
        hidden->send("MODE lu3 +i");
        QVERIFY(hidden->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+i"; }));
        b->send("OPER root rootpw");
        QVERIFY(b->waitFor(numeric("381")));
        auto pending = server.client(); // connected, not registered
        pending->send("NICK halfway");
        QVERIFY(pending->sync()); // PING is answered before registration: the hub knows it
        a->send("JOIN #second");
        QVERIFY(a->waitFor(numeric("366")));
        const QList<IrcMessage> lines = answerUpTo(*a, "LUSERS", "266");
        const IrcMessage *client = find(lines, "251");
        QVERIFY(client);
        QCOMPARE(client->params.last(), QByteArray("There are 2 users and 1 invisible on 1 servers"));
        QVERIFY(find(lines, "252"));
        QCOMPARE(find(lines, "252")->param(1), QByteArray("1"));
        QVERIFY(find(lines, "253"));
        QCOMPARE(find(lines, "253")->param(1), QByteArray("1"));
        QCOMPARE(find(lines, "254")->param(1), QByteArray("2")); // #lobby and #second
        QCOMPARE(find(lines, "255")->params.last(), QByteArray("I have 3 clients and 0 servers"));
        QCOMPARE(find(lines, "265")->params.mid(1, 2), (QList<QByteArray> {"3", "3"}));
        QCOMPARE(find(lines, "266")->params.mid(1, 2), (QList<QByteArray> {"3", "3"}));
        // The welcome burst says the same.
        auto d = server.client();
        d->send("NICK lu4");
        d->send("USER lu4 0 * :four");
        auto burst = d->waitFor(numeric("251"));
        QVERIFY(burst);
        QCOMPARE(burst->params.last(), QByteArray("There are 3 users and 1 invisible on 1 servers"));
    }

    void userModes()
    {
        TestServer server(withOper());
        QVERIFY(server.start());
        auto c = server.client("um");
        c->send("MODE um");
        QCOMPARE(c->waitFor(numeric("221"))->param(1), QByteArray("+"));
        c->send("MODE um +iw");
        auto echoed = c->waitFor([](const IrcMessage &m) { return m.command == "MODE"; });
        QVERIFY(echoed);
        QCOMPARE(echoed->params, (QList<QByteArray> {"um", "+iw"}));
        c->send("MODE um");
        QCOMPARE(c->waitFor(numeric("221"))->param(1), QByteArray("+iw"));
        c->send("MODE um -i+x");
        QVERIFY(c->waitFor(numeric("501")));
        echoed = c->waitFor([](const IrcMessage &m) { return m.command == "MODE"; });
        QCOMPARE(echoed->param(1), QByteArray("-i"));
        // Setting what is already set says nothing.
        c->send("MODE um +w");
        QVERIFY(c->sync());
        QCOMPARE(c->count([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+w"; }), 0);
        auto other = server.client("other");
        other->send("MODE um +i");
        QVERIFY(other->waitFor(numeric("502")));
        // 004 names them.
        QVERIFY(c->all(numeric("004")).first().param(3).contains("iow"));
    }

    void wallopsReachPlusW()
    {
        TestServer server(withOper());
        QVERIFY(server.start());
        auto op = server.client("wop");
        auto listener = server.client("wl");
        auto deaf = server.client("wd");
        listener->send("MODE wl +w");
        QVERIFY(listener->waitForCommand("MODE"));
        op->send("WALLOPS :not yet");
        QVERIFY(op->waitFor(numeric("481")));
        op->send("OPER root rootpw");
        QVERIFY(op->waitFor(numeric("381")));
        op->send("WALLOPS :maintenance at noon");
        auto got = listener->waitForCommand("WALLOPS");
        QVERIFY(got);
        QCOMPARE(got->params.last(), QByteArray("maintenance at noon"));
        QVERIFY(got->source.startsWith("wop!"));
        QVERIFY(deaf->sync());
        QCOMPARE(deaf->count(RawClient::command("WALLOPS")), 0);
    }

    void whoFlagsAndInvisibility()
    {
        TestServer server(withOper());
        QVERIFY(server.start());
        // Only the ones in #haunt share a channel: nobody stays in #lobby.
        auto join = [&](const QByteArray &nick, const QByteArray &channel) {
            auto c = server.client(nick);
            c->send("JOIN " + channel);
            c->send("PART #lobby");
            c->waitFor([](const IrcMessage &m) { return m.command == "PART"; });
            return c;
        };
        auto op = join("whoop", "#ops");
        op->send("OPER root rootpw");
        QVERIFY(op->waitFor(numeric("381")));
        auto ghost = join("ghost", "#haunt");
        ghost->send("MODE ghost +i");
        QVERIFY(ghost->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(0) == "ghost"; }));
        auto friendly = join("friendly", "#haunt");
        auto stranger = join("stranger", "#elsewhere");
        // '*' marks an operator.
        stranger->send("WHO whoop");
        auto row = stranger->waitFor(numeric("352"));
        QVERIFY(row);
        QVERIFY2(row->param(6).startsWith("H*"), row->param(6).constData());
        // The invisible: hidden from a stranger, by nick and by channel, seen by a co-member.
        stranger->send("WHO ghost");
        QVERIFY(stranger->waitFor(numeric("315")));
        QCOMPARE(stranger->count([](const IrcMessage &m) { return m.command == "352" && m.param(5) == "ghost"; }), 0);
        stranger->send("WHO #haunt");
        QVERIFY(stranger->waitFor(numeric("315")));
        QCOMPARE(stranger->count([](const IrcMessage &m) { return m.command == "352" && m.param(5) == "ghost"; }), 0);
        QCOMPARE(stranger->count([](const IrcMessage &m) { return m.command == "352" && m.param(5) == "friendly"; }),
                 1);
        friendly->send("WHO ghost");
        QVERIFY(friendly->waitFor([](const IrcMessage &m) { return m.command == "352" && m.param(5) == "ghost"; }));
        ghost->send("WHO ghost");
        QVERIFY(ghost->waitFor([](const IrcMessage &m) { return m.command == "352" && m.param(5) == "ghost"; }));
    }

    void whowasRemembers()
    {
        TestServer server;
        QVERIFY(server.start());
        auto asker = server.client("asker");
        asker->send("WHOWAS nobody");
        QVERIFY(asker->waitFor(numeric("406")));
        QVERIFY(asker->waitFor(numeric("369")));
        {
            auto gone = server.client("wasgone");
            gone->send("NICK wasnow");
            QVERIFY(gone->waitForCommand("NICK"));
            gone->send("NICK wasgone");
            QVERIFY(gone->waitForCommand("NICK"));
            gone->send("QUIT :bye");
            QVERIFY(gone->waitForDisconnected());
        }
        // Two entries for wasgone (the nick change away, then the quit), newest first.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     asker->send("WHOWAS wasgone");
                                     const auto end = asker->waitFor(numeric("369"));
                                     return end && asker->count([](const IrcMessage &m) {
                                         return m.command == "314" && m.param(1) == "wasgone";
                                     }) >= 2;
                                 }()),
                                 5000);
        const int before = asker->count(numeric("314"));
        asker->send("WHOWAS wasgone 1");
        QVERIFY(asker->waitFor(numeric("369")));
        QCOMPARE(asker->count(numeric("314")), before + 1);
        asker->send("WHOWAS wasgone -1");
        QVERIFY(asker->waitFor(numeric("369")));
        QCOMPARE(asker->count(numeric("314")), before + 3);
        auto user = asker->all(numeric("314")).last();
        QCOMPARE(user.params.mid(1, 4), (QList<QByteArray> {"wasgone", "~wasgone", "127.0.0.1", "*"}));
        QCOMPARE(asker->all(numeric("312")).last().param(1), QByteArray("wasgone"));
        asker->send("WHOWAS wasnow");
        QVERIFY(asker->waitFor(numeric("314")));
        QCOMPARE(asker->count(numeric("406")), 1);
    }

    void awayIsToldOnJoin()
    {
        TestServer server;
        QVERIFY(server.start());
        auto watcher = server.client();
        QVERIFY(watcher->registerWithCaps("watcher", "away-notify"));
        auto sleepy = server.client("sleepy", {});
        sleepy->send("AWAY :gone fishing");
        QVERIFY(sleepy->waitFor(numeric("306")));
        sleepy->send("JOIN #lobby");
        auto away = watcher->waitFor([](const IrcMessage &m) { return m.command == "AWAY"; });
        QVERIFY(away);
        QVERIFY(away->source.startsWith("sleepy!"));
        QCOMPARE(away->param(0), QByteArray("gone fishing"));
    }

    void informationalCommands()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client("curious");
        c->send("VERSION");
        auto version = c->waitFor(numeric("351"));
        QVERIFY(version);
        QVERIFY(version->param(1).startsWith("confab-"));
        QVERIFY(c->waitFor(numeric("005")));
        c->send("TIME");
        auto time = c->waitFor(numeric("391"));
        QVERIFY(time);
        QCOMPARE(time->param(1), QByteArray("test.confab"));
        c->send("INFO");
        QVERIFY(c->waitFor(numeric("371")));
        QVERIFY(c->waitFor(numeric("374")));
        c->send("ADMIN");
        for (const char *code : {"256", "257", "258", "259"})
            QVERIFY2(c->waitFor(numeric(code)), code);
        c->send("LINKS");
        QVERIFY(c->waitFor(numeric("364")));
        QVERIFY(c->waitFor(numeric("365")));
        c->send("STATS u");
        auto up = c->waitFor(numeric("242"));
        QVERIFY(up);
        QVERIFY(up->params.last().startsWith("Server Up 0 days"));
        QCOMPARE(c->waitFor(numeric("219"))->param(1), QByteArray("u"));
        c->send("STATS m");
        auto counted = c->waitFor([](const IrcMessage &m) { return m.command == "212" && m.param(1) == "VERSION"; });
        QVERIFY(counted);
        QCOMPARE(counted->param(2), QByteArray("1"));
        QVERIFY(c->waitFor(numeric("219")));
        c->send("STATS");
        QVERIFY(c->waitFor(numeric("461")));
    }

    void helpCoversEveryCommand()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client("helpme");
        const QList<QByteArray> commands = server.server().commandNames();
        QVERIFY(commands.size() > 30);
        for (const QByteArray &command : commands) {
            c->send("HELP " + command.toLower());
            auto start = c->waitFor([](const IrcMessage &m) { return m.command == "704" || m.command == "524"; });
            QVERIFY(start);
            QVERIFY2(start->command == "704", command.constData());
            QCOMPARE(start->param(1), command);
            QVERIFY(c->waitFor(numeric("706")));
        }
        c->send("HELPOP");
        QVERIFY(c->waitFor(numeric("704")));
        QVERIFY(c->waitFor(numeric("706")));
        c->send("HELP FROBNICATE");
        QVERIFY(c->waitFor(numeric("524")));
    }

    // 004, ISUPPORT (CHANMODES, PREFIX) and HELP MODE name the same channel modes, and MODE knows
    // each of them.
    void channelModesAgreeEverywhere()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client("modes");
        QVERIFY(c);
        const auto myinfo = c->all(numeric("004"));
        QCOMPARE(myinfo.size(), 1);
        QByteArray advertised = myinfo.first().param(4);
        QByteArray isupported;
        for (const QByteArray &token : c->isupport()) {
            if (token.startsWith("CHANMODES="))
                isupported += token.mid(10).replace(",", "");
            if (token.startsWith("PREFIX=("))
                isupported += token.mid(8, token.indexOf(')') - 8);
        }
        std::sort(advertised.begin(), advertised.end());
        std::sort(isupported.begin(), isupported.end());
        QCOMPARE(isupported, advertised);
        QVERIFY(advertised.size() >= 15);

        c->send("HELP MODE");
        QVERIFY(c->waitFor(numeric("704")));
        QByteArray help;
        while (const auto line
               = c->waitFor([](const IrcMessage &m) { return m.command == "705" || m.command == "706"; })) {
            if (line->command == "706")
                break;
            help += line->params.last() + ' ';
        }
        for (char mode : advertised)
            QVERIFY2(help.contains(QByteArray(1, mode) + " ("), QByteArray(1, mode).constData());

        // Every advertised mode is one MODE knows (no 472 for any of them).
        c->send("MODE #lobby +" + advertised.replace("n", ""));
        QVERIFY(c->sync());
        QCOMPARE(c->count(numeric("472")), 0);
    }

    void setnameIsToldToThoseWhoAsked()
    {
        TestServer server;
        QVERIFY(server.start());
        auto watcher = server.client();
        QVERIFY(watcher->registerWithCaps("sw", "setname"));
        auto plain = server.client("sp");
        auto renamer = server.client();
        QVERIFY(renamer->registerWithCaps("sr", "setname"));
        renamer->send("SETNAME :A New Name");
        auto echo = renamer->waitForCommand("SETNAME");
        QVERIFY(echo);
        QCOMPARE(echo->param(0), QByteArray("A New Name"));
        auto seen = watcher->waitForCommand("SETNAME");
        QVERIFY(seen);
        QVERIFY(seen->source.startsWith("sr!"));
        QVERIFY(plain->sync());
        QCOMPARE(plain->count(RawClient::command("SETNAME")), 0);
        plain->send("WHOIS sr");
        QCOMPARE(plain->waitFor(numeric("311"))->params.last(), QByteArray("A New Name"));
        renamer->send("SETNAME :" + QByteArray(201, 'x'));
        auto fail = renamer->waitForCommand("FAIL");
        QVERIFY(fail);
        QCOMPARE(fail->params.mid(0, 2), (QList<QByteArray> {"SETNAME", "INVALID_REALNAME"}));
    }

    void inviteNotify()
    {
        TestServer server;
        QVERIFY(server.start());
        auto op = server.client("inviter");
        op->send("JOIN #club");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#club"; }));
        auto member = server.client();
        QVERIFY(member->registerWithCaps("clubber", "invite-notify"));
        member->send("JOIN #club");
        QVERIFY(member->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#club"; }));
        auto guest = server.client("guest1");
        op->send("INVITE guest1 #club");
        QVERIFY(guest->waitForCommand("INVITE"));
        auto told = member->waitForCommand("INVITE");
        QVERIFY(told);
        QCOMPARE(told->params, (QList<QByteArray> {"guest1", "#club"}));
        QVERIFY(told->source.startsWith("inviter!"));
    }

    void botMode()
    {
        TestServer server;
        QVERIFY(server.start());
        auto watcher = server.client();
        QVERIFY(watcher->registerWithCaps("botwatch", "message-tags"));
        QVERIFY(watcher->isupport().contains("BOT=B"));
        auto bot = server.client("robot");
        bot->send("MODE robot +B");
        QVERIFY(bot->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+B"; }));
        bot->send("PRIVMSG #lobby :beep");
        auto said = watcher->waitForCommand("PRIVMSG");
        QVERIFY(said);
        QVERIFY(said->hasTag("bot"));
        watcher->send("WHO robot");
        auto row = watcher->waitFor(numeric("352"));
        QVERIFY(row->param(6).contains('B'));
        watcher->send("WHOIS robot");
        QVERIFY(watcher->waitFor(numeric("335")));
    }

    void statusmsgReachesOperatorsOnly()
    {
        TestServer server;
        QVERIFY(server.start());
        auto op = server.client("smop");
        op->send("JOIN #status");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#status"; }));
        auto voiced = server.client("smvoice");
        auto plain = server.client("smplain");
        for (auto *c : {voiced.get(), plain.get()}) {
            c->send("JOIN #status");
            QVERIFY(c->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#status"; }));
        }
        op->send("MODE #status +v smvoice");
        QVERIFY(voiced->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+v"; }));
        plain->send("PRIVMSG @#status :ops only");
        auto got = op->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
        QVERIFY(got);
        QCOMPARE(got->params, (QList<QByteArray> {"@#status", "ops only"}));
        plain->send("PRIVMSG +#status :voiced and ops");
        QVERIFY(
            voiced->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(0) == "+#status"; }));
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(0) == "+#status"; }));
        QVERIFY(voiced->sync());
        QCOMPARE(voiced->count([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(0) == "@#status"; }),
                 0);
        QVERIFY(plain->sync());
        QCOMPARE(plain->count(RawClient::command("PRIVMSG")), 0);
        // And it is not in the channel's history, which every member reads.
        auto reader = server.client();
        QVERIFY(reader->registerWithCaps("smreader", "batch server-time message-tags draft/chathistory"));
        reader->send("JOIN #status");
        QVERIFY(reader->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#status"; }));
        reader->send("CHATHISTORY LATEST #status * 10");
        auto batch = reader->waitForBatch("chathistory");
        QVERIFY(batch);
        QVERIFY(batch->lines.isEmpty());
    }

    void capabilitiesCanBeRemoved()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client();
        c->send("CAP LS 302");
        auto ls = c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "LS"; });
        for (const char *cap : {"cap-notify", "setname", "invite-notify"})
            QVERIFY2(ls->params.last().split(' ').contains(cap), cap);
        QVERIFY(c->registerWithCaps("capper", "server-time message-tags"));
        c->send("CAP REQ :-server-time");
        auto ack = c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "ACK"; });
        QVERIFY(ack);
        c->send("CAP LIST");
        auto list = c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "LIST"; });
        QVERIFY(list);
        QVERIFY(!list->params.last().contains("server-time"));
        QVERIFY(list->params.last().contains("message-tags"));
    }

    void secretAndPrivateChannels()
    {
        TestServer server;
        QVERIFY(server.start());
        auto owner = server.client("secretop");
        owner->send("JOIN #hidden");
        QVERIFY(owner->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#hidden"; }));
        owner->send("JOIN #priv");
        QVERIFY(owner->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#priv"; }));
        owner->send("MODE #hidden +s");
        owner->send("MODE #priv +p");
        QVERIFY(owner->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+p"; }));
        // Members see the symbols.
        owner->send("NAMES #hidden,#priv");
        QCOMPARE(owner->waitFor(numeric("353"))->param(1), QByteArray("@"));
        QCOMPARE(owner->waitFor(numeric("353"))->param(1), QByteArray("*"));
        // Outsiders see neither in LIST, NAMES, WHO or WHOIS.
        auto outsider = server.client("outsider");
        outsider->send("LIST");
        QVERIFY(outsider->waitFor(numeric("323")));
        QCOMPARE(outsider->count([](const IrcMessage &m) { return m.command == "322" && m.param(1) != "#lobby"; }), 0);
        outsider->send("NAMES #hidden");
        QVERIFY(outsider->waitFor(numeric("366")));
        QCOMPARE(outsider->count([](const IrcMessage &m) { return m.command == "353" && m.param(2) == "#hidden"; }), 0);
        outsider->send("WHO #hidden");
        QVERIFY(outsider->waitFor(numeric("315")));
        QCOMPARE(outsider->count(numeric("352")), 0);
        outsider->send("WHOIS secretop");
        auto channels = outsider->waitFor(numeric("319"));
        QVERIFY(channels);
        QCOMPARE(channels->param(2), QByteArray("@#lobby"));
        // A member lists them.
        owner->send("LIST");
        QVERIFY(owner->waitFor([](const IrcMessage &m) { return m.command == "322" && m.param(1) == "#hidden"; }));
    }

    void exceptionsAndInviteExceptions()
    {
        TestServer server;
        QVERIFY(server.start());
        auto op = server.client("exop");
        op->send("JOIN #guarded");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#guarded"; }));
        op->send("MODE #guarded +b *!*@127.0.0.1");
        op->send("MODE #guarded +e friend!*@*");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+e"; }));
        auto stranger = server.client("stranger");
        stranger->send("JOIN #guarded");
        QVERIFY(stranger->waitFor(numeric("474")));
        auto buddy = server.client("friend");
        buddy->send("JOIN #guarded");
        QVERIFY(buddy->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#guarded"; }));
        op->send("MODE #guarded e");
        auto entry = op->waitFor(numeric("348"));
        QVERIFY(entry);
        QCOMPARE(entry->param(2), QByteArray("friend!*@*"));
        QVERIFY(op->waitFor(numeric("349")));
        // +I lets in past +i.
        op->send("MODE #guarded -b+iI *!*@127.0.0.1 vip!*@*");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "-b+iI"; }));
        auto vip = server.client("vip");
        vip->send("JOIN #guarded");
        QVERIFY(vip->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#guarded"; }));
        stranger->send("JOIN #guarded");
        QVERIFY(stranger->waitFor(numeric("473")));
        op->send("MODE #guarded I");
        QCOMPARE(op->waitFor(numeric("346"))->param(2), QByteArray("vip!*@*"));
        QVERIFY(op->waitFor(numeric("347")));
        QVERIFY(op->isupport().contains("EXCEPTS=e"));
        QVERIFY(op->isupport().contains("INVEX=I"));
    }

    void noCtcpButAction()
    {
        TestServer server;
        QVERIFY(server.start());
        auto op = server.client("ctcpop");
        op->send("JOIN #quiet");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#quiet"; }));
        op->send("MODE #quiet +C");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+C"; }));
        auto talker = server.client("talker");
        talker->send("JOIN #quiet");
        QVERIFY(talker->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#quiet"; }));
        talker->send("PRIVMSG #quiet :\x01VERSION\x01");
        QVERIFY(talker->waitFor(numeric("404")));
        talker->send("PRIVMSG #quiet :\x01"
                     "ACTION waves\x01");
        QVERIFY(op->waitFor(
            [](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1).contains("ACTION waves"); }));
        QCOMPARE(
            op->count([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1).contains("VERSION"); }), 0);
    }

    void elistFilters()
    {
        TestServer server;
        QVERIFY(server.start());
        auto a = server.client("lister");
        for (const char *ch : {"#big", "#small", "#other"}) {
            a->send(QByteArray("JOIN ") + ch);
            QVERIFY(a->waitFor([ch](const IrcMessage &m) { return m.command == "366" && m.param(1) == ch; }));
        }
        auto b = server.client("second");
        b->send("JOIN #big");
        QVERIFY(b->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#big"; }));
        QVERIFY(a->isupport().contains("ELIST=CMNTU"));
        auto listed = [&](const QByteArray &query) {
            const int before = int(a->receivedCount());
            a->send("LIST " + query);
            a->waitFor(numeric("323"));
            QList<QByteArray> names;
            for (qsizetype i = before; i < a->receivedCount(); ++i)
                if (a->message(i).command == "322")
                    names.append(a->message(i).param(1));
            std::sort(names.begin(), names.end());
            return names;
        };
        QCOMPARE(listed(">1"), (QList<QByteArray> {"#big", "#lobby"}));
        QCOMPARE(listed("<2"), (QList<QByteArray> {"#other", "#small"}));
        QCOMPARE(listed("#s*"), (QList<QByteArray> {"#small"}));
        QCOMPARE(listed("#*,!#lobby,>1"), (QList<QByteArray> {"#big"}));
        QCOMPARE(listed("C<5"), (QList<QByteArray> {"#big", "#lobby", "#other", "#small"}));
        QCOMPARE(listed("C>5"), QList<QByteArray>());
        QCOMPARE(listed("T<5"), QList<QByteArray>()); // no topics set
    }

    void newChannelModesSurviveRestart()
    {
        QTemporaryDir dir;
        ServerConfig config = TestServer::defaultConfig();
        config.database = dir.filePath(QStringLiteral("confab.db"));
        {
            TestServer server(config);
            QVERIFY(server.start());
            auto op = server.client("keeper");
            op->send("JOIN #kept");
            QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#kept"; }));
            op->send("MODE #kept +sCeI ok!*@* in!*@*");
            QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+sCeI"; }));
        }
        TestServer again(config);
        QVERIFY(again.start());
        auto op = again.client("keeper");
        op->send("JOIN #kept");
        QVERIFY(op->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#kept"; }));
        op->send("MODE #kept");
        auto modes = op->waitFor(numeric("324"));
        QVERIFY(modes);
        QVERIFY2(modes->param(2).contains('s') && modes->param(2).contains('C'), modes->param(2).constData());
        op->send("MODE #kept e");
        QCOMPARE(op->waitFor(numeric("348"))->param(2), QByteArray("ok!*@*"));
        op->send("MODE #kept I");
        QCOMPARE(op->waitFor(numeric("346"))->param(2), QByteArray("in!*@*"));
    }

    void whox()
    {
        TestServer server;
        QVERIFY(server.start());
        auto acct = server.accountOwner("whoxacct", "whox-password");
        QVERIFY(acct);
        auto asker = server.client("whoxasker");
        QVERIFY(asker->isupport().contains("WHOX"));
        asker->send("WHO whoxacct %tnar,42");
        auto row = asker->waitFor(numeric("354"));
        QVERIFY(row);
        QCOMPARE(row->params, (QList<QByteArray> {"whoxasker", "42", "whoxacct", "whoxacct", "Test user whoxacct"}));
        QVERIFY(asker->waitFor(numeric("315")));
        // Fields come in the fixed order whatever order they are asked in; "0" for no account.
        asker->send("WHO whoxasker %ahnuc");
        row = asker->waitFor(numeric("354"));
        QCOMPARE(row->params, (QList<QByteArray> {"whoxasker", "#lobby", "~whoxasker", "127.0.0.1", "whoxasker", "0"}));
        // Without %, the classic 352.
        asker->send("WHO whoxacct");
        QVERIFY(asker->waitFor(numeric("352")));
    }

    void monitor()
    {
        TestServer server;
        QVERIFY(server.start());
        auto watcher = server.client();
        QVERIFY(watcher->registerWithCaps("watcher", "extended-monitor away-notify", {}));
        QVERIFY(watcher->isupport().contains("MONITOR=100"));
        auto present = server.client("present", {});
        watcher->send("MONITOR + present,absent");
        auto online = watcher->waitFor(numeric("730"));
        QVERIFY(online);
        QVERIFY(online->param(1).startsWith("present!"));
        QCOMPARE(watcher->waitFor(numeric("731"))->param(1), QByteArray("absent"));
        // absent arrives, present leaves.
        auto absent = server.client("absent", {});
        auto arrived = watcher->waitFor(numeric("730"));
        QVERIFY(arrived);
        QVERIFY(arrived->param(1).startsWith("absent!"));
        // extended-monitor: away changes of a watched nick, with no shared channel.
        absent->send("AWAY :lunch");
        auto away = watcher->waitForCommand("AWAY");
        QVERIFY(away);
        QVERIFY(away->source.startsWith("absent!"));
        present->send("QUIT");
        QCOMPARE(watcher->waitFor(numeric("731"))->param(1), QByteArray("present"));
        // A nick change is leaving one nick and taking another.
        absent->send("NICK renamed");
        QCOMPARE(watcher->waitFor(numeric("731"))->param(1), QByteArray("absent"));
        watcher->send("MONITOR L");
        auto list = watcher->waitFor(numeric("732"));
        QVERIFY(list);
        QCOMPARE(list->param(1), QByteArray("absent,present"));
        QVERIFY(watcher->waitFor(numeric("733")));
        watcher->send("MONITOR - absent");
        watcher->send("MONITOR S");
        QCOMPARE(watcher->waitFor(numeric("731"))->param(1), QByteArray("present"));
        watcher->send("MONITOR C");
        watcher->send("MONITOR L");
        QVERIFY(watcher->waitFor(numeric("733")));
        // The limit.
        QList<QByteArray> many;
        for (int i = 0; i < 101; ++i)
            many.append("m" + QByteArray::number(i));
        watcher->send("MONITOR + " + many.join(','));
        auto full = watcher->waitFor(numeric("734"));
        QVERIFY(full);
        QCOMPARE(full->param(1), QByteArray("100"));
        QCOMPARE(full->param(2), QByteArray("m100"));
    }

    void namesWithoutAndWithSeveralChannels()
    {
        TestServer server;
        QVERIFY(server.start());
        auto c = server.client("namer");
        c->send("JOIN #two");
        QVERIFY(c->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#two"; }));
        c->send("NAMES");
        QCOMPARE(c->waitFor(numeric("366"))->param(1), QByteArray("*"));
        c->send("NAMES #lobby,#two");
        auto first = c->waitFor(numeric("353"));
        QCOMPARE(first->param(2), QByteArray("#lobby"));
        QCOMPARE(c->waitFor(numeric("366"))->param(1), QByteArray("#lobby"));
        QCOMPARE(c->waitFor(numeric("353"))->param(2), QByteArray("#two"));
        QCOMPARE(c->waitFor(numeric("366"))->param(1), QByteArray("#two"));
    }
};

QTEST_MAIN(TestConformance)
#include "tst_conformance.moc"
