// SPDX-License-Identifier: MIT
// History against a real server on port 0 with a real store on its own thread (SQLite; PostgreSQL
// in tst_history_postgres):
// CHATHISTORY and its selectors, limits and permissions, event playback, batch and
// labeled-response, playback on join, msgids, SEARCH, channels and retention across restarts.

#include "testdatabase.h"
#include "testserver.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QByteArray FullCaps = "server-time batch message-tags labeled-response draft/chathistory draft/event-playback";
const QByteArray HistoryCaps = "server-time batch message-tags draft/chathistory";

RawClient::Predicate privmsg(const QByteArray &text)
{
    return [text](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == text; };
}

RawClient::Predicate failOf(const QByteArray &command)
{
    return [command](const IrcMessage &m) { return m.command == "FAIL" && m.param(0) == command; };
}

QList<QByteArray> texts(const QList<IrcMessage> &lines)
{
    QList<QByteArray> out;
    for (const IrcMessage &m : lines)
        out.append(m.params.last());
    return out;
}

QList<QByteArray> commands(const QList<IrcMessage> &lines)
{
    QList<QByteArray> out;
    for (const IrcMessage &m : lines)
        out.append(m.command);
    return out;
}

qint64 timeOf(const IrcMessage &m)
{
    return QDateTime::fromString(QString::fromLatin1(m.tag("time")), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

QByteArray isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
}

std::unique_ptr<RawClient> capClient(TestServer &server, const QByteArray &nick, const QByteArray &caps,
                                     const QByteArray &autojoin = "#lobby")
{
    auto c = server.client();
    if (!c || !c->registerWithCaps(nick, caps, autojoin))
        return nullptr;
    return c;
}

// The answer to `command`: the chathistory batch's lines.
std::optional<QList<IrcMessage>> history(RawClient &c, const QByteArray &command)
{
    c.send(command);
    const auto batch = c.waitForBatch("chathistory");
    if (!batch)
        return std::nullopt;
    return batch->lines;
}

ServerConfig historyConfig(const QString &database = TestDatabase::fresh())
{
    ServerConfig config = TestServer::defaultConfig();
    config.database = database;
    return config;
}

} // namespace

class TestHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void cleanupTestCase() { TestDatabase::stop(); }
    void latestAndLimits();
    void selectorsByMsgid();
    void selectorsByTimestamp();
    void eventPlayback();
    void errors();
    void permissions();
    void privateConversations();
    void targets();
    void labeledResponse();
    void withoutBatch();
    void msgidsAreUniqueAndMatchHistory();
    void playbackForPlainClients();
    void playbackForServerTimeClients();
    void noPlaybackForClientsThatFetch();
    void search();
    void searchTreatsOperatorsAsText();
    void searchPermissionsAndErrors();
    void historyOff();
    void channelsPersistAcrossRestart();
    void retention();
    void storeFallingBehind();
    void readMarkers();
};

void TestHistory::latestAndLimits()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(alice && dave);
    for (int i = 1; i <= 5; ++i)
        alice->send("PRIVMSG #lobby :m" + QByteArray::number(i));
    QVERIFY(dave->waitFor(privmsg("m5")));

    auto lines = history(*dave, "CHATHISTORY LATEST #lobby * 3");
    QVERIFY(lines);
    QCOMPARE(texts(*lines), (QList<QByteArray> {"m3", "m4", "m5"}));
    for (const IrcMessage &m : *lines) {
        QCOMPARE(m.source, QByteArray("alice!~alice@127.0.0.1"));
        QVERIFY(!m.tag("msgid").isEmpty());
        QVERIFY(!m.tag("time").isEmpty());
    }
    // Without event-playback only messages come back: no JOIN lines.
    lines = history(*dave, "CHATHISTORY LATEST #lobby * 100");
    QVERIFY(lines);
    QCOMPARE(texts(*lines), (QList<QByteArray> {"m1", "m2", "m3", "m4", "m5"}));
    // The batch names its target.
    dave->send("CHATHISTORY LATEST #LOBBY * 1");
    const auto batch = dave->waitForBatch("chathistory");
    QVERIFY(batch);
    QCOMPARE(batch->start.param(2), QByteArray("#lobby"));
    // An empty conversation is an empty batch.
    auto empty = history(*dave, "CHATHISTORY LATEST nobody * 10");
    QVERIFY(empty);
    QVERIFY(empty->isEmpty());
}

void TestHistory::selectorsByMsgid()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(alice && dave);
    QList<QByteArray> ids;
    for (int i = 1; i <= 5; ++i) {
        alice->send("PRIVMSG #lobby :m" + QByteArray::number(i));
        const auto live = dave->waitFor(privmsg("m" + QByteArray::number(i)));
        QVERIFY(live);
        ids.append(live->tag("msgid"));
    }
    auto ask = [&](const QByteArray &command) { return texts(history(*dave, command).value_or(QList<IrcMessage>())); };
    const QByteArray m1 = "msgid=" + ids[0], m2 = "msgid=" + ids[1], m3 = "msgid=" + ids[2], m5 = "msgid=" + ids[4];
    // Bounds are exclusive.
    QCOMPARE(ask("CHATHISTORY BEFORE #lobby " + m3 + " 10"), (QList<QByteArray> {"m1", "m2"}));
    QCOMPARE(ask("CHATHISTORY BEFORE #lobby " + m3 + " 1"), (QList<QByteArray> {"m2"}));
    QCOMPARE(ask("CHATHISTORY AFTER #lobby " + m3 + " 10"), (QList<QByteArray> {"m4", "m5"}));
    QCOMPARE(ask("CHATHISTORY AFTER #lobby " + m2 + " 2"), (QList<QByteArray> {"m3", "m4"}));
    QCOMPARE(ask("CHATHISTORY LATEST #lobby " + m2 + " 10"), (QList<QByteArray> {"m3", "m4", "m5"}));
    QCOMPARE(ask("CHATHISTORY LATEST #lobby " + m2 + " 2"), (QList<QByteArray> {"m4", "m5"}));
    QCOMPARE(ask("CHATHISTORY AROUND #lobby " + m3 + " 3"), (QList<QByteArray> {"m2", "m3", "m4"}));
    QCOMPARE(ask("CHATHISTORY AROUND #lobby " + m1 + " 3"), (QList<QByteArray> {"m1", "m2"}));
    QCOMPARE(ask("CHATHISTORY BETWEEN #lobby " + m1 + " " + m5 + " 10"), (QList<QByteArray> {"m2", "m3", "m4"}));
    QCOMPARE(ask("CHATHISTORY BETWEEN #lobby " + m1 + " " + m5 + " 2"), (QList<QByteArray> {"m2", "m3"}));
    // Backwards: from the later bound, still reported oldest first.
    QCOMPARE(ask("CHATHISTORY BETWEEN #lobby " + m5 + " " + m1 + " 10"), (QList<QByteArray> {"m2", "m3", "m4"}));
    QCOMPARE(ask("CHATHISTORY BETWEEN #lobby " + m5 + " " + m1 + " 2"), (QList<QByteArray> {"m3", "m4"}));
    // A msgid of another conversation is unknown here.
    dave->send("CHATHISTORY BEFORE #lobby msgid=nonexistent 10");
    const auto fail = dave->waitFor(failOf("CHATHISTORY"));
    QVERIFY(fail);
    QCOMPARE(fail->param(1), QByteArray("INVALID_PARAMS"));
}

