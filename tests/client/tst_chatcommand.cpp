// SPDX-License-Identifier: MIT
#include "client/chatcommand.h"
#include "client/ctcp.h"
#include "client/irccommands.h"

#include <QTest>

using K = ChatCommand::Kind;
Q_DECLARE_METATYPE(ChatCommand::Kind)
Q_DECLARE_METATYPE(IrcMessage)

class TestChatCommand : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ctcpParse_data();
    void ctcpParse();
    void ctcpRate();
    void parse_data();
    void parse();
    void invalid_data();
    void invalid();
    void builders_data();
    void builders();
    void longTextIsSplitNeverCut();
};

void TestChatCommand::parse_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<ChatCommand::Kind>("kind");
    QTest::addColumn<QStringList>("args");

    QTest::newRow("empty") << "" << K::None << QStringList {};
    QTest::newRow("blank") << "   " << K::None << QStringList {};
    QTest::newRow("text") << "hello world" << K::Say << QStringList {"hello world"};
    QTest::newRow("text keeps spacing") << "  a  b " << K::Say << QStringList {"  a  b "};
    QTest::newRow("double slash") << "//not a command" << K::Say << QStringList {"/not a command"};
    QTest::newRow("/msg") << "/msg bob hi there" << K::Msg << QStringList {"bob", "hi there"};
    QTest::newRow("@nick (seed 001)") << "@bob hi there" << K::Msg << QStringList {"bob", "hi there"};
    QTest::newRow("!msg (seed 003)") << "!msg bob hi there" << K::Msg << QStringList {"bob", "hi there"};
    QTest::newRow("/kick") << "/kick bob stop that now" << K::Kick << QStringList {"bob", "stop that now"};
    QTest::newRow("/invite") << "/invite carol #den" << K::Invite << QStringList {"carol", "#den"};
    QTest::newRow("/mode") << "/mode +o bob" << K::Mode << QStringList {"+o bob"};
    QTest::newRow("/mode query") << "/mode" << K::Mode << QStringList {};
    QTest::newRow("/oper") << "/oper admin s3cret" << K::Oper << QStringList {"admin", "s3cret"};
    QTest::newRow("/MSG case-insensitive") << "/MSG bob x" << K::Msg << QStringList {"bob", "x"};
    QTest::newRow("/me") << "/me waves hello" << K::Me << QStringList {"waves hello"};
    QTest::newRow("/who") << "/who" << K::Who << QStringList {};
    QTest::newRow("/who mask") << "/who a*" << K::Who << QStringList {"a*"};
    QTest::newRow("!who (seed 003)") << "!who" << K::Who << QStringList {};
    QTest::newRow("/join") << "/join #dev" << K::Join << QStringList {"#dev"};
    QTest::newRow("/part") << "/part" << K::Part << QStringList {};
    QTest::newRow("/part channel reason") << "/part #dev see you" << K::Part << QStringList {"#dev", "see you"};
    QTest::newRow("/part reason only") << "/part see you" << K::Part << QStringList {"", "see you"};
    QTest::newRow("/nick") << "/nick robert" << K::Nick << QStringList {"robert"};
    QTest::newRow("/topic") << "/topic new topic" << K::Topic << QStringList {"new topic"};
    QTest::newRow("/away") << "/away lunch" << K::Away << QStringList {"lunch"};
    QTest::newRow("/away back") << "/away" << K::Away << QStringList {};
    QTest::newRow("/quit") << "/quit" << K::Quit << QStringList {};
    QTest::newRow("/quit reason") << "/quit gone fishing" << K::Quit << QStringList {"gone fishing"};
    QTest::newRow("\\q (seed 001)") << "\\q" << K::Quit << QStringList {};
    QTest::newRow("QUIT (seed 004)") << "QUIT" << K::Quit << QStringList {};
    QTest::newRow("!logout (seed 003)") << "!logout" << K::Quit << QStringList {};
    QTest::newRow("/exit") << "/exit" << K::Quit << QStringList {};
    QTest::newRow("quit as a word is text") << "quit" << K::Say << QStringList {"quit"};
    QTest::newRow("/help") << "/help" << K::Help << QStringList {};
    QTest::newRow("/raw") << "/raw PRIVMSG #a :b c" << K::Raw << QStringList {"PRIVMSG #a :b c"};
    QTest::newRow("/connect (seed 002)") << "/connect 10.0.0.1 6667" << K::Connect << QStringList {"10.0.0.1", "6667"};
    QTest::newRow("/connect host only") << "/connect example.org" << K::Connect << QStringList {"example.org"};
    QTest::newRow("/sessions") << "/sessions" << K::Sessions << QStringList {};
    QTest::newRow("/list") << "/list" << K::ChannelList << QStringList {};
    QTest::newRow("/list filter") << "/list rust" << K::ChannelList << QStringList {"rust"};
    QTest::newRow("/version") << "/version" << K::Version << QStringList {};
    QTest::newRow("/version nick") << "/version bob" << K::Version << QStringList {"bob"};
    QTest::newRow("/ignore") << "/ignore" << K::Ignore << QStringList {};
    QTest::newRow("/ignore nick") << "/ignore spammer*" << K::Ignore << QStringList {"spammer*"};
    QTest::newRow("/unignore") << "/unignore bob" << K::Unignore << QStringList {"bob"};
    QTest::newRow("/window") << "/window 3" << K::Window << QStringList {"3"};
    QTest::newRow("/window close") << "/window close" << K::Window << QStringList {"close"};
    QTest::newRow("/close") << "/close" << K::Close << QStringList {};
    QTest::newRow("/wc") << "/wc" << K::Close << QStringList {};
    QTest::newRow("/clear") << "/clear" << K::Clear << QStringList {};
    QTest::newRow("/c") << "/c" << K::Clear << QStringList {};
    QTest::newRow("/lastlog") << "/lastlog two words" << K::Lastlog << QStringList {"two words"};
    QTest::newRow("/set") << "/set nicklist on" << K::Set << QStringList {"nicklist", "on"};
    QTest::newRow("/terminate") << "/terminate 2" << K::Terminate << QStringList {"2"};
    QTest::newRow("/send") << "/send 2 hello there" << K::Send << QStringList {"2", "hello there"};
    QTest::newRow("/myip") << "/myip" << K::MyIp << QStringList {};
    QTest::newRow("/myport") << "/myport" << K::MyPort << QStringList {};
    QTest::newRow("trailing newline") << "hi\r\n" << K::Say << QStringList {"hi"};
    QTest::newRow("/j") << "/j #rust" << K::Join << QStringList {"#rust"};
    QTest::newRow("/q") << "/q bob" << K::Query << QStringList {"bob"};
    QTest::newRow("/w") << "/w" << K::Who << QStringList {};
    QTest::newRow("/wi") << "/wi bob" << K::Whois << QStringList {"bob"};
    QTest::newRow("/n") << "/n #a" << K::Names << QStringList {"#a"};
    QTest::newRow("/t") << "/t new topic" << K::Topic << QStringList {"new topic"};
    QTest::newRow("/m") << "/m bob hi there" << K::Msg << QStringList {"bob", "hi there"};
    QTest::newRow("/k") << "/k bob go away" << K::Kick << QStringList {"bob", "go away"};
    QTest::newRow("/bye") << "/bye" << K::Quit << QStringList {};
    QTest::newRow("/ctcp") << "/ctcp bob version now" << K::Ctcp << QStringList {"bob", "version", "now"};
    QTest::newRow("/ping") << "/ping bob" << K::Ping << QStringList {"bob"};
    QTest::newRow("/names") << "/names" << K::Names << QStringList {};
}

