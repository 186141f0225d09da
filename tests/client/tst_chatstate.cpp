// SPDX-License-Identifier: MIT
// The chat-state model: members with their status prefixes (from ISUPPORT PREFIX), kept through
// NAMES, MODE, JOIN, PART, QUIT and NICK, in the order a user list shows them; and the same state
// built from a session's events alone, as a view in another thread builds it.

#include "client/chatstate.h"

#include <QRegularExpression>
#include <QTest>

class TestChatState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesAreSortedByStatusThenNick_data();
    void namesAreSortedByStatusThenNick();
    void modeChangesStatus_data();
    void modeChangesStatus();
    void membershipFollowsJoinPartQuitNick();
    void ownJoinAndPartStartAndForgetAChannel();
    void badPrefixTokenIsIgnored();
    void eventsBuildTheState_data();
    void eventsBuildTheState();
};

void TestChatState::namesAreSortedByStatusThenNick_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("members");
    QTest::addColumn<QString>("prefixesOfSecond");
    QTest::newRow("default (ov)@+") << QString() << QStringList {"carol", "+bob", "@alice", "@+dave", "Erin"}
                                    << QStringList {"@alice", "@dave", "+bob", "carol", "Erin"} << QString("@+");
    QTest::newRow("multi-prefix: all of them kept")
        << QString() << QStringList {"+@dave"} << QStringList {"@dave"} << QString();
    QTest::newRow("(qaohv)~&@%+") << QString("(qaohv)~&@%+") << QStringList {"+v", "%h", "o", "@op", "&a", "~q"}
                                  << QStringList {"~q", "&a", "@op", "%h", "+v", "o"} << QString("&");
    QTest::newRow("userhost-in-names") << QString() << QStringList {"@alice!al@example.org", "bob!b@h"}
                                       << QStringList {"@alice", "bob"} << QString();
}

void TestChatState::namesAreSortedByStatusThenNick()
{
    QFETCH(QString, prefix);
    QFETCH(QStringList, names);
    QFETCH(QStringList, members);
    QFETCH(QString, prefixesOfSecond);
    ChatState state;
    if (!prefix.isEmpty())
        state.setPrefix(prefix);
    state.join("#c", "me", true);
    state.addNames("#c", names.mid(0, 2));
    state.addNames("#c", names.mid(2));                // NAMES may come in several lines
    QCOMPARE(state.members("#c"), QStringList {"me"}); // until the end of NAMES
    state.endNames("#C");
    QCOMPARE(state.members("#c"), members);
    QStringList bare;
    for (QString m : members)
        bare.append(m.remove(QRegularExpression("^[~&@%+]")));
    QCOMPARE(state.nicks("#c"), bare);
    if (members.size() > 1)
        QCOMPARE(state.prefixes("#c", bare.at(1)), prefixesOfSecond);
    if (names.contains("+@dave"))
        QCOMPARE(state.prefixes("#c", "DAVE"), QString("@+")); // highest first, whatever the order given
}

void TestChatState::modeChangesStatus_data()
{
    QTest::addColumn<QStringList>("mode");
    QTest::addColumn<bool>("changed");
    QTest::addColumn<QStringList>("members");
    QTest::newRow("+o") << QStringList {"+o", "bob"} << true << QStringList {"@bob", "alice", "carol"};
    QTest::newRow("+v") << QStringList {"+v", "carol"} << true << QStringList {"+carol", "alice", "bob"};
    // Changed and changed back: reported (a view redraws once for nothing), and right.
    QTest::newRow("+o-o") << QStringList {"+o-o", "bob", "bob"} << true << QStringList {"alice", "bob", "carol"};
    QTest::newRow("a ban's mask is not a member")
        << QStringList {"+bo", "bob!*@*", "carol"} << true << QStringList {"@carol", "alice", "bob"};
    QTest::newRow("key and limit take arguments")
        << QStringList {"+klv", "secret", "10", "alice"} << true << QStringList {"+alice", "bob", "carol"};
    QTest::newRow("-l takes none, -k does")
        << QStringList {"-lk+o", "secret", "bob"} << true << QStringList {"@bob", "alice", "carol"};
    QTest::newRow("flags take none") << QStringList {"+mntv", "bob"} << true << QStringList {"+bob", "alice", "carol"};
    QTest::newRow("missing argument") << QStringList {"+oo", "alice"} << true << QStringList {"@alice", "bob", "carol"};
    QTest::newRow("not a member") << QStringList {"+o", "zed"} << false << QStringList {"alice", "bob", "carol"};
    QTest::newRow("case-insensitive nick")
        << QStringList {"+o", "BOB"} << true << QStringList {"@bob", "alice", "carol"};
}