void TestHistory::selectorsByTimestamp()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(alice && dave);
    QList<IrcMessage> live;
    for (int i = 1; i <= 6; ++i) {
        alice->send("PRIVMSG #lobby :t" + QByteArray::number(i));
        const auto m = dave->waitFor(privmsg("t" + QByteArray::number(i)));
        QVERIFY(m);
        live.append(*m);
    }
    // Several messages may share a millisecond: whatever the times, the answer must be exactly
    // the messages strictly after (or before) the given one.
    const qint64 t3 = timeOf(live[2]);
    QList<QByteArray> after, before;
    for (const IrcMessage &m : live) {
        if (timeOf(m) > t3)
            after.append(m.params.last());
        if (timeOf(m) < t3)
            before.append(m.params.last());
    }
    QCOMPARE(texts(*history(*dave, "CHATHISTORY AFTER #lobby timestamp=" + isoTime(t3) + " 100")), after);
    QCOMPARE(texts(*history(*dave, "CHATHISTORY BEFORE #lobby timestamp=" + isoTime(t3) + " 100")), before);
    QCOMPARE(texts(*history(*dave, "CHATHISTORY LATEST #lobby timestamp=" + isoTime(t3) + " 100")), after);
    const qint64 first = timeOf(live.first()), last = timeOf(live.last());
    QList<QByteArray> inside;
    for (const IrcMessage &m : live)
        if (timeOf(m) > first - 1 && timeOf(m) < last + 1)
            inside.append(m.params.last());
    QCOMPARE(texts(*history(*dave, "CHATHISTORY BETWEEN #lobby timestamp=" + isoTime(first - 1)
                                       + " timestamp=" + isoTime(last + 1) + " 100")),
             inside);
    // A time before everything, and one after everything.
    QCOMPARE(texts(*history(*dave, "CHATHISTORY BEFORE #lobby timestamp=2000-01-01T00:00:00.000Z 10")),
             QList<QByteArray>());
    QCOMPARE(texts(*history(*dave, "CHATHISTORY AFTER #lobby timestamp=2000-01-01T00:00:00.000Z 2")),
             (QList<QByteArray> {"t1", "t2"}));
    // A timestamp the time tag of each line can be fed back as.
    QCOMPARE(live[0].tag("time"), isoTime(timeOf(live[0])));
}

void TestHistory::eventPlayback()
{
    ServerConfig config = historyConfig();
    config.opers = {{"op", "secret"}};
    TestServer server(config);
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    auto events = capClient(server, "watcher", FullCaps);
    auto plain = capClient(server, "reader", HistoryCaps);
    QVERIFY(alice && bob && events && plain);
    // Alice first: she makes the channel, so she runs it.
    alice->send("JOIN #ev");
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#ev"; }));
    bob->send("JOIN #ev");
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.source.startsWith("bob!"); }));
    events->send("JOIN #ev");
    QVERIFY(events->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#ev"; }));
    plain->send("JOIN #ev");
    QVERIFY(plain->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#ev"; }));
    alice->send("TOPIC #ev :a topic");
    alice->send("MODE #ev +t");
    alice->send("PRIVMSG #ev :words");
    QVERIFY(bob->waitFor(privmsg("words")));
    bob->send("NICK robert");
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "NICK" && m.param(0) == "robert"; }));
    alice->send("KICK #ev robert :out");
    alice->send("PART #ev :bye");
    QVERIFY(events->waitFor([](const IrcMessage &m) { return m.command == "PART" && m.source.startsWith("alice!"); }));

    const auto all = history(*events, "CHATHISTORY LATEST #ev * 100");
    QVERIFY(all);
    QVERIFY2(all->size() == 10, commands(*all).join(' ').constData());
    QCOMPARE(commands(*all),
             (QList<QByteArray> {"JOIN", "JOIN", "JOIN", "JOIN", "TOPIC", "MODE", "PRIVMSG", "NICK", "KICK", "PART"}));
    QCOMPARE(all->at(4).params, (QList<QByteArray> {"#ev", "a topic"}));
    QCOMPARE(all->at(7).params, (QList<QByteArray> {"robert"}));
    QCOMPARE(all->at(8).params, (QList<QByteArray> {"#ev", "robert", "out"}));
    // Without draft/event-playback: PRIVMSG and NOTICE only.
    const auto messages = history(*plain, "CHATHISTORY LATEST #ev * 100");
    QVERIFY(messages);
    QCOMPARE(commands(*messages), (QList<QByteArray> {"PRIVMSG"}));
}