void TestChatCommand::parse()
{
    QFETCH(QString, line);
    QFETCH(ChatCommand::Kind, kind);
    QFETCH(QStringList, args);
    const ChatCommand cmd = ChatCommand::parse(line);
    QCOMPARE(cmd.kind, kind);
    QCOMPARE(cmd.args, args);
}

void TestChatCommand::invalid_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown") << "/frobnicate"
                             << "/frobnicate";
    QTest::newRow("/msg without text") << "/msg bob"
                                       << "/msg NICK TEXT";
    QTest::newRow("@nick without text") << "@bob"
                                        << "@NICK TEXT";
    QTest::newRow("!msg without text") << "!msg bob"
                                       << "!msg NICK TEXT";
    QTest::newRow("/join without channel") << "/join"
                                           << "/join";
    QTest::newRow("/send without text") << "/send 1"
                                        << "/send ID TEXT";
    QTest::newRow("/sessions with args") << "/sessions now"
                                         << "/sessions";
    QTest::newRow("/window without a number") << "/window"
                                              << "/window N";
    QTest::newRow("/lastlog without words") << "/lastlog"
                                            << "/lastlog WORDS";
}

void TestChatCommand::invalid()
{
    QFETCH(QString, line);
    QFETCH(QString, mentions);
    const ChatCommand cmd = ChatCommand::parse(line);
    QCOMPARE(cmd.kind, K::Invalid);
    QVERIFY2(cmd.error.contains(mentions), qPrintable(cmd.error));
}