void TestChatState::modeChangesStatus()
{
    QFETCH(QStringList, mode);
    QFETCH(bool, changed);
    QFETCH(QStringList, members);
    ChatState state;
    state.setChannelModes("beI,k,l,imnpst");
    state.join("#c", "alice", true);
    state.addNames("#c", {"alice", "bob", "carol"});
    state.endNames("#c");
    QCOMPARE(state.applyMode("#c", mode), changed);
    QCOMPARE(state.members("#c"), members);
    // And back: the status goes, the order follows.
    state.applyMode("#c", {"-ov", "alice", "alice"});
    state.applyMode("#c", {"-ov", "bob", "bob"});
    state.applyMode("#c", {"-ov", "carol", "carol"});
    QCOMPARE(state.members("#c"), (QStringList {"alice", "bob", "carol"}));
}

void TestChatState::membershipFollowsJoinPartQuitNick()
{
    ChatState state;
    state.join("#a", "me", true);
    state.join("#b", "me", true);
    state.addNames("#a", {"@me", "bob", "+carol"});
    state.endNames("#a");
    state.join("#b", "bob", false);
    QCOMPARE(state.members("#b"), (QStringList {"bob", "me"}));
    QStringList with = state.channelsWith("BOB");
    with.sort();
    QCOMPARE(with, (QStringList {"#a", "#b"}));
    QCOMPARE(state.channelsWith("carol"), QStringList {"#a"});
    QVERIFY(state.channelsWith("nobody").isEmpty());
    // NICK keeps the status and re-sorts.
    QCOMPARE(state.rename("carol", "aaron"), QStringList {"#a"});
    QCOMPARE(state.members("#a"), (QStringList {"@me", "+aaron", "bob"}));
    QCOMPARE(state.rename("bob", "zack").size(), 2);
    QCOMPARE(state.members("#b"), (QStringList {"me", "zack"}));
    // PART and KICK of others.
    state.leave("#a", "AARON", false);
    QCOMPARE(state.members("#a"), (QStringList {"@me", "zack"}));
    // QUIT says where they were.
    QStringList where = state.quit("zack");
    where.sort();
    QCOMPARE(where, (QStringList {"#a", "#b"}));
    QCOMPARE(state.members("#a"), QStringList {"@me"});
    QVERIFY(state.quit("nobody").isEmpty());
}

void TestChatState::ownJoinAndPartStartAndForgetAChannel()
{
    ChatState state;
    state.join("#Lobby", "me", true);
    state.setTopic("#lobby", "hello");
    QCOMPARE(state.topic("#LOBBY"), QString("hello"));
    QCOMPARE(state.channels(), QStringList {"#Lobby"});
    // NAMES or a topic of a channel we are not in is kept, but it is not one of ours.
    state.addNames("#other", {"x"});
    state.endNames("#other");
    QCOMPARE(state.members("#other"), QStringList {"x"});
    QVERIFY(!state.contains("#other"));
    QCOMPARE(state.channels(), QStringList {"#Lobby"});
    state.leave("#lobby", "me", true);
    QVERIFY(!state.contains("#lobby"));
    QVERIFY(state.members("#lobby").isEmpty());
    QVERIFY(state.topic("#lobby").isEmpty());
    // Joining again starts afresh.
    state.join("#lobby", "me", true);
    QCOMPARE(state.members("#lobby"), QStringList {"me"});
    state.clear();
    QVERIFY(state.channels().isEmpty());
}

void TestChatState::badPrefixTokenIsIgnored()
{
    ChatState state;
    for (const char *bad : {"", "ov@+", "(ov)@", "(ov", "()"})
        state.setPrefix(bad);
    state.join("#c", "me", true);
    state.addNames("#c", {"+v", "@o"});
    state.endNames("#c");
    QCOMPARE(state.members("#c"), (QStringList {"@o", "+v"}));
}

namespace {
using T = ChatEvent::Type;
ChatEvent ev(T type, const QString &nick, const QString &channel = {}, const QString &text = {}, bool own = false,
             const QStringList &list = {})
{
    ChatEvent e = ChatEvent::make(type, text, nick, channel, own);
    e.list = list;
    return e;
}
ChatEvent stateEvent(SessionState state)
{
    ChatEvent e = ChatEvent::make(T::State, {});
    e.state = state;
    return e;
}
} // namespace