void TestHistory::errors()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(dave);
    struct Case {
        QByteArray line;
        QByteArray code;
    };
    const QList<Case> cases = {
        {"CHATHISTORY", "NEED_MORE_PARAMS"},
        {"CHATHISTORY LATEST #lobby *", "NEED_MORE_PARAMS"},
        {"CHATHISTORY BETWEEN #lobby * 10", "NEED_MORE_PARAMS"},
        {"CHATHISTORY FROBNICATE #lobby * 10", "UNKNOWN_COMMAND"},
        {"CHATHISTORY LATEST #lobby * 0", "INVALID_PARAMS"},
        {"CHATHISTORY LATEST #lobby * -5", "INVALID_PARAMS"},
        {"CHATHISTORY LATEST #lobby * 101", "INVALID_PARAMS"},
        {"CHATHISTORY LATEST #lobby * 99999999999999999999", "INVALID_PARAMS"},
        {"CHATHISTORY LATEST #lobby * ten", "INVALID_PARAMS"},
        {"CHATHISTORY BEFORE #lobby * 10", "INVALID_PARAMS"},
        {"CHATHISTORY BEFORE #lobby timestamp=yesterday 10", "INVALID_PARAMS"},
        {"CHATHISTORY BEFORE #lobby msgid= 10", "INVALID_PARAMS"},
        {"CHATHISTORY BEFORE #lobby id=abc 10", "INVALID_PARAMS"},
        {"CHATHISTORY BEFORE #lobby msgid=" + QByteArray(200, 'x') + " 10", "INVALID_PARAMS"},
        {"CHATHISTORY TARGETS * * 10", "INVALID_PARAMS"},
        {"CHATHISTORY TARGETS msgid=abc timestamp=2020-01-01T00:00:00.000Z 10", "INVALID_PARAMS"},
        {"CHATHISTORY LATEST #nowhere * 10", "INVALID_TARGET"},
        {"CHATHISTORY LATEST * * 10", "INVALID_TARGET"},
        {"CHATHISTORY LATEST bad,nick * 10", "INVALID_TARGET"},
    };
    for (const Case &c : cases) {
        dave->send(c.line);
        const auto fail = dave->waitFor(failOf("CHATHISTORY"));
        QVERIFY2(fail, c.line.constData());
        QCOMPARE(fail->param(1), c.code);
    }
    QVERIFY(dave->sync());
    QCOMPARE(dave->count(RawClient::command("BATCH")), 0);
}

void TestHistory::permissions()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto carol = capClient(server, "carol", HistoryCaps);
    QVERIFY(alice && carol);
    alice->send("JOIN #secret");
    alice->send("PRIVMSG #secret :the plan");
    QVERIFY(alice->sync());
    // Not a member: not readable, and not said to exist either.
    carol->send("CHATHISTORY LATEST #secret * 10");
    auto fail = carol->waitFor(failOf("CHATHISTORY"));
    QVERIFY(fail);
    QCOMPARE(fail->param(1), QByteArray("INVALID_TARGET"));
    // Once in, it is.
    carol->send("JOIN #secret");
    QVERIFY(carol->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#secret"; }));
    const auto lines = history(*carol, "CHATHISTORY LATEST #secret * 10");
    QVERIFY(lines);
    QCOMPARE(texts(*lines), (QList<QByteArray> {"the plan"}));
    // After leaving, no longer.
    carol->send("PART #secret");
    carol->send("CHATHISTORY BEFORE #secret timestamp=2100-01-01T00:00:00.000Z 10");
    fail = carol->waitFor(failOf("CHATHISTORY"));
    QVERIFY(fail);
    QCOMPARE(fail->param(1), QByteArray("INVALID_TARGET"));
}

void TestHistory::privateConversations()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = capClient(server, "alice", HistoryCaps);
    auto bob = capClient(server, "bob", HistoryCaps);
    auto carol = capClient(server, "carol", HistoryCaps);
    QVERIFY(alice && bob && carol);
    alice->send("PRIVMSG bob :hi bob");
    QVERIFY(bob->waitFor(privmsg("hi bob")));
    bob->send("PRIVMSG alice :hi alice");
    QVERIFY(alice->waitFor(privmsg("hi alice")));
    carol->send("PRIVMSG alice :carol here");
    QVERIFY(alice->waitFor(privmsg("carol here")));

    // Each side reads the whole conversation, both directions, by naming the other.
    auto lines = history(*alice, "CHATHISTORY LATEST bob * 10");
    QVERIFY(lines);
    QCOMPARE(texts(*lines), (QList<QByteArray> {"hi bob", "hi alice"}));
    lines = history(*bob, "CHATHISTORY LATEST ALICE * 10");
    QVERIFY(lines);
    QCOMPARE(texts(*lines), (QList<QByteArray> {"hi bob", "hi alice"}));
    QCOMPARE(lines->at(0).params.at(0), QByteArray("bob"));
    QCOMPARE(lines->at(0).source, QByteArray("alice!~alice@127.0.0.1"));
    // A third person asking for alice gets their own conversation with alice, never alice's
    // with bob; asking for bob, nothing.
    lines = history(*carol, "CHATHISTORY LATEST alice * 10");
    QVERIFY(lines);
    QCOMPARE(texts(*lines), (QList<QByteArray> {"carol here"}));
    lines = history(*carol, "CHATHISTORY LATEST bob * 10");
    QVERIFY(lines);
    QVERIFY(lines->isEmpty());
    // Nor through a msgid of theirs.
    const QByteArray theirs = alice->all(privmsg("hi alice")).first().tag("msgid");
    QVERIFY(!theirs.isEmpty());
    carol->send("CHATHISTORY AROUND alice msgid=" + theirs + " 10");
    const auto fail = carol->waitFor(failOf("CHATHISTORY"));
    QVERIFY(fail);
    QCOMPARE(fail->param(1), QByteArray("INVALID_PARAMS"));
    carol->send("SEARCH bob hi");
    const auto found = carol->waitForBatch("confab/search");
    QVERIFY(found);
    QVERIFY(found->lines.isEmpty());
}