void TestChatCommand::ctcpParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("isCtcp");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("args");
    QTest::newRow("bare") << QString("\x01VERSION\x01") << true << QString("VERSION") << QString();
    QTest::newRow("lower case, args, no closing")
        << QString("\x01ping 1 2") << true << QString("PING") << QString("1 2");
    QTest::newRow("action") << QString("\x01"
                                       "ACTION waves\x01")
                            << true << QString("ACTION") << QString("waves");
    QTest::newRow("plain text") << QString("VERSION") << false << QString() << QString();
    QTest::newRow("empty") << QString("\x01\x01") << false << QString() << QString();
}

void TestChatCommand::ctcpParse()
{
    QFETCH(QString, text);
    QFETCH(bool, isCtcp);
    QFETCH(QString, command);
    QFETCH(QString, args);
    const std::optional<Ctcp::Message> m = Ctcp::parse(text);
    QCOMPARE(m.has_value(), isCtcp);
    if (!m)
        return;
    QCOMPARE(m->command, command);
    QCOMPARE(m->args, args);
    QCOMPARE(Ctcp::parse(Ctcp::quote(m->command, m->args))->args, args); // and back
    // ACTION is shown, not answered; unknown requests are not answered either.
    QCOMPARE(Ctcp::answer(*m, QDateTime::currentDateTime()).has_value(), command == u"VERSION" || command == u"PING");
}

void TestChatCommand::ctcpRate()
{
    Ctcp rate;
    for (int i = 0; i < Ctcp::Burst; ++i)
        QVERIFY(rate.allowAnswer(1000));
    QVERIFY(!rate.allowAnswer(1000));
    QVERIFY(!rate.allowAnswer(1000 + 999 / Ctcp::Rate));
    QVERIFY(rate.allowAnswer(1000 + 1000 / Ctcp::Rate));
    QVERIFY(!rate.allowAnswer(1000 + 1000 / Ctcp::Rate));
    // Idle long enough, the burst is back, no more.
    for (int i = 0; i < Ctcp::Burst; ++i)
        QVERIFY(rate.allowAnswer(1'000'000));
    QVERIFY(!rate.allowAnswer(1'000'000));
}