void TestChatState::eventsBuildTheState_data()
{
    // A stream of a session's events, and what a view that applied them knows of #c.
    QTest::addColumn<QList<ChatEvent>>("events");
    QTest::addColumn<QStringList>("members");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QStringList>("lastChanged");
    const ChatEvent join = ev(T::Join, "me", "#c", {}, true);
    const ChatEvent names = ev(T::Names, {}, "#c", {}, false, {"@me", "bob", "+carol"});
    QTest::newRow("join and names") << QList<ChatEvent> {join, names} << QStringList {"@me", "+carol", "bob"}
                                    << QString() << QStringList {"#c"};
    QTest::newRow("server's prefixes first")
        << QList<ChatEvent> {ev(T::Support, {}, {}, {}, false, {"CHANTYPES=#", "PREFIX=(qov)~@+"}), join,
                             ev(T::Names, {}, "#c", {}, false, {"@me", "~bob"})}
        << QStringList {"~bob", "@me"} << QString() << QStringList {"#c"};
    QTest::newRow("mode") << QList<ChatEvent> {join, names, ev(T::Mode, "me", "#c", "+o bob", false, {"+o", "bob"})}
                          << QStringList {"@bob", "@me", "+carol"} << QString() << QStringList {"#c"};
    QTest::newRow("a user mode changes nothing")
        << QList<ChatEvent> {join, names, ev(T::Mode, "me", "me", "+i", true, {"+i"})}
        << QStringList {"@me", "+carol", "bob"} << QString() << QStringList();
    QTest::newRow("kick of another") << QList<ChatEvent> {join, names, ev(T::Kick, "bob", "#c", "out", false, {"me"})}
                                     << QStringList {"@me", "+carol"} << QString() << QStringList {"#c"};
    QTest::newRow("our own kick forgets the channel")
        << QList<ChatEvent> {join, names, ev(T::Topic, "me", "#c", "hi"), ev(T::Kick, "me", "#c", "out", true, {"bob"})}
        << QStringList() << QString() << QStringList {"#c"};
    QTest::newRow("quit says where") << QList<ChatEvent> {join, names, ev(T::Quit, "CAROL", {}, "bye")}
                                     << QStringList {"@me", "bob"} << QString() << QStringList {"#c"};
    QTest::newRow("nick") << QList<ChatEvent> {join, names, ev(T::Nick, "bob", {}, "aaron")}
                          << QStringList {"@me", "+carol", "aaron"} << QString() << QStringList {"#c"};
    QTest::newRow("topic") << QList<ChatEvent> {join, names, ev(T::Topic, "bob", "#c", "news")}
                           << QStringList {"@me", "+carol", "bob"} << QString("news") << QStringList {"#c"};
    QTest::newRow("no topic") << QList<ChatEvent> {join, ev(T::Topic, "bob", "#c", "news"), ev(T::Topic, {}, "#c")}
                              << QStringList {"me"} << QString() << QStringList {"#c"};
    QTest::newRow("a lost connection forgets everything")
        << QList<ChatEvent> {join, names, stateEvent(SessionState::Reconnecting)} << QStringList() << QString()
        << QStringList {"#c"};
    QTest::newRow("connected keeps it") << QList<ChatEvent> {join, names, stateEvent(SessionState::Connected)}
                                        << QStringList {"@me", "+carol", "bob"} << QString() << QStringList();
    QTest::newRow("messages change nothing")
        << QList<ChatEvent> {join, names, ev(T::Message, "bob", "#c", "hello"), ev(T::Info, {}, {}, "x")}
        << QStringList {"@me", "+carol", "bob"} << QString() << QStringList();
}

void TestChatState::eventsBuildTheState()
{
    QFETCH(QList<ChatEvent>, events);
    QFETCH(QStringList, members);
    QFETCH(QString, topic);
    QFETCH(QStringList, lastChanged);
    ChatState state;
    QStringList changed;
    for (const ChatEvent &e : events)
        changed = state.apply(e);
    QCOMPARE(state.members("#c"), members);
    QCOMPARE(state.topic("#c"), topic);
    QCOMPARE(changed, lastChanged);
}

QTEST_GUILESS_MAIN(TestChatState)
#include "tst_chatstate.moc"
