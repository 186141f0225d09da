// SPDX-License-Identifier: MIT
// How a server's lines read: each command and numeric, as a server sends it, and the event a
// view shows; and history's batches gathered into events.

#include "client/historyrequests.h"
#include "client/serverevents.h"
#include "protocol/ircmessage.h"

#include <QTest>

class TestServerEvents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fromReply_data();
    void fromReply();
    void fromCommand_data();
    void fromCommand();
    void historyBatches();
    void readMarkersOnlyMoveOn();
    void humanDuration_data();
    void humanDuration();
};

void TestServerEvents::fromReply_data()
{
    using T = ChatEvent::Type;
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("shown");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("nick");
    const auto row = [](const char *name, const QByteArray &line, T type, const QString &text,
                        const QString &nick = {}) { QTest::newRow(name) << line << true << int(type) << text << nick; };
    row("welcome burst", ":srv 002 me :Your host is srv", T::Server, "Your host is srv");
    row("user counts repeat their numbers", ":srv 265 me 3 10 :Current local users 3, max 10", T::Server,
        "Current local users 3, max 10");
    row("channel count", ":srv 254 me 3 :channels formed", T::Server, "3 channels formed");
    row("motd", ":srv 372 me :- be nice", T::Server, "- be nice");
    row("no motd is not an error", ":srv 422 me :MOTD File is missing", T::Server, "MOTD File is missing");
    row("whois user", ":srv 311 me bob b host.example * :Bob B", T::Info, "bob is b@host.example (Bob B)");
    row("whois server", ":srv 312 me bob srv.example :Confab", T::Info, "bob is on server srv.example (Confab)");
    row("whois idle", ":srv 317 me bob 3725 0 :seconds idle, signon time", T::Info,
        "bob has been idle 1 h 2 min, and connected " + ServerEvents::humanTime(0));
    row("whois channels", ":srv 319 me bob :@#a #b", T::Info, "bob is on @#a #b");
    row("whois account", ":srv 330 me bob bobby :is logged in as", T::Info, "bob is logged in as bobby");
    row("away", ":srv 301 me bob :lunch", T::Info, "bob is away: lunch");
    row("channel modes", ":srv 324 me #c +ntl 10", T::Info, "#c modes: +ntl 10");
    row("who", ":srv 352 me #c b host srv bob H@ :0 Bob B", T::Who, "(b@host) Bob B", "bob");
    row("end of who", ":srv 315 me #c :End of WHO list", T::Info, "End of /who #c");
    row("error with a subject", ":srv 401 me nobody :No such nick/channel", T::Error, "nobody: No such nick/channel");
    row("error without", ":srv 421 me :Unknown command", T::Error, "Unknown command");
    row("an unknown reply reads as its words", ":srv 391 me srv.example :Mon Nov 30", T::Info,
        "srv.example Mon Nov 30");
    QTest::newRow("myinfo is bookkeeping")
        << QByteArray(":srv 004 me srv 1.0 io ntl") << false << 0 << QString() << QString();
    QTest::newRow("topic time is bookkeeping")
        << QByteArray(":srv 333 me #c bob 0") << false << 0 << QString() << QString();
}

void TestServerEvents::fromReply()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, shown);
    QFETCH(int, type);
    QFETCH(QString, text);
    QFETCH(QString, nick);
    const std::optional<IrcMessage> msg = IrcMessage::parse(line);
    QVERIFY(msg);
    const std::optional<ChatEvent> ev = ServerEvents::fromReply(msg->command.toInt(), *msg);
    QCOMPARE(ev.has_value(), shown);
    if (!ev)
        return;
    QCOMPARE(int(ev->type), type);
    QCOMPARE(ev->text, text);
    QCOMPARE(ev->nick, nick);
}

void TestServerEvents::fromCommand_data()
{
    using T = ChatEvent::Type;
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("nick");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("own");
    QTest::addColumn<QStringList>("list");
    const auto row = [](const char *name, const QByteArray &line, T type, const QString &nick, const QString &channel,
                        const QString &text, bool own = false, const QStringList &list = {}) {
        QTest::newRow(name) << line << int(type) << nick << channel << text << own << list;
    };
    row("message", ":bob!b@h PRIVMSG #c :hello", T::Message, "bob", "#c", "hello");
    row("our own echo", ":me!m@h PRIVMSG #c :mine", T::Message, "me", "#c", "mine", true);
    row("join", ":bob!b@h JOIN #c", T::Join, "bob", "#c", {});
    row("our join", ":ME!m@h JOIN #c", T::Join, "ME", "#c", {}, true);
    row("extended-join", ":bob!b@h JOIN #c bobacct :Bob B", T::Join, "bob", "#c", {});
    row("part", ":bob!b@h PART #c :later", T::Part, "bob", "#c", "later");
    row("kick names the kicker", ":op!o@h KICK #c me :out", T::Kick, "me", "#c", "out", true, {"op"});
    row("quit", ":bob!b@h QUIT :Quit: bye", T::Quit, "bob", {}, "Quit: bye");
    row("nick", ":bob!b@h NICK :robert", T::Nick, "bob", {}, "robert");
    row("topic", ":bob!b@h TOPIC #c :new", T::Topic, "bob", "#c", "new");
    row("away", ":bob!b@h AWAY :lunch", T::Away, "bob", {}, "lunch");
    row("back", ":bob!b@h AWAY", T::Away, "bob", {}, {});
    row("channel mode", ":op!o@h MODE #c +ov bob bob", T::Mode, "op", "#c", "+ov bob bob", false,
        {"+ov", "bob", "bob"});
    row("invite", ":bob!b@h INVITE me #den", T::Info, {}, {}, "bob invites you to #den (/join #den)");
    row("standard reply", ":srv FAIL CHATHISTORY INVALID_TARGET #x :No such target", T::Error, {}, {},
        "CHATHISTORY refused: No such target");
    QTest::newRow("ping is the session's")
        << QByteArray("PING :x") << -1 << QString() << QString() << QString() << false << QStringList();
    QTest::newRow("a message without text")
        << QByteArray(":bob!b@h PRIVMSG #c") << -1 << QString() << QString() << QString() << false << QStringList();
}

