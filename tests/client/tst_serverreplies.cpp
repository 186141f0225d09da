// How server replies read: each numeric, as a server sends it, and the event a view shows.

#include "client/serverreplies.h"
#include "protocol/ircmessage.h"

#include <QTest>

class TestServerReplies : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void describe_data();
    void describe();
    void humanDuration_data();
    void humanDuration();
};

void TestServerReplies::describe_data()
{
    using T = ChatEvent::Type;
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("shown");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("nick");
    const auto row = [](const char *name, const QByteArray &line, T type, const QString &text, const QString &nick = {}) {
        QTest::newRow(name) << line << true << int(type) << text << nick;
    };
    row("welcome burst", ":srv 002 me :Your host is srv", T::Server, "Your host is srv");
    row("user counts repeat their numbers", ":srv 265 me 3 10 :Current local users 3, max 10", T::Server,
        "Current local users 3, max 10");
    row("channel count", ":srv 254 me 3 :channels formed", T::Server, "3 channels formed");
    row("motd", ":srv 372 me :- be nice", T::Server, "- be nice");
    row("no motd is not an error", ":srv 422 me :MOTD File is missing", T::Server, "MOTD File is missing");
    row("whois user", ":srv 311 me bob b host.example * :Bob B", T::Info, "bob is b@host.example (Bob B)");
    row("whois server", ":srv 312 me bob srv.example :Confab", T::Info, "bob is on server srv.example (Confab)");
    row("whois idle", ":srv 317 me bob 3725 0 :seconds idle, signon time", T::Info,
        "bob has been idle 1 h 2 min, and connected " + ServerReplies::humanTime(0));
    row("whois channels", ":srv 319 me bob :@#a #b", T::Info, "bob is on @#a #b");
    row("whois account", ":srv 330 me bob bobby :is logged in as", T::Info, "bob is logged in as bobby");
    row("away", ":srv 301 me bob :lunch", T::Info, "bob is away: lunch");
    row("channel modes", ":srv 324 me #c +ntl 10", T::Info, "#c modes: +ntl 10");
    row("who", ":srv 352 me #c b host srv bob H@ :0 Bob B", T::Who, "(b@host) Bob B", "bob");
    row("end of who", ":srv 315 me #c :End of WHO list", T::Info, "End of /who #c");
    row("error with a subject", ":srv 401 me nobody :No such nick/channel", T::Error, "nobody: No such nick/channel");
    row("error without", ":srv 421 me :Unknown command", T::Error, "Unknown command");
    row("an unknown reply reads as its words", ":srv 391 me srv.example :Mon Nov 30", T::Info, "srv.example Mon Nov 30");
    QTest::newRow("myinfo is bookkeeping") << QByteArray(":srv 004 me srv 1.0 io ntl") << false << 0 << QString() << QString();
    QTest::newRow("topic time is bookkeeping") << QByteArray(":srv 333 me #c bob 0") << false << 0 << QString() << QString();
}

void TestServerReplies::describe()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, shown);
    QFETCH(int, type);
    QFETCH(QString, text);
    QFETCH(QString, nick);
    const std::optional<IrcMessage> msg = IrcMessage::parse(line);
    QVERIFY(msg);
    const std::optional<ChatEvent> ev = ServerReplies::describe(msg->command.toInt(), *msg);
    QCOMPARE(ev.has_value(), shown);
    if (!ev)
        return;
    QCOMPARE(int(ev->type), type);
    QCOMPARE(ev->text, text);
    QCOMPARE(ev->nick, nick);
}

void TestServerReplies::humanDuration_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(45) << QString("45 s");
    QTest::newRow("minutes") << qint64(192) << QString("3 min 12 s");
    QTest::newRow("hours") << qint64(7500) << QString("2 h 5 min");
    QTest::newRow("days") << qint64(4 * 86400 + 7200 + 59) << QString("4 days 2 h");
    QTest::newRow("never negative") << qint64(-5) << QString("0 s");
}

void TestServerReplies::humanDuration()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(ServerReplies::humanDuration(seconds), text);
}

QTEST_GUILESS_MAIN(TestServerReplies)
#include "tst_serverreplies.moc"