void TestHistory::targets()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = capClient(server, "alice", HistoryCaps);
    auto bob = server.client("bob");
    auto carol = capClient(server, "carol", HistoryCaps);
    QVERIFY(alice && bob && carol);
    alice->send("JOIN #quiet");
    alice->send("JOIN #busy");
    alice->send("PRIVMSG #busy :x");
    alice->send("PRIVMSG bob :private");
    alice->send("PRIVMSG #lobby :y");
    QVERIFY(bob->waitFor(privmsg("y")));
    const QByteArray window = "timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z";
    alice->send("CHATHISTORY TARGETS " + window + " 10");
    auto batch = alice->waitForBatch("draft/chathistory-targets");
    QVERIFY(batch);
    QList<QByteArray> names;
    qint64 previous = 0;
    for (const IrcMessage &m : batch->lines) {
        QCOMPARE(m.command, QByteArray("CHATHISTORY"));
        QCOMPARE(m.param(0), QByteArray("TARGETS"));
        const QDateTime latest = QDateTime::fromString(QString::fromLatin1(m.param(2)), Qt::ISODateWithMs);
        QVERIFY(latest.isValid());
        // Ordered by their latest message.
        QVERIFY(latest.toMSecsSinceEpoch() >= previous);
        previous = latest.toMSecsSinceEpoch();
        names.append(m.param(1));
    }
    std::sort(names.begin(), names.end());
    // #quiet has no messages.
    QCOMPARE(names, (QList<QByteArray> {"#busy", "#lobby", "bob"}));
    alice->send("CHATHISTORY TARGETS " + window + " 1");
    batch = alice->waitForBatch("draft/chathistory-targets");
    QVERIFY(batch);
    QCOMPARE(batch->lines.size(), 1);
    // Carol is in #lobby and has talked to nobody.
    carol->send("CHATHISTORY TARGETS " + window + " 10");
    batch = carol->waitForBatch("draft/chathistory-targets");
    QVERIFY(batch);
    QCOMPARE(batch->lines.size(), 1);
    QCOMPARE(batch->lines.first().param(1), QByteArray("#lobby"));
}

void TestHistory::labeledResponse()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto dave = capClient(server, "dave", FullCaps);
    auto bob = server.client("bob");
    QVERIFY(dave && bob);
    // One reply: the label on it.
    dave->send("@label=one PING :x");
    auto reply = dave->waitForCommand("PONG");
    QVERIFY(reply);
    QCOMPARE(reply->tag("label"), QByteArray("one"));
    // No reply (no echo-message): an ACK.
    dave->send("@label=two PRIVMSG #lobby :hello");
    reply = dave->waitForCommand("ACK");
    QVERIFY(reply);
    QCOMPARE(reply->tag("label"), QByteArray("two"));
    QVERIFY(bob->waitFor(privmsg("hello")));
    QVERIFY(!bob->all(privmsg("hello")).first().hasTag("label"));
    // Several replies: one labeled-response batch.
    dave->send("@label=three WHOIS bob");
    const auto batch = dave->waitForBatch("labeled-response");
    QVERIFY(batch);
    QCOMPARE(batch->start.tag("label"), QByteArray("three"));
    QVERIFY(batch->lines.size() >= 3);
    QCOMPARE(batch->lines.last().command, QByteArray("318"));
    // An answer from the store: the label on its chathistory batch.
    dave->send("@label=four CHATHISTORY LATEST #lobby * 5");
    const auto history = dave->waitForBatch("chathistory");
    QVERIFY(history);
    QCOMPARE(history->start.tag("label"), QByteArray("four"));
    QCOMPARE(history->lines.last().params.last(), QByteArray("hello"));
    // An error: the label on the FAIL.
    dave->send("@label=five CHATHISTORY LATEST #lobby * 0");
    reply = dave->waitFor(failOf("CHATHISTORY"));
    QVERIFY(reply);
    QCOMPARE(reply->tag("label"), QByteArray("five"));
    // A label with characters that need escaping comes back as it was sent.
    IrcMessage ping("PING", {"y"});
    ping.setTag("label", "a b;c\\d");
    dave->send(ping.serialize()->chopped(2));
    reply = dave->waitForCommand("PONG");
    QVERIFY(reply);
    QCOMPARE(reply->tag("label"), QByteArray("a b;c\\d"));
    // Without the capability labels are ignored.
    bob->send("@label=six PING :z");
    reply = bob->waitForCommand("PONG");
    QVERIFY(reply);
    QVERIFY(!reply->hasTag("label"));
}

void TestHistory::withoutBatch()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto dave = capClient(server, "dave", "draft/chathistory server-time");
    QVERIFY(alice && dave);
    alice->send("PRIVMSG #lobby :one");
    alice->send("PRIVMSG #lobby :two");
    QVERIFY(dave->waitFor(privmsg("two")));
    dave->send("CHATHISTORY LATEST #lobby * 10");
    // The lines themselves, with their time but no batch around them. Waited for, not synced
    // with PING: the answer comes from the store's thread, the PONG from the hub's at once.
    QVERIFY(QTest::qWaitFor([&] { return dave->count(privmsg("two")) == 2; }, 5000));
    const QList<IrcMessage> got = dave->all(privmsg("one"));
    QCOMPARE(got.size(), 2);
    QVERIFY(got.last().hasTag("time"));
    QCOMPARE(dave->count(RawClient::command("BATCH")), 0);
}