void TestChatCommand::builders_data()
{
    // What each builder puts on the wire (nullopt: refused, never sent half-made).
    QTest::addColumn<IrcMessage>("message");
    QTest::addColumn<QByteArray>("wire");
    using namespace IrcCommands;
    QTest::newRow("privmsg") << privmsg("#c", "hi there").first() << QByteArray("PRIVMSG #c :hi there");
    QTest::newRow("action") << action("bob", "waves")
                            << QByteArray("PRIVMSG bob :\x01"
                                          "ACTION waves\x01");
    QTest::newRow("notice") << notice("#c", "n") << QByteArray("NOTICE #c :n");
    QTest::newRow("ctcp upper-cases") << ctcp("bob", "version", {}) << QByteArray("PRIVMSG bob :\x01VERSION\x01");
    QTest::newRow("ctcp reply") << ctcpReply("bob", "PING", "123") << QByteArray("NOTICE bob :\x01PING 123\x01");
    QTest::newRow("join") << join("#c") << QByteArray("JOIN #c");
    QTest::newRow("join with key") << join("#c", "k3y") << QByteArray("JOIN #c k3y");
    QTest::newRow("part") << part("#c") << QByteArray("PART #c");
    QTest::newRow("part with reason") << part("#c", "see you") << QByteArray("PART #c :see you");
    QTest::newRow("topic") << topic("#c", "a b") << QByteArray("TOPIC #c :a b");
    QTest::newRow("topic cleared") << topic("#c", {}) << QByteArray("TOPIC #c :");
    QTest::newRow("topic query") << topicQuery("#c") << QByteArray("TOPIC #c");
    QTest::newRow("away") << away("lunch") << QByteArray("AWAY :lunch");
    QTest::newRow("back") << away({}) << QByteArray("AWAY");
    QTest::newRow("kick") << kick("#c", "bob", "bye bob") << QByteArray("KICK #c bob :bye bob");
    QTest::newRow("invite") << invite("bob", "#c") << QByteArray("INVITE bob #c");
    QTest::newRow("mode split at spaces") << mode("#c", " +ov  bob  carol ") << QByteArray("MODE #c +ov bob carol");
    QTest::newRow("mode query") << mode("#c") << QByteArray("MODE #c");
    QTest::newRow("ban mask") << mode("#c", "+b bob!*@*") << QByteArray("MODE #c +b bob!*@*");
    QTest::newRow("register") << registerAccount("pw d", true) << QByteArray("REGISTER * * :pw d");
    QTest::newRow("register through NickServ")
        << registerAccount("pw", false) << QByteArray("PRIVMSG NickServ :REGISTER pw");
    QTest::newRow("oper") << oper("root", "s3cret") << QByteArray("OPER root :s3cret");
    QTest::newRow("who") << who("#c") << QByteArray("WHO #c");
    // What would break the line or add a parameter is refused, not sent.
    QTest::newRow("line break in text") << privmsg("#c", "a\r\nQUIT").first() << QByteArray();
    QTest::newRow("space in a nick") << kick("#c", "bob QUIT", "x") << QByteArray();
    // A last parameter with a space stays one parameter: the server refuses the odd channel name.
    QTest::newRow("a space in the last parameter") << join("#c :x") << QByteArray("JOIN :#c :x");
    QTest::newRow("NUL in a reason") << part("#c", QString("a") + QChar(0)) << QByteArray();
}

void TestChatCommand::builders()
{
    QFETCH(IrcMessage, message);
    QFETCH(QByteArray, wire);
    const std::optional<QByteArray> got = message.serialize();
    if (wire.isEmpty()) {
        QVERIFY2(!got, got ? got->constData() : "");
        return;
    }
    QVERIFY(got);
    QCOMPARE(*got, wire + "\r\n");
}

void TestChatCommand::longTextIsSplitNeverCut()
{
    // 1000 bytes of two-byte characters and spaces: each line fits, none splits a character,
    // and together they are the text.
    QString text;
    for (int i = 0; i < 250; ++i)
        text += QStringLiteral("\u00e9\u00e9 ");
    const QList<IrcMessage> parts = IrcCommands::privmsg("#c", text);
    QVERIFY(parts.size() >= 2);
    QString joined;
    for (const IrcMessage &m : parts) {
        QVERIFY(m.serialize()->size() <= 512 - 100);                   // room for the server's prefix
        QVERIFY(QString::fromUtf8(m.param(1)).toUtf8() == m.param(1)); // whole characters
        joined += QString::fromUtf8(m.param(1));
    }
    QCOMPARE(joined, text);
}

QTEST_GUILESS_MAIN(TestChatCommand)
#include "tst_chatcommand.moc"