void TestServerEvents::fromCommand()
{
    QFETCH(QByteArray, line);
    QFETCH(int, type);
    QFETCH(QString, nick);
    QFETCH(QString, channel);
    QFETCH(QString, text);
    QFETCH(bool, own);
    QFETCH(QStringList, list);
    const std::optional<IrcMessage> msg = IrcMessage::parse(line);
    QVERIFY(msg);
    const std::optional<ChatEvent> ev = ServerEvents::fromCommand(*msg, QStringLiteral("me"));
    QCOMPARE(ev.has_value(), type >= 0);
    if (!ev)
        return;
    QCOMPARE(int(ev->type), type);
    QCOMPARE(ev->nick, nick);
    QCOMPARE(ev->channel, channel);
    QCOMPARE(ev->text, text);
    QCOMPARE(ev->own, own);
    QCOMPARE(ev->list, list);
}

void TestServerEvents::humanDuration_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(45) << QString("45 s");
    QTest::newRow("minutes") << qint64(192) << QString("3 min 12 s");
    QTest::newRow("hours") << qint64(7500) << QString("2 h 5 min");
    QTest::newRow("days") << qint64(4 * 86400 + 7200 + 59) << QString("4 days 2 h");
    QTest::newRow("never negative") << qint64(-5) << QString("0 s");
}

void TestServerEvents::humanDuration()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(ServerEvents::humanDuration(seconds), text);
}

namespace {
IrcMessage line(const QByteArray &text) { return *IrcMessage::parse(text); }
} // namespace

void TestServerEvents::historyBatches()
{
    HistoryRequests history;
    history.asked("#c", "latest");
    history.asked("#c", "before");
    // A batch that is not history's: its lines are the session's, and its end is no event.
    QVERIFY(!history.batch(line("BATCH +n netsplit a b")));
    QVERIFY(!history.take(line("@batch=n :x!x@h QUIT :a b"), "me"));
    QVERIFY(!history.batch(line("BATCH -n")));
    // The first history batch for #c answers the first request: "latest".
    QVERIFY(!history.batch(line(":s BATCH +h1 chathistory #C")));
    QVERIFY(history.take(line("@batch=h1;msgid=m1;time=2026-01-01T00:00:00.000Z :bob!b@h PRIVMSG #c :one"), "me"));
    QVERIFY(history.take(line("@batch=h1 :bob!b@h PRIVMSG #c :\x01VERSION\x01"), "me")); // taken, not shown
    QVERIFY(history.take(line("@batch=h1 :bob!b@h JOIN #c"), "me"));
    QVERIFY(history.take(line("@batch=h1;msgid=m2 :me!m@h PRIVMSG #c :two"), "me"));
    QVERIFY(!history.take(line(":bob!b@h PRIVMSG #c :live"), "me")); // not in a batch
    std::optional<ChatEvent> ev = history.batch(line(":s BATCH -h1"));
    QVERIFY(ev);
    QCOMPARE(ev->type, ChatEvent::Type::History);
    QCOMPARE(ev->text, QStringLiteral("latest"));
    QCOMPARE(ev->channel, QStringLiteral("#C"));
    QCOMPARE(ev->messages.size(), 2);
    QCOMPARE(ev->messages.at(0).msgid, QStringLiteral("m1"));
    QCOMPARE(ev->messages.at(0).time, QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
    QVERIFY(ev->messages.at(1).isOwn);
    // The next answers "before"; a search batch says it is one, whatever was asked.
    QVERIFY(!history.batch(line(":s BATCH +s1 confab/search #c")));
    QVERIFY(history.take(line("@batch=s1 :bob!b@h PRIVMSG #c :found"), "me"));
    ev = history.batch(line(":s BATCH -s1"));
    QVERIFY(ev && ev->text == u"search" && ev->messages.size() == 1);
    QVERIFY(!history.batch(line(":s BATCH +h2 chathistory #c")));
    ev = history.batch(line(":s BATCH -h2"));
    QVERIFY(ev && ev->text == u"before" && ev->messages.isEmpty());
    // An end with no start, or a stray line: nothing.
    QVERIFY(!history.batch(line(":s BATCH -nothing")));
    QVERIFY(!history.take(line("@batch=gone :bob!b@h PRIVMSG #c :x"), "me"));
}

void TestServerEvents::readMarkersOnlyMoveOn()
{
    HistoryRequests history;
    const QDateTime t1(QDate(2026, 1, 1), QTime(10, 0), Qt::UTC);
    QVERIFY(history.advanceMarker("#c", t1));
    QVERIFY(!history.advanceMarker("#C", t1));             // known already
    QVERIFY(!history.advanceMarker("#c", t1.addSecs(-1))); // behind it
    history.noteMarker("#c", t1.addSecs(60));              // another device read further
    QVERIFY(!history.advanceMarker("#c", t1.addSecs(30)));
    QVERIFY(history.advanceMarker("#c", t1.addSecs(61)));
    QVERIFY(!history.advanceMarker("#c", QDateTime()));
    history.reset();
    QVERIFY(history.advanceMarker("#c", t1));
}

QTEST_GUILESS_MAIN(TestServerEvents)
#include "tst_serverevents.moc"