void TestHistory::msgidsAreUniqueAndMatchHistory()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = capClient(server, "alice", "message-tags echo-message");
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(alice && dave);
    constexpr int Count = 100;
    for (int i = 0; i < Count; ++i)
        alice->send("PRIVMSG #lobby :n" + QByteArray::number(i));
    alice->send("PRIVMSG dave :direct");
    QVERIFY(dave->waitFor(privmsg("direct")));
    QSet<QByteArray> ids;
    QList<QByteArray> live;
    for (int i = 0; i < Count; ++i) {
        const auto m = dave->all(privmsg("n" + QByteArray::number(i)));
        QCOMPARE(m.size(), 1);
        ids.insert(m.first().tag("msgid"));
        live.append(m.first().tag("msgid"));
    }
    QCOMPARE(ids.size(), Count);
    QVERIFY(!ids.contains(QByteArray()));
    const auto lines = history(*dave, "CHATHISTORY LATEST #lobby * 100");
    QVERIFY(lines);
    QList<QByteArray> stored;
    for (const IrcMessage &m : *lines)
        stored.append(m.tag("msgid"));
    QCOMPARE(stored, live);
    // The sender's echo and the receiver's copy of a private message are one message.
    const auto echo = alice->waitFor(privmsg("direct"));
    QVERIFY(echo);
    QCOMPARE(echo->tag("msgid"), dave->all(privmsg("direct")).first().tag("msgid"));
    // And unique across restarts: a second server never reuses them.
    TestServer again(historyConfig());
    QVERIFY(again.start());
    auto erin = capClient(again, "erin", "message-tags echo-message");
    QVERIFY(erin);
    erin->send("PRIVMSG #lobby :n0");
    const auto other = erin->waitFor(privmsg("n0"));
    QVERIFY(other);
    QVERIFY(!ids.contains(other->tag("msgid")));
}

void TestHistory::playbackForPlainClients()
{
    ServerConfig config = historyConfig();
    config.historyPlayback = 3;
    TestServer server(config);
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
    for (int i = 1; i <= 4; ++i)
        alice->send("PRIVMSG #lobby :p" + QByteArray::number(i));
    alice->send("PRIVMSG #lobby :\x01"
                "ACTION waves\x01");
    QVERIFY(alice->sync());
    auto carol = server.client("carol");
    QVERIFY(carol);
    // A notice, the last three lines as the original PRIVMSGs with their time in front, a notice.
    const auto start = carol->waitForCommand("NOTICE");
    QVERIFY(start);
    QCOMPARE(start->param(0), QByteArray("#lobby"));
    QVERIFY2(QRegularExpression(QStringLiteral("^Replaying 3 lines from \\d\\d:\\d\\d to \\d\\d:\\d\\d"))
                 .match(QString::fromUtf8(start->params.last()))
                 .hasMatch(),
             start->params.last().constData());
    const QRegularExpression stamped(QStringLiteral("^\\[\\d\\d:\\d\\d\\] p[34]$"));
    for (int i = 0; i < 2; ++i) {
        const auto line = carol->waitForCommand("PRIVMSG");
        QVERIFY(line);
        QCOMPARE(line->source, QByteArray("alice!~alice@127.0.0.1"));
        QVERIFY2(stamped.match(QString::fromUtf8(line->params.last())).hasMatch(), line->params.last().constData());
    }
    const auto action = carol->waitForCommand("PRIVMSG");
    QVERIFY(action);
    QVERIFY2(QRegularExpression(QStringLiteral("^\x01"
                                               "ACTION \\[\\d\\d:\\d\\d\\] waves\x01$"))
                 .match(QString::fromUtf8(action->params.last()))
                 .hasMatch(),
             action->params.last().constData());
    const auto end = carol->waitForCommand("NOTICE");
    QVERIFY(end);
    QCOMPARE(end->params.last(), QByteArray("End of replay"));
    // Live lines follow, as they are.
    alice->send("PRIVMSG #lobby :live");
    QVERIFY(carol->waitFor(privmsg("live")));
    // A channel nobody has spoken in replays nothing.
    carol->send("JOIN #fresh");
    QVERIFY(carol->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#fresh"; }));
    QVERIFY(carol->sync());
    QCOMPARE(carol->count(RawClient::command("NOTICE")), 2);
}

void TestHistory::playbackForServerTimeClients()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = capClient(server, "alice", "message-tags echo-message server-time");
    QVERIFY(alice);
    alice->send("PRIVMSG #lobby :first");
    alice->send("PRIVMSG #lobby :second");
    const auto original = alice->waitFor(privmsg("second"));
    QVERIFY(original);
    // With batch: the original lines with their original time, in a chathistory batch.
    auto batched = server.client();
    QVERIFY(batched);
    batched->send("CAP REQ :server-time batch message-tags");
    batched->send("CAP END");
    batched->send("NICK bat");
    batched->send("USER bat 0 * :b");
    const auto batch = batched->waitForBatch("chathistory");
    QVERIFY(batch);
    QCOMPARE(batch->start.param(2), QByteArray("#lobby"));
    QCOMPARE(texts(batch->lines), (QList<QByteArray> {"first", "second"}));
    QCOMPARE(batch->lines.last().tag("time"), original->tag("time"));
    QCOMPARE(batch->lines.last().tag("msgid"), original->tag("msgid"));
    // Without batch: the same lines with their time, no notices.
    auto timed = capClient(server, "timed", "server-time");
    QVERIFY(timed);
    QVERIFY(timed->sync());
    const auto again = timed->all(privmsg("second"));
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.first().tag("time"), original->tag("time"));
    QCOMPARE(timed->count(RawClient::command("NOTICE")), 0);
}

void TestHistory::noPlaybackForClientsThatFetch()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
    alice->send("PRIVMSG #lobby :old news");
    QVERIFY(alice->sync());
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(dave);
    QVERIFY(dave->sync());
    QCOMPARE(dave->count(privmsg("old news")), 0);
    QCOMPARE(dave->count(RawClient::command("BATCH")), 0);
}

