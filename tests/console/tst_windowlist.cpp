// SPDX-License-Identifier: MIT
// The full-screen view's windows: which window each event goes to, and the activity list.

#include "windowlist.h"

#include <QTest>

namespace {
using T = ChatEvent::Type;
ChatEvent chatEvent(T type, const QString &nick, const QString &channel = {}, bool own = false, int session = 1)
{
    ChatEvent e = ChatEvent::make(type, QStringLiteral("text"), nick, channel, own);
    e.session = session;
    return e;
}
ChatEvent message(const QString &from, const QString &target, bool own = false, bool highlight = false)
{
    ChatEvent e = chatEvent(T::Message, from, target, own);
    e.message.from = from;
    e.message.target = target;
    e.message.isOwn = own;
    e.message.isPrivate = !target.startsWith(u'#');
    e.message.isHighlight = highlight;
    return e;
}
// The names of the windows an event goes to ("status" for the status window).
QStringList names(const WindowList &list, const QList<qsizetype> &indexes)
{
    QStringList out;
    for (const qsizetype i : indexes)
        out.append(list.at(i).isStatus() ? QStringLiteral("status") : list.at(i).name);
    return out;
}
} // namespace

class TestWindowList : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void routing_data();
    void routing();
    void activityAndClosing();
};

void TestWindowList::routing_data()
{
    QTest::addColumn<ChatEvent>("event");
    QTest::addColumn<QStringList>("hadNick");
    QTest::addColumn<QStringList>("windows");
    // Windows open before each row: status, #a, #b, and a private chat with carol (session 1);
    // #a of session 2. The current one is #b.
    QTest::newRow("a channel message") << message("bob", "#a") << QStringList() << QStringList {"#a"};
    QTest::newRow("a private message opens a window") << message("dave", "me") << QStringList() << QStringList {"dave"};
    QTest::newRow("an existing private chat") << message("CAROL", "me") << QStringList() << QStringList {"carol"};
    QTest::newRow("our private message also shows where we are")
        << message("me", "carol", true) << QStringList() << QStringList {"carol", "#b"};
    QTest::newRow("our join") << chatEvent(T::Join, "me", "#new", true) << QStringList() << QStringList {"#new"};
    QTest::newRow("another's join") << chatEvent(T::Join, "bob", "#a") << QStringList() << QStringList {"#a"};
    QTest::newRow("our part goes to status")
        << chatEvent(T::Part, "me", "#a", true) << QStringList() << QStringList {"status"};
    QTest::newRow("a quit, where they were")
        << chatEvent(T::Quit, "carol", {}) << QStringList {"#a"} << QStringList {"#a", "carol"};
    QTest::newRow("a nick change, where they were")
        << chatEvent(T::Nick, "bob", {}) << QStringList {"#a", "#b"} << QStringList {"#a", "#b"};
    QTest::newRow("our nick change: every window of the session")
        << chatEvent(T::Nick, "me", {}, true) << QStringList() << QStringList {"#a", "#b", "carol"};
    QTest::newRow("a reply: where we are") << chatEvent(T::Info, {}) << QStringList() << QStringList {"#b"};
    QTest::newRow("another session's reply: status")
        << chatEvent(T::Info, {}, {}, false, 2) << QStringList() << QStringList {"status"};
    QTest::newRow("the server's welcome: status")
        << chatEvent(T::Server, {}) << QStringList() << QStringList {"status"};
    QTest::newRow("a lost connection: status and the session's windows")
        << chatEvent(T::Connection, {}) << QStringList() << QStringList {"status", "#a", "#b", "carol"};
    QTest::newRow("the other session's #a") << [] {
        ChatEvent e = message("bob", "#a");
        e.session = 2;
        return e;
    }() << QStringList() << QStringList {"#a"};
    QTest::newRow("NAMES is only state") << chatEvent(T::Names, {}, "#a") << QStringList() << QStringList();
}

void TestWindowList::routing()
{
    QFETCH(ChatEvent, event);
    QFETCH(QStringList, hadNick);
    QFETCH(QStringList, windows);
    WindowList list;
    list.ensure(1, "#a");
    list.setCurrent(list.ensure(1, "#b"));
    list.ensure(1, "carol");
    const qsizetype other = list.ensure(2, "#a");
    const QList<qsizetype> routed = list.route(event, hadNick);
    QCOMPARE(names(list, routed), windows);
    if (event.session == 2 && event.type == T::Message)
        QCOMPARE(routed, QList<qsizetype> {other});
}

void TestWindowList::activityAndClosing()
{
    WindowList list;
    const qsizetype a = list.ensure(1, "#a");
    const qsizetype b = list.ensure(1, "#b");
    list.setCurrent(a);
    list.noteActivity(a, WindowList::Activity::Messages); // the current window has no news
    list.noteActivity(b, WindowList::Activity::Events);
    list.noteActivity(b, WindowList::activityOf(message("bob", "#b")));
    list.noteActivity(b, WindowList::Activity::Events); // news only rises
    QCOMPARE(list.active(), QList<qsizetype> {b});
    QCOMPARE(list.at(b).activity, WindowList::Activity::Messages);
    QCOMPARE(WindowList::activityOf(message("bob", "#b", false, true)), WindowList::Activity::Highlight);
    QCOMPARE(WindowList::activityOf(message("bob", "me")), WindowList::Activity::Highlight);
    QCOMPARE(WindowList::activityOf(message("me", "#b", true)), WindowList::Activity::None);
    list.setCurrent(b);
    QVERIFY(list.active().isEmpty());
    // Closing: numbers close up, the status window stays, the current one moves back.
    QVERIFY(!list.close(0));
    QVERIFY(list.close(b));
    QCOMPARE(list.count(), 2);
    QCOMPARE(list.current(), a);
    list.ensure(2, "#c");
    list.closeSession(2);
    QCOMPARE(list.count(), 2);
    QCOMPARE(list.find(1, "#A"), a);
}

QTEST_GUILESS_MAIN(TestWindowList)
#include "tst_windowlist.moc"