void TestHistory::search()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto dave = capClient(server, "dave", "batch server-time message-tags confab/search");
    auto plain = server.client("plain");
    QVERIFY(alice && dave && plain);
    for (const QByteArray &text :
         {QByteArray("the quick brown fox"), QByteArray("a lazy dog"), QByteArray("quick thinking"),
          QByteArray("un café crème"), QByteArray("日本語のテキスト"), QByteArray("Quick again")})
        alice->send("PRIVMSG #lobby :" + text);
    QVERIFY(dave->waitFor(privmsg("Quick again")));
    auto found = [&](const QByteArray &command) {
        dave->send(command);
        const auto batch = dave->waitForBatch("confab/search");
        return batch ? texts(batch->lines) : QList<QByteArray> {"(no batch)"};
    };
    QCOMPARE(found("SEARCH #lobby quick"),
             (QList<QByteArray> {"the quick brown fox", "quick thinking", "Quick again"}));
    QCOMPARE(found("SEARCH #lobby :quick fox"), (QList<QByteArray> {"the quick brown fox"}));
    QCOMPARE(found("SEARCH #lobby quick 2"), (QList<QByteArray> {"quick thinking", "Quick again"}));
    QCOMPARE(found("SEARCH #lobby café"), (QList<QByteArray> {"un café crème"}));
    QCOMPARE(found("SEARCH #lobby crème"), (QList<QByteArray> {"un café crème"}));
    QCOMPARE(found("SEARCH #lobby nothinglikethis"), QList<QByteArray>());
    // Each match with its msgid and time.
    dave->send("SEARCH #lobby dog");
    const auto batch = dave->waitForBatch("confab/search");
    QVERIFY(batch);
    QCOMPARE(batch->start.param(2), QByteArray("#lobby"));
    QCOMPARE(batch->lines.size(), 1);
    QVERIFY(!batch->lines.first().tag("msgid").isEmpty());
    QVERIFY(!batch->lines.first().tag("time").isEmpty());
    // Without batch: notices.
    plain->send("SEARCH #lobby quick");
    const auto head = plain->waitFor(
        [](const IrcMessage &m) { return m.command == "NOTICE" && m.params.last().startsWith("Search in #lobby"); });
    QVERIFY(head);
    QVERIFY(head->params.last().contains("3 matches"));
    const auto first = plain->waitForCommand("NOTICE");
    QVERIFY(first);
    QVERIFY2(
        QRegularExpression(QStringLiteral("^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\] <alice> the quick brown fox$"))
            .match(QString::fromUtf8(first->params.last()))
            .hasMatch(),
        first->params.last().constData());
    QVERIFY(plain->waitFor(
        [](const IrcMessage &m) { return m.command == "NOTICE" && m.params.last() == "End of search"; }));
}

void TestHistory::searchTreatsOperatorsAsText()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto dave = capClient(server, "dave", "batch confab/search");
    QVERIFY(alice && dave);
    alice->send("PRIVMSG #lobby :apples OR pears");
    alice->send("PRIVMSG #lobby :apples only");
    alice->send("PRIVMSG #lobby :pears only");
    QVERIFY(dave->waitFor(privmsg("pears only")));
    auto found = [&](const QByteArray &command) {
        dave->send(command);
        const auto batch = dave->waitForBatch("confab/search");
        return batch ? texts(batch->lines) : QList<QByteArray> {"(no batch)"};
    };
    // "OR" is a word here, not FTS syntax: all three words must be there.
    QCOMPARE(found("SEARCH #lobby :apples OR pears"), (QList<QByteArray> {"apples OR pears"}));
    QCOMPARE(found("SEARCH #lobby :apples NOT pears"), QList<QByteArray>());
    // Query syntax typed as text is matched as text (or not at all), never an error.
    for (const QByteArray &query :
         {QByteArray(":\"apples"), QByteArray(":apples*"), QByteArray(":NEAR(apples pears)"),
          QByteArray(":text:apples"), QByteArray(":^apples"), QByteArray(":a\"b\"\"c"), QByteArray(":(((")}) {
        dave->send("SEARCH #lobby " + query);
        const auto batch = dave->waitForBatch("confab/search");
        QVERIFY2(batch, query.constData());
    }
    QVERIFY(dave->sync());
    QCOMPARE(dave->count(failOf("SEARCH")), 0);
}

void TestHistory::searchPermissionsAndErrors()
{
    TestServer server(historyConfig());
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto carol = capClient(server, "carol", "batch confab/search");
    QVERIFY(alice && carol);
    alice->send("JOIN #private");
    alice->send("PRIVMSG #private :hidden words");
    QVERIFY(alice->sync());
    struct Case {
        QByteArray line;
        QByteArray code;
    };
    for (const Case &c : QList<Case> {{"SEARCH", "NEED_MORE_PARAMS"},
                                      {"SEARCH #lobby", "NEED_MORE_PARAMS"},
                                      {"SEARCH #private hidden", "INVALID_TARGET"},
                                      {"SEARCH #nowhere hidden", "INVALID_TARGET"},
                                      {"SEARCH #lobby hidden 0", "INVALID_PARAMS"},
                                      {"SEARCH #lobby hidden 500", "INVALID_PARAMS"},
                                      {"SEARCH #lobby :   ", "INVALID_PARAMS"},
                                      {"SEARCH #lobby :a b c d e f g h i j k", "INVALID_PARAMS"}}) {
        carol->send(c.line);
        const auto fail = carol->waitFor(failOf("SEARCH"));
        QVERIFY2(fail, c.line.constData());
        QCOMPARE(fail->param(1), c.code);
    }
    QVERIFY(carol->sync());
    QCOMPARE(carol->count(RawClient::command("BATCH")), 0);
}

void TestHistory::historyOff()
{
    ServerConfig config = historyConfig();
    config.history = false;
    TestServer server(config);
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
    alice->send("PRIVMSG #lobby :not kept");
    auto c = server.client();
    QVERIFY(c);
    c->send("CAP LS 302");
    const auto ls = c->waitForCommand("CAP");
    QVERIFY(ls);
    QVERIFY(!ls->params.last().contains("chathistory"));
    QVERIFY(ls->params.last().contains("batch"));
    c->send("CAP REQ :draft/chathistory");
    QVERIFY(c->waitFor([](const IrcMessage &m) { return m.command == "CAP" && m.param(1) == "NAK"; }));
    c->send("CAP END");
    QVERIFY(c->registerAs("carol"));
    QVERIFY(!c->isupport().join(' ').contains("CHATHISTORY"));
    c->send("CHATHISTORY LATEST #lobby * 10");
    const auto unknown = c->waitForCommand("421");
    QVERIFY(unknown);
    QVERIFY(c->sync());
    QCOMPARE(c->count(privmsg("not kept")), 0);
    QCOMPARE(c->count(RawClient::command("NOTICE")), 0);
}

void TestHistory::channelsPersistAcrossRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ServerConfig config = historyConfig(dir.filePath(QStringLiteral("history.db")));
    {
        TestServer server(config);
        QVERIFY(server.start());
        auto alice = server.client("alice");
        QVERIFY(alice);
        alice->send("JOIN #kept");
        alice->send("TOPIC #kept :kept topic");
        alice->send("MODE #kept +mtlk 7 secret");
        alice->send("MODE #kept +b spam!*@*");
        alice->send("PRIVMSG #kept :before the restart");
        QVERIFY(alice->sync());
        // A channel nobody set up or spoke in is not remembered.
        alice->send("JOIN #passing");
        alice->send("PART #passing");
        QVERIFY(alice->sync());
    }
    TestServer server(config);
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    bob->send("JOIN #kept secret");
    const auto topic = bob->waitForCommand("332");
    QVERIFY(topic);
    QCOMPARE(topic->params.last(), QByteArray("kept topic"));
    const auto setter = bob->waitForCommand("333");
    QVERIFY(setter);
    QCOMPARE(setter->param(2), QByteArray("alice!~alice@127.0.0.1"));
    // Its last lines come back for playback too.
    QVERIFY(bob->waitFor(
        [](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last().endsWith("before the restart"); }));
    bob->send("MODE #kept");
    const auto modes = bob->waitForCommand("324");
    QVERIFY(modes);
    QCOMPARE(modes->params.mid(2), (QList<QByteArray> {"+nmtkl", "secret", "7"}));
    bob->send("MODE #kept +b");
    const auto ban = bob->waitForCommand("367");
    QVERIFY(ban);
    QCOMPARE(ban->param(2), QByteArray("spam!*@*"));
    QCOMPARE(ban->param(3), QByteArray("alice!~alice@127.0.0.1"));
    // The key is still needed.
    auto carol = server.client("carol");
    QVERIFY(carol);
    carol->send("JOIN #kept");
    QVERIFY(carol->waitForCommand("475"));
    carol->send("JOIN #passing");
    QVERIFY(carol->waitForCommand("366"));
    carol->send("MODE #passing");
    const auto fresh = carol->waitForCommand("324");
    QVERIFY(fresh);
    QCOMPARE(fresh->param(2), QByteArray("+n"));
    carol->send("TOPIC #passing");
    QVERIFY(carol->waitForCommand("331"));
}

void TestHistory::retention()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("history.db"));
    ServerConfig config = historyConfig(file);
    // Messages only: the second server's own JOINs must not count against the cap.
    config.historyEvents.clear();
    {
        TestServer server(config);
        QVERIFY(server.start());
        auto alice = server.client("alice");
        QVERIFY(alice);
        for (int i = 1; i <= 6; ++i)
            alice->send("PRIVMSG #lobby :r" + QByteArray::number(i));
        QVERIFY(alice->sync());
    }
    // Rows from 40 days ago (and their words for search), written straight into the file, as a
    // server then would have.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old-rows"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        const qint64 old = QDateTime::currentMSecsSinceEpoch() - qint64(40) * 86'400'000;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(q.prepare(QStringLiteral("INSERT INTO messages (msgid, time, target, command, source, params, text,"
                                             " tags) VALUES (?, ?, '#lobby', 'PRIVMSG', 'old!~old@127.0.0.1',"
                                             " '#lobby', ?, '')")));
            q.addBindValue(QStringLiteral("old-%1").arg(i));
            q.addBindValue(old + i);
            q.addBindValue(QStringLiteral("ancient %1").arg(i));
            QVERIFY(q.exec());
            const QVariant id = q.lastInsertId();
            QVERIFY(q.prepare(QStringLiteral("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)")));
            q.addBindValue(id);
            q.addBindValue(QStringLiteral("ancient %1").arg(i));
            QVERIFY(q.exec());
        }
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("old-rows"));
    // A server that keeps 30 days and 4 events per conversation: the old rows go, and only the
    // newest 4 stay.
    config.historyDays = 30;
    config.historyPerTarget = 4;
    config.historyPlayback = 0;
    TestServer server(config);
    QVERIFY(server.start());
    auto dave = capClient(server, "dave", HistoryCaps);
    QVERIFY(dave);
    QList<QByteArray> seen;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto lines = history(*dave, "CHATHISTORY LATEST #lobby * 100");
            seen = lines ? texts(*lines) : QList<QByteArray>();
            return seen.size() <= 4 && !seen.isEmpty();
        }(),
        10000);
    QVERIFY2(!seen.join(' ').contains("ancient"), seen.join(' ').constData());
    QCOMPARE(seen.size(), 4);
    QCOMPARE(seen.last(), QByteArray("r6"));
}

void TestHistory::storeFallingBehind()
{
    // A store allowed to be one event behind: any larger hand-over is dropped, and counted.
    ServerConfig config = historyConfig();
    config.historyBacklog = 1;
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("^history: the database is \\d+ events behind")));
    auto server = std::make_unique<TestServer>(config);
    QVERIFY(server->start());
    auto alice = server->client("alice");
    auto bob = server->client("bob");
    QVERIFY(alice && bob);
    QByteArray burst;
    for (int i = 0; i < 50; ++i)
        burst += "PRIVMSG #lobby :b" + QByteArray::number(i) + "\r\n";
    alice->sendRaw(burst);
    // Chat goes on: every message is delivered.
    QVERIFY(bob->waitFor(privmsg("b49")));
    QCOMPARE(bob->count([](const IrcMessage &m) { return m.command == "PRIVMSG"; }), 50);
    // And the log says how many were not kept, at the latest when the server stops.
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("^history: recording; \\d+ events were not recorded")));
    server.reset();
}

QTEST_GUILESS_MAIN(TestHistory)
namespace {
const QByteArray MarkerCaps = "server-time draft/read-marker";

RawClient::Predicate markread(const QByteArray &target)
{
    return [target](const IrcMessage &m) { return m.command == "MARKREAD" && m.param(0) == target; };
}

// A client with read markers, logged in to `account` through NickServ (registering it first
// when `create`), and in #lobby.
std::unique_ptr<RawClient> markerClient(TestServer &server, const QByteArray &nick, const QByteArray &account,
                                        bool create)
{
    auto c = capClient(server, nick, MarkerCaps);
    if (!c)
        return nullptr;
    if (account.isEmpty())
        return c;
    c->send("PRIVMSG NickServ :" + QByteArray(create ? "REGISTER " : "IDENTIFY " + account + ' ') + account
            + "-password");
    if (!c->waitFor(RawClient::command("900"), 20000))
        return nullptr;
    return c;
}
} // namespace

void TestHistory::readMarkers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ServerConfig config = historyConfig(dir.filePath(QStringLiteral("history.db")));
    const QByteArray earlier = "timestamp=2026-01-02T03:04:05.678Z";
    const QByteArray later = "timestamp=2026-02-03T04:05:06.789Z";
    {
        TestServer server(config);
        QVERIFY(server.start());
        // On JOIN, before the end of NAMES: nothing read yet.
        auto laptop = capClient(server, "mara", MarkerCaps);
        QVERIFY(laptop);
        QList<QByteArray> joinBurst;
        for (qsizetype i = 0; i < laptop->receivedCount(); ++i)
            if (laptop->message(i).command == "MARKREAD" || laptop->message(i).command == "366")
                joinBurst.append(laptop->message(i).command + ' ' + laptop->message(i).params.mid(0).join(' '));
        QCOMPARE(joinBurst, (QList<QByteArray> {"MARKREAD #lobby *", "366 mara #lobby End of /NAMES list"}));
        laptop->send("PRIVMSG NickServ :REGISTER mara-password");
        QVERIFY(laptop->waitFor(RawClient::command("900"), 20000));
        auto phone = markerClient(server, "mara_phone", "mara", false);
        QVERIFY(phone);

        // Read on the laptop: the phone hears of it too.
        laptop->send("MARKREAD #Lobby " + earlier);
        auto told = phone->waitFor(markread("#Lobby"));
        QVERIFY(told);
        QCOMPARE(told->param(1), earlier);
        QVERIFY(laptop->waitFor(markread("#Lobby")));
        // Only ever forwards: an older one is answered with what is kept, to the sender alone.
        phone->send("MARKREAD #lobby timestamp=2025-12-31T00:00:00.000Z");
        told = phone->waitFor(markread("#lobby"));
        QVERIFY(told);
        QCOMPARE(told->param(1), earlier);
        phone->send("MARKREAD #lobby " + later);
        QCOMPARE(phone->waitFor(markread("#lobby"))->param(1), later);
        QCOMPARE(laptop->waitFor(markread("#lobby"))->param(1), later);
        // Never into the future.
        laptop->send("MARKREAD bob timestamp=2999-01-01T00:00:00.000Z");
        told = laptop->waitFor(markread("bob"));
        QVERIFY(told);
        const QDateTime clamped = QDateTime::fromString(QString::fromLatin1(told->param(1).mid(10)), Qt::ISODateWithMs);
        QVERIFY2(clamped.isValid() && clamped <= QDateTime::currentDateTimeUtc(), told->param(1).constData());
        // Asking.
        phone->send("MARKREAD #LOBBY");
        QCOMPARE(phone->waitFor(markread("#LOBBY"))->param(1), later);
        // Private to the user: someone else has read nothing.
        auto bob = capClient(server, "bob", MarkerCaps);
        QVERIFY(bob);
        bob->send("MARKREAD #lobby");
        QCOMPARE(bob->waitFor(markread("#lobby"))->param(1), QByteArray("*"));
        // A user without an account keeps markers by nick.
        bob->send("MARKREAD mara " + earlier);
        QCOMPARE(bob->waitFor(markread("mara"))->param(1), earlier);
        // Errors.
        bob->send("MARKREAD");
        QVERIFY(
            bob->waitFor([](const IrcMessage &m) { return m.command == "FAIL" && m.param(1) == "NEED_MORE_PARAMS"; }));
        for (const QByteArray bad : {"msgid=abc", "timestamp=yesterday", "*"}) {
            bob->send("MARKREAD #lobby " + bad);
            const auto fail = bob->waitFor(failOf("MARKREAD"));
            QVERIFY(fail);
            QCOMPARE(fail->param(1), QByteArray("INVALID_PARAMS"));
        }
        bob->send("MARKREAD #no,such " + earlier);
        QCOMPARE(bob->waitFor(failOf("MARKREAD"))->param(1), QByteArray("INVALID_PARAMS"));
        // Without the capability, no MARKREAD on JOIN.
        auto plain = server.client("plain");
        QVERIFY(plain && plain->sync());
        QCOMPARE(plain->count(RawClient::command("MARKREAD")), 0);
    }
    // Kept across a restart, and told on JOIN to the account's next connection.
    TestServer again(config);
    QVERIFY(again.start());
    auto tablet = markerClient(again, "mara_tab", "mara", false);
    QVERIFY(tablet);
    tablet->send("JOIN #elsewhere");
    QCOMPARE(tablet->waitFor(markread("#elsewhere"))->param(1), QByteArray("*"));
    tablet->send("PART #lobby");
    tablet->send("JOIN #lobby");
    QCOMPARE(tablet->waitFor(markread("#lobby"))->param(1), later);
}

#include "tst_history.moc"
