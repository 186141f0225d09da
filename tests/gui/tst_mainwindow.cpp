// SPDX-License-Identifier: MIT
// The desktop client's window against a real server on port 0 (QT_QPA_PLATFORM=offscreen).

#include "channellistdialog.h"
#include "inputline.h"
#include "mainwindow.h"
#include "messagedelegate.h"
#include "messageview.h"
#include "testserver.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenu>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStringListModel>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace {
ClientSession::Options optionsFor(quint16 port, const QString &nick)
{
    ClientSession::Options o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = port;
    o.nick = nick;
    o.reconnectMinMs = 50;
    o.reconnectMaxMs = 200;
    return o;
}

// The texts of the current conversation's rows.
QStringList shownLines(const MainWindow &w)
{
    QStringList out;
    const QAbstractItemModel *m = w.messageView()->model();
    for (int i = 0; m && i < m->rowCount(); ++i)
        out.append(m->index(i, 0).data().toString());
    return out;
}

bool showsLine(const MainWindow &w, const QString &needle)
{
    return QTest::qWaitFor(
        [&] {
            for (const QString &l : shownLines(w))
                if (l.contains(needle))
                    return true;
            return false;
        },
        10000);
}

// A double-click as a user makes it. Qt 6.4's QTest::mouseDClick sends no press first, so an
// item view has no pressed index and never emits doubleClicked().
void doubleClick(QAbstractItemView *view, const QModelIndex &index)
{
    const QPoint at = view->visualRect(index).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
}

struct Fixture {
    std::unique_ptr<TestServer> server;
    std::unique_ptr<RawClient> bob;
    std::unique_ptr<MainWindow> window;
};

Fixture start()
{
    Fixture f;
    f.server = std::make_unique<TestServer>();
    if (!f.server->start())
        return f;
    f.bob = f.server->client("bob");
    f.window = std::make_unique<MainWindow>();
    f.window->show();
    f.window->connectTo(optionsFor(f.server->port(), QStringLiteral("alice")));
    const bool joined = f.bob && f.bob->waitFor([](const IrcMessage &m) {
        return m.command == "JOIN" && m.sourceNick() == "alice";
    }) && QTest::qWaitFor([&] { return f.window->users()->stringList().contains(QStringLiteral("@bob")); }, 10000);
    if (!joined)
        f.bob.reset();
    return f;
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void commandLineUsageErrorsExitTwo();
    void connectsAndJoins();
    void typedMessageReachesOtherClient();
    void incomingMessageAppears();
    void scrollbackKeepsTheNewestLines();
    void rowsAreLaidOutAgainAtANewWidth();
    void userListFollowsMembership();
    void privateConversations();
    void networkTextIsNeverMarkup();
    void formattingIsDrawn();
    void conversationInsertedAboveStaysOut();
    void keysSwitchAndClose();
    void contextMenusAct();
    void linksAreClickable();
    void mentionRaisesNotification();
    void reconnectIsVisibleAndConversationsSurvive();
    void closingQuitsCleanly();
    void logsInWithSasl();
    void historyOnJoinAndScrollBack();
    void unreadSinceYouLeft();
    void channelListAndSearch();
};

void TestMainWindow::connectsAndJoins()
{
    Fixture f = start();
    QVERIFY(f.bob);
    QCOMPARE(f.window->conversations()->at(f.window->currentRow()).name, QStringLiteral("#lobby"));
    QTRY_VERIFY(f.window->statusText().contains(QStringLiteral("connected")));
    QVERIFY(f.window->statusText().contains(QStringLiteral("alice")));
    // bob made #lobby, so he runs it: operators first, with their prefix.
    QCOMPARE(f.window->users()->stringList(), (QStringList {"@bob", "alice"}));
    // Status shows as an icon too, and everyone's name starts in the same place.
    const QIcon opIcon = f.window->users()->index(0).data(Qt::DecorationRole).value<QIcon>();
    const QIcon plainIcon = f.window->users()->index(1).data(Qt::DecorationRole).value<QIcon>();
    QVERIFY(!opIcon.isNull() && !plainIcon.isNull());
    QVERIFY(opIcon.pixmap(16).toImage() != plainIcon.pixmap(16).toImage());
}

void TestMainWindow::typedMessageReachesOtherClient()
{
    Fixture f = start();
    QVERIFY(f.bob);
    QTest::keyClicks(f.window->inputLine(), QStringLiteral("hello from the window"));
    QTest::keyClick(f.window->inputLine(), Qt::Key_Return);
    const auto got = f.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
    QVERIFY(got);
    QCOMPARE(got->params, (QList<QByteArray> {"#lobby", "hello from the window"}));
    QVERIFY(f.window->inputLine()->text().isEmpty());
    QVERIFY(showsLine(*f.window, QStringLiteral("<alice> hello from the window")));
    // The seeds' aliases work here too.
    QTest::keyClicks(f.window->inputLine(), QStringLiteral("@bob just you"));
    QTest::keyClick(f.window->inputLine(), Qt::Key_Return);
    const auto pm = f.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
    QVERIFY(pm && pm->params.at(0) == "bob");
    // History: Up brings back the last line.
    QTest::keyClick(f.window->inputLine(), Qt::Key_Up);
    QCOMPARE(f.window->inputLine()->text(), QStringLiteral("@bob just you"));
}

void TestMainWindow::incomingMessageAppears()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("PRIVMSG #lobby :hi alice, welcome");
    QVERIFY(showsLine(*f.window, QStringLiteral("<bob> hi alice, welcome")));
    // Tab completion from the channel's users.
    QTest::keyClicks(f.window->inputLine(), QStringLiteral("b"));
    QTest::keyClick(f.window->inputLine(), Qt::Key_Tab);
    QCOMPARE(f.window->inputLine()->text(), QStringLiteral("bob: "));
}

void TestMainWindow::scrollbackKeepsTheNewestLines()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.window->conversations()->setScrollback(20);
    for (int i = 1; i <= 40; ++i)
        f.bob->send("PRIVMSG #lobby :line " + QByteArray::number(i));
    QVERIFY(showsLine(*f.window, QStringLiteral("<bob> line 40")));
    const QStringList lines = shownLines(*f.window);
    QCOMPARE(lines.size(), 20);
    QVERIFY2(lines.first().contains(QStringLiteral("<bob> line 21")), qPrintable(lines.first()));
    // Lowered later: the oldest go at once.
    f.window->conversations()->setScrollback(10);
    QTRY_COMPARE(shownLines(*f.window).size(), 10);
    QVERIFY(shownLines(*f.window).first().contains(QStringLiteral("<bob> line 31")));
}

void TestMainWindow::rowsAreLaidOutAgainAtANewWidth()
{
    // Row heights are kept per width (MessageModel::laidOutHeight): a narrower window must still
    // wrap a long line onto more rows.
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("PRIVMSG #lobby :" + QByteArray("a long line that has to wrap when the window is narrow ").repeated(4));
    QVERIFY(showsLine(*f.window, QStringLiteral("has to wrap")));
    QAbstractItemView *view = f.window->messageView();
    const QModelIndex last = view->model()->index(view->model()->rowCount() - 1, 0);
    f.window->resize(1600, 600);
    QTRY_VERIFY(view->viewport()->width() > 1000);
    view->doItemsLayout();
    const int wide = view->visualRect(last).height();
    const int wideWidth = view->viewport()->width();
    f.window->resize(800, 600);
    QTRY_VERIFY(view->viewport()->width() < wideWidth - 500);
    view->doItemsLayout();
    QTRY_VERIFY2(view->visualRect(last).height() > wide,
                 qPrintable(QStringLiteral("%1 pixels high at both widths").arg(wide)));
}

void TestMainWindow::userListFollowsMembership()
{
    Fixture f = start();
    QVERIFY(f.bob);
    auto carol = f.server->client("carol");
    QVERIFY(carol);
    QTRY_COMPARE(f.window->users()->stringList(), (QStringList {"@bob", "alice", "carol"}));
    carol->send("NICK caroline");
    QTRY_COMPARE(f.window->users()->stringList(), (QStringList {"@bob", "alice", "caroline"}));
    QVERIFY(showsLine(*f.window, QStringLiteral("carol is now known as caroline")));
    carol->send("QUIT :bye");
    QTRY_COMPARE(f.window->users()->stringList(), (QStringList {"@bob", "alice"}));
    QVERIFY(showsLine(*f.window, QStringLiteral("caroline quit")));
    f.bob->send("PART #lobby");
    QTRY_COMPARE(f.window->users()->stringList(), QStringList {"alice"});
}

void TestMainWindow::privateConversations()
{
    Fixture f = start();
    QVERIFY(f.bob);
    // An incoming private message opens a conversation, with an unread count.
    f.bob->send("PRIVMSG alice :psst");
    QTRY_VERIFY(f.window->conversations()->find(1, QStringLiteral("bob")) >= 0);
    const int row = f.window->conversations()->find(1, QStringLiteral("bob"));
    QCOMPARE(f.window->conversations()->at(row).unread, 1);
    QVERIFY(f.window->conversations()->index(row).data().toString().contains(QStringLiteral("(1)")));
    // Marked as a person by its icon, not by a sign in its name.
    QCOMPARE(f.window->conversations()->index(row).data().toString().trimmed(), QStringLiteral("bob (1)"));
    QVERIFY(!f.window->conversations()->index(row).data(Qt::DecorationRole).value<QIcon>().isNull());
    const int lobby = f.window->conversations()->find(1, QStringLiteral("#lobby"));
    QVERIFY(f.window->conversations()->index(lobby).data(Qt::DecorationRole).value<QIcon>().isNull());
    // Double-clicking a user opens (here: selects) the private conversation.
    QListView *users = f.window->userView();
    const QModelIndex bobIndex
        = f.window->users()->index(int(f.window->users()->stringList().indexOf(QStringLiteral("@bob"))));
    doubleClick(users, bobIndex);
    QTRY_COMPARE(f.window->currentRow(), f.window->conversations()->find(1, QStringLiteral("bob")));
    QVERIFY(showsLine(*f.window, QStringLiteral("<bob> psst")));
    QCOMPARE(f.window->conversations()->at(f.window->currentRow()).unread, 0);
    // Typing here talks to bob privately.
    QTest::keyClicks(f.window->inputLine(), QStringLiteral("only for bob"));
    QTest::keyClick(f.window->inputLine(), Qt::Key_Return);
    const auto pm = f.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
    QVERIFY(pm);
    QCOMPARE(pm->params, (QList<QByteArray> {"bob", "only for bob"}));
    // Double-click on a user with no conversation yet creates one.
    auto dave = f.server->client("dave");
    QVERIFY(dave);
    QVERIFY(f.window->selectConversation(QStringLiteral("#lobby")));
    QTRY_VERIFY(f.window->users()->stringList().contains(QStringLiteral("dave")));
    const QModelIndex daveIndex
        = f.window->users()->index(int(f.window->users()->stringList().indexOf(QStringLiteral("dave"))));
    doubleClick(users, daveIndex);
    QTRY_COMPARE(f.window->conversations()->at(f.window->currentRow()).name, QStringLiteral("dave"));
}

void TestMainWindow::formattingIsDrawn()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("PRIVMSG #lobby :plain \x02"
                "fat\x02 \x1d"
                "slanted\x1d \x1f"
                "lined\x1f \x03"
                "04,01hot\x03 <i>end</i>");
    // What copy and accessibility get is the text without the codes.
    QVERIFY(showsLine(*f.window, QStringLiteral("<bob> plain fat slanted lined hot <i>end</i>")));
    const QAbstractItemModel *m = f.window->messageView()->model();
    QTextDocument doc;
    MessageDelegate::buildDocument(doc, m->index(m->rowCount() - 1, 0), 600, f.window->font());
    // The codes are gone from what is drawn, and each run has its look.
    const QString plain = doc.toPlainText();
    QVERIFY2(plain.contains(QStringLiteral("<bob> plain fat slanted lined hot <i>end</i>")), qPrintable(plain));
    const auto formatAt = [&](const QString &word) {
        QTextCursor c(&doc);
        c.setPosition(int(plain.indexOf(word)) + 1);
        return c.charFormat();
    };
    QVERIFY(formatAt("fat").fontWeight() >= QFont::Bold);
    QVERIFY(formatAt("slanted").fontItalic());
    QVERIFY(formatAt("lined").fontUnderline());
    QCOMPARE(formatAt("hot").foreground().color(), QColor("#ff0000"));
    QCOMPARE(formatAt("hot").background().color(), QColor("#000000"));
    QVERIFY(formatAt("plain").fontWeight() < QFont::Bold);
    QVERIFY(!formatAt("end").fontItalic()); // markup in the text stays text
}

void TestMainWindow::conversationInsertedAboveStaysOut()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    MainWindow window;
    window.show();
    window.connectTo(optionsFor(server.port(), QStringLiteral("alice")));
    QTRY_VERIFY_WITH_TIMEOUT(window.conversations()->find(1, QStringLiteral("#lobby")) >= 0, 10000);
    window.connectTo(optionsFor(server.port(), QStringLiteral("carol")));
    QTRY_VERIFY_WITH_TIMEOUT(window.conversations()->find(2, QStringLiteral("#lobby")) >= 0, 10000);
    // The second session's #lobby is current; then a private chat opens in the first session,
    // above it in the list.
    window.conversationView()->setCurrentIndex(
        window.conversations()->index(window.conversations()->find(2, QStringLiteral("#lobby"))));
    const auto current = [&] {
        const ConversationModel::Conversation &c = window.conversations()->at(window.currentRow());
        return QStringLiteral("%1 %2").arg(c.session).arg(c.name);
    };
    QCOMPARE(current(), QStringLiteral("2 #lobby"));
    bob->send("PRIVMSG alice :psst");
    QTRY_VERIFY(window.conversations()->find(1, QStringLiteral("bob")) >= 0);
    QVERIFY(window.conversations()->find(1, QStringLiteral("bob"))
            < window.conversations()->find(2, QStringLiteral("#lobby")));
    QCOMPARE(current(), QStringLiteral("2 #lobby"));
    // What is typed still goes where the user is looking.
    QTest::keyClicks(window.inputLine(), QStringLiteral("from the second session"));
    QTest::keyClick(window.inputLine(), Qt::Key_Return);
    const auto said = bob->waitFor(
        [](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1) == "from the second session"; });
    QVERIFY(said);
    QCOMPARE(said->sourceNick(), QByteArray("carol"));
    QCOMPARE(said->param(0), QByteArray("#lobby"));
}

void TestMainWindow::keysSwitchAndClose()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("PRIVMSG alice :psst");
    QTRY_VERIFY(f.window->conversations()->find(1, QStringLiteral("bob")) >= 0);
    QVERIFY(f.window->selectConversation(QStringLiteral("#lobby")));
    const auto current = [&] { return f.window->conversations()->at(f.window->currentRow()).name; };
    QWidget *input = f.window->inputLine();
    QCOMPARE(f.window->conversations()->count(), 3); // the server, #lobby, bob
    QTest::keyClick(input, Qt::Key_Tab, Qt::ControlModifier);
    QCOMPARE(current(), QStringLiteral("bob"));
    QTest::keyClick(input, Qt::Key_PageDown, Qt::ControlModifier); // past the end: the first
    QCOMPARE(f.window->currentRow(), 0);
    QTest::keyClick(input, Qt::Key_PageUp, Qt::ControlModifier);
    QCOMPARE(current(), QStringLiteral("bob"));
    QTest::keyClick(input, Qt::Key_2, Qt::AltModifier);
    QCOMPARE(current(), QStringLiteral("#lobby"));
    QTest::keyClick(input, Qt::Key_3, Qt::AltModifier);
    QCOMPARE(current(), QStringLiteral("bob"));
    // Ctrl+W closes a private chat, and leaves a channel as it closes it; never the console.
    QTest::keyClick(input, Qt::Key_W, Qt::ControlModifier);
    QCOMPARE(f.window->conversations()->find(1, QStringLiteral("bob")), -1);
    QVERIFY(f.window->selectConversation(QStringLiteral("#lobby")));
    QTest::keyClick(input, Qt::Key_W, Qt::ControlModifier);
    QVERIFY(f.bob->waitFor([](const IrcMessage &m) { return m.command == "PART" && m.sourceNick() == "alice"; }));
    QCOMPARE(f.window->conversations()->find(1, QStringLiteral("#lobby")), -1);
    QCOMPARE(f.window->conversations()->count(), 1);
    QTest::keyClick(input, Qt::Key_W, Qt::ControlModifier);
    QCOMPARE(f.window->conversations()->count(), 1);
}

void TestMainWindow::contextMenusAct()
{
    Fixture f = start();
    QVERIFY(f.bob);
    QTest::keyClicks(f.window->inputLine(), QStringLiteral("/join #fresh")); // alice runs it
    QTest::keyClick(f.window->inputLine(), Qt::Key_Return);
    QTRY_COMPARE(f.window->conversations()->at(f.window->currentRow()).name, QStringLiteral("#fresh"));
    f.bob->send("JOIN #fresh");
    QTRY_COMPARE(f.window->users()->stringList(), (QStringList {"@alice", "bob"}));
    const auto trigger = [](QMenu *menu, const QString &text) {
        std::unique_ptr<QMenu> owned(menu);
        for (QAction *a : menu->actions())
            if (a->text() == text) {
                a->trigger();
                return true;
            }
        return false;
    };
    QVERIFY(trigger(f.window->userMenu("bob"), QStringLiteral("Give voice")));
    QVERIFY(f.bob->waitFor([](const IrcMessage &m) {
        return m.command == "MODE" && m.params == QList<QByteArray> {"#fresh", "+v", "bob"};
    }));
    QTRY_COMPARE(f.window->users()->stringList(), (QStringList {"@alice", "+bob"}));
    QVERIFY(trigger(f.window->userMenu("bob"), QStringLiteral("Kick")));
    QVERIFY(f.bob->waitFor([](const IrcMessage &m) { return m.command == "KICK" && m.param(1) == "bob"; }));
    QVERIFY(trigger(f.window->userMenu("bob"), QStringLiteral("Private chat")));
    QCOMPARE(f.window->conversations()->at(f.window->currentRow()).name, QStringLiteral("bob"));
    // On conversations: leave a channel (it stays, not joined), close a private chat.
    const int fresh = f.window->conversations()->find(1, QStringLiteral("#fresh"));
    QVERIFY(trigger(f.window->conversationMenu(fresh), QStringLiteral("Leave #fresh")));
    QTRY_VERIFY(!f.window->conversations()->at(f.window->conversations()->find(1, QStringLiteral("#fresh"))).joined);
    QVERIFY(trigger(f.window->conversationMenu(f.window->conversations()->find(1, QStringLiteral("bob"))),
                    QStringLiteral("Close")));
    QCOMPARE(f.window->conversations()->find(1, QStringLiteral("bob")), -1);
    // The console has neither.
    std::unique_ptr<QMenu> console(f.window->conversationMenu(0));
    QCOMPARE(console->actions().size(), 1);
}

void TestMainWindow::networkTextIsNeverMarkup()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("PRIVMSG #lobby :<b>bold?</b> <img src=x> &amp; \x1b[31mred\x1b[0m");
    QVERIFY(showsLine(*f.window, QStringLiteral("<b>bold?</b>")));
    const QAbstractItemModel *m = f.window->messageView()->model();
    const QModelIndex last = m->index(m->rowCount() - 1, 0);
    QTextDocument doc;
    MessageDelegate::buildDocument(doc, last, 600, f.window->font());
    // What is drawn is the literal text, escape sequences as visible placeholders.
    QVERIFY2(doc.toPlainText().contains(QStringLiteral("<b>bold?</b> <img src=x> &amp; ^[[31mred^[[0m")),
             qPrintable(doc.toPlainText()));
    QVERIFY(!doc.toHtml().contains(QStringLiteral("<img")));
    // The topic label never interprets markup either.
    f.bob->send("TOPIC #lobby :<i>topic</i>");
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (QLabel *l : f.window->findChildren<QLabel *>())
                if (l->text() == QStringLiteral("<i>topic</i>") && l->textFormat() == Qt::PlainText)
                    return true;
            return false;
        },
        10000));
}

void TestMainWindow::linksAreClickable()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("PRIVMSG #lobby :see https://example.org/page?a=1 now");
    QVERIFY(showsLine(*f.window, QStringLiteral("https://example.org/page?a=1")));
    MessageView *view = f.window->messageView();
    // Don't open a browser in a test: drop the view's own handler, then record the request.
    disconnect(view, &MessageView::linkActivated, nullptr, nullptr);
    QSignalSpy clicked(view, &MessageView::linkActivated);
    const QAbstractItemModel *m = view->model();
    const QModelIndex last = m->index(m->rowCount() - 1, 0);
    view->scrollTo(last);
    const QRect rect = view->visualRect(last);
    QTextDocument doc;
    MessageDelegate::buildDocument(doc, last, rect.width(), view->font());
    (void)doc.size(); // lays the document out
    const int at = int(doc.toPlainText().indexOf(QStringLiteral("example.org")));
    QVERIFY(at > 0);
    const QTextBlock block = doc.findBlock(at);
    const QTextLine line = block.layout()->lineForTextPosition(at - block.position());
    QVERIFY(line.isValid());
    const QPointF inDoc(line.cursorToX(at - block.position()) + 4,
                        block.layout()->position().y() + line.y() + line.height() / 2);
    QVERIFY(view->linkAt(rect.topLeft() + inDoc.toPoint()).isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.topLeft() + inDoc.toPoint());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().first().toUrl(), QUrl(QStringLiteral("https://example.org/page?a=1")));
}

void TestMainWindow::mentionRaisesNotification()
{
    Fixture f = start();
    QVERIFY(f.bob);
    QSignalSpy notified(f.window.get(), &MainWindow::notificationRequested);
    // Another window has the focus: exactly the case for a notification.
    QWidget other;
    other.show();
    QApplication::setActiveWindow(&other);
    QTRY_VERIFY(!f.window->isActiveWindow());
    f.bob->send("PRIVMSG #lobby :hey alice, look");
    QVERIFY(notified.wait(10000));
    QCOMPARE(notified.first().at(1).toString(), QStringLiteral("hey alice, look"));
    f.bob->send("PRIVMSG #lobby :no mention here");
    QVERIFY(showsLine(*f.window, QStringLiteral("no mention here")));
    QCOMPARE(notified.size(), 1);
    const QAbstractItemModel *m = f.window->messageView()->model();
    bool highlighted = false;
    for (int i = 0; i < m->rowCount(); ++i)
        if (m->index(i, 0).data().toString().contains(QStringLiteral("hey alice")))
            highlighted = m->index(i, 0).data(MessageModel::HighlightRole).toBool();
    QVERIFY(highlighted);
    // While the window has the focus, a mention is highlighted but not notified.
    QApplication::setActiveWindow(f.window.get());
    QTRY_VERIFY(f.window->isActiveWindow());
    f.bob->send("PRIVMSG #lobby :alice, you are here");
    QVERIFY(showsLine(*f.window, QStringLiteral("alice, you are here")));
    QCOMPARE(notified.size(), 1);
}

void TestMainWindow::reconnectIsVisibleAndConversationsSurvive()
{
    auto server = std::make_unique<TestServer>();
    QVERIFY(server->start());
    const quint16 port = server->port();
    MainWindow window;
    window.show();
    window.connectTo(optionsFor(port, QStringLiteral("alice")));
    QTRY_VERIFY_WITH_TIMEOUT(window.users()->stringList().contains(QStringLiteral("@alice")), 10000);
    auto bob = server->client("bob");
    QVERIFY(bob);
    bob->send("PRIVMSG #lobby :before the restart");
    QVERIFY(showsLine(window, QStringLiteral("before the restart")));
    QTest::keyClicks(window.inputLine(), QStringLiteral("/topic the old topic"));
    QTest::keyClick(window.inputLine(), Qt::Key_Return);
    QTRY_COMPARE(window.conversations()->at(window.currentRow()).topic, QStringLiteral("the old topic"));
    // The user is reading a private chat when the server goes away.
    bob->send("PRIVMSG alice :psst");
    QTRY_VERIFY(window.conversations()->find(1, QStringLiteral("bob")) >= 0);
    QVERIFY(window.selectConversation(QStringLiteral("bob")));
    bob.reset();
    server.reset();
    QVERIFY(showsLine(window, QStringLiteral("Disconnected")));
    QTRY_VERIFY_WITH_TIMEOUT(!window.statusText().endsWith(QStringLiteral(": connected")), 10000);

    ServerConfig config = TestServer::defaultConfig();
    config.listen = {{QHostAddress(QHostAddress::LocalHost), port}};
    TestServer again(config);
    QVERIFY(again.start());
    QVERIFY(showsLine(window, QStringLiteral("Connected to")));
    QTRY_VERIFY_WITH_TIMEOUT(window.statusText().endsWith(QStringLiteral(": connected")), 10000);
    // Rejoining does not take the user away from what they were reading.
    const auto joins = [&] {
        const MessageModel *lobby
            = window.conversations()->at(window.conversations()->find(1, QStringLiteral("#lobby"))).messages;
        int n = 0;
        for (int i = 0; i < lobby->rowCount(); ++i)
            n += lobby->row(i).text.contains(QStringLiteral("alice joined #lobby"));
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(joins(), 2, 10000);
    QCOMPARE(window.conversations()->at(window.currentRow()).name, QStringLiteral("bob"));
    QVERIFY(window.selectConversation(QStringLiteral("#lobby")));
    // The channel's conversation, history intact, and it works again.
    QTRY_VERIFY(window.users()->stringList().contains(QStringLiteral("@alice")));
    // The restarted server kept no topic: none is shown (not the one from before).
    QTRY_VERIFY(window.conversations()->at(window.currentRow()).topic.isEmpty());
    QVERIFY(!window.findChildren<QLabel *>().isEmpty());
    for (QLabel *l : window.findChildren<QLabel *>())
        QVERIFY(l->text() != QStringLiteral("the old topic"));
    QVERIFY(showsLine(window, QStringLiteral("before the restart")));
    auto carol = again.client("carol");
    QVERIFY(carol);
    QTest::keyClicks(window.inputLine(), QStringLiteral("back again"));
    QTest::keyClick(window.inputLine(), Qt::Key_Return);
    QVERIFY(carol->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1) == "back again"; }));
}

void TestMainWindow::logsInWithSasl()
{
    TestServer server;
    QVERIFY(server.start());
    auto owner = server.accountOwner("gina", "gina-password", "gina_away");
    QVERIFY(owner);
    MainWindow window;
    window.show();
    ClientSession::Options o = optionsFor(server.port(), QStringLiteral("gina"));
    o.account = QStringLiteral("gina");
    o.accountPassword = "gina-password";
    window.connectTo(o);
    QTRY_VERIFY_WITH_TIMEOUT(window.users()->stringList().contains(QStringLiteral("gina")), 10000);
    owner->send("WHOIS gina");
    auto whois = owner->waitFor([](const IrcMessage &m) { return m.command == "330"; });
    QVERIFY(whois);
    QCOMPARE(whois->param(2), QByteArray("gina"));
}

void TestMainWindow::closingQuitsCleanly()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.window->close();
    const auto quit = f.bob->waitForCommand("QUIT");
    QVERIFY(quit);
    QCOMPARE(quit->sourceNick(), QByteArray("alice"));
    QTRY_VERIFY(!f.window->isVisible());
    f.window.reset(); // stops and waits for the network thread
}

void TestMainWindow::commandLineUsageErrorsExitTwo()
{
    // The same options as the terminal client, checked the same way: a usage error exits 2
    // before any window or dialog appears.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    for (const QStringList &bad :
         {QStringList {"--bogus"}, QStringList {"--tls-fingerprint", "xyz"}, QStringList {"host:99999"},
          QStringList {"--password-file", "/dev/null"}, QStringList {"one", "two"}, QStringList {"--scrollback", "5"},
          QStringList {"--scrollback", "many"}}) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CONFAB_GUI_BINARY), bad);
        QVERIFY(p.waitForFinished(10000));
        QVERIFY2(p.exitCode() == 2, qPrintable(bad.join(' ')));
        QVERIFY(p.readAllStandardError().contains("confab-gui: "));
    }
    QProcess version;
    version.setProcessEnvironment(env);
    version.start(QStringLiteral(CONFAB_GUI_BINARY), {"--version"});
    QVERIFY(version.waitForFinished(10000));
    QCOMPARE(version.exitCode(), 0);
    QVERIFY(version.readAllStandardOutput().contains(CONFAB_VERSION));
}

QTEST_MAIN(TestMainWindow)
void TestMainWindow::historyOnJoinAndScrollBack()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    for (int i = 1; i <= 60; ++i)
        bob->send("PRIVMSG #lobby :said " + QByteArray::number(i));
    QVERIFY(bob->sync());
    MainWindow window;
    window.show();
    window.connectTo(optionsFor(server.port(), QStringLiteral("alice")));
    // The latest page on joining, then a separator, then what comes live.
    QVERIFY(showsLine(window, QStringLiteral("<bob> said 60")));
    QVERIFY(showsLine(window, QStringLiteral("\u2014 history \u2014")));
    bob->send("PRIVMSG #lobby :live now");
    QVERIFY(showsLine(window, QStringLiteral("<bob> live now")));
    QStringList lines = shownLines(window);
    const auto indexOf = [&](const QString &needle) {
        for (qsizetype i = 0; i < lines.size(); ++i)
            if (lines.at(i).endsWith(needle))
                return i;
        return qsizetype(-1);
    };
    QVERIFY(indexOf(QStringLiteral("said 11")) >= 0);
    QCOMPARE(indexOf(QStringLiteral("said 10")), -1);
    QVERIFY(indexOf(QStringLiteral("said 60")) < indexOf(QStringLiteral("\u2014 history \u2014")));
    QVERIFY(indexOf(QStringLiteral("\u2014 history \u2014")) < indexOf(QStringLiteral("live now")));
    // Scrolling to the top fetches what came before, above; then there is nothing older.
    MessageView *view = window.messageView();
    QSignalSpy top(view, &MessageView::reachedTop);
    QVERIFY(QTest::qWaitFor([&] { return view->verticalScrollBar()->maximum() > 0; }, 5000));
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->minimum());
    QCOMPARE(top.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(shownLines(window).first().endsWith(QStringLiteral("said 1")), 10000);
    lines = shownLines(window);
    QCOMPARE(lines.filter(QRegularExpression(QStringLiteral("<bob> said \\d+$"))).size(), 60);
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->minimum());
    QVERIFY(showsLine(window, QStringLiteral("\u2014 start of history \u2014")));
}

void TestMainWindow::unreadSinceYouLeft()
{
    // The read marker is the nick's (no account here): read in one window, come back in another.
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    {
        MainWindow first;
        first.show();
        first.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&first));
        first.connectTo(optionsFor(server.port(), QStringLiteral("alice")));
        QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == "alice"; }));
        bob->send("PRIVMSG #lobby :read this");
        QVERIFY(showsLine(first, QStringLiteral("<bob> read this")));
        // Seen in the active window: the server hears how far it was read, and says so back.
        QTRY_VERIFY_WITH_TIMEOUT(first.readMarker(QStringLiteral("#lobby")).isValid(), 10000);
        first.close();
        QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.sourceNick() == "alice"; }));
    }
    bob->send("PRIVMSG #lobby :new while away");
    QVERIFY(bob->sync());
    MainWindow again;
    again.show();
    again.connectTo(optionsFor(server.port(), QStringLiteral("alice")));
    QVERIFY(showsLine(again, QStringLiteral("\u2014 history \u2014")));
    const QStringList lines = shownLines(again);
    const auto at = [&](const QString &needle) {
        for (qsizetype i = 0; i < lines.size(); ++i)
            if (lines.at(i).contains(needle))
                return i;
        return qsizetype(-1);
    };
    QVERIFY2(at(QStringLiteral("read this")) >= 0
                 && at(QStringLiteral("read this")) < at(QStringLiteral("unread since you left"))
                 && at(QStringLiteral("unread since you left")) < at(QStringLiteral("new while away")),
             qPrintable(lines.join(u'\n')));
}

void TestMainWindow::channelListAndSearch()
{
    Fixture f = start();
    QVERIFY(f.bob);
    f.bob->send("JOIN #rust");
    f.bob->send("TOPIC #rust :crabs and borrows");
    f.bob->send("JOIN #cooking");
    for (const char *text : {"the build is green", "lunch?", "BUILD red again"})
        f.bob->send(QByteArray("PRIVMSG #lobby :") + text);
    QVERIFY(showsLine(*f.window, QStringLiteral("BUILD red again")));
    // /list opens the channel list, filtered by name or topic.
    QTest::keyClicks(f.window->inputLine(), QStringLiteral("/list borrow"));
    QTest::keyClick(f.window->inputLine(), Qt::Key_Return);
    QTRY_VERIFY(f.window->channelList() && f.window->channelList()->isVisible());
    ChannelListDialog *list = f.window->channelList();
    QCOMPARE(list->filter()->text(), QStringLiteral("borrow"));
    QTRY_COMPARE(list->rowCount(), 1);
    QCOMPARE(list->view()->model()->index(0, 0).data().toString(), QStringLiteral("#rust"));
    QCOMPARE(list->view()->model()->index(0, 2).data().toString(), QStringLiteral("crabs and borrows"));
    list->filter()->clear();
    QTRY_COMPARE(list->rowCount(), 3);
    // Joining from it: the busiest first (#lobby has two users), then by name.
    list->filter()->setText(QStringLiteral("cook"));
    QTRY_COMPARE(list->rowCount(), 1);
    list->view()->setCurrentIndex(list->view()->model()->index(0, 0));
    Q_EMIT list->view()->doubleClicked(list->view()->model()->index(0, 0));
    QVERIFY(f.bob->waitFor([](const IrcMessage &m) {
        return m.command == "JOIN" && m.sourceNick() == "alice" && m.param(0) == "#cooking";
    }));
    // News in a conversation the user left starts below an "unread" line (one at a time).
    QTRY_COMPARE(f.window->conversations()->at(f.window->currentRow()).name, QStringLiteral("#cooking"));
    f.bob->send("PRIVMSG #lobby :news for the lobby");
    f.bob->send("PRIVMSG #lobby :more news");
    QTRY_COMPARE(f.window->conversations()->at(f.window->conversations()->find(1, "#lobby")).unread, 2);
    QVERIFY(f.window->selectConversation(QStringLiteral("#lobby")));
    const QStringList lobby = shownLines(*f.window);
    QCOMPARE(lobby.filter(QStringLiteral("\u2014 unread \u2014")).size(), 1);
    QVERIFY(lobby.at(lobby.size() - 3).endsWith(QStringLiteral("\u2014 unread \u2014")));
    QVERIFY(lobby.at(lobby.size() - 2).endsWith(QStringLiteral("news for the lobby")));
    // Search: the conversation's own lines at once, then the server's history.
    f.window->searchBox()->setText(QStringLiteral("build"));
    Q_EMIT f.window->searchBox()->returnPressed();
    QListWidget *results = f.window->searchResults();
    QVERIFY(results->isVisible());
    QTRY_VERIFY(results->count() > 0 && results->item(0)->text().contains(QStringLiteral("server's history")));
    QCOMPARE(results->item(0)->text(), QStringLiteral("2 matches in the server's history"));
    QCOMPARE(results->count(), 3);
    QVERIFY(results->item(1)->text().endsWith(QStringLiteral("<bob> the build is green")));
    QVERIFY(results->item(2)->text().endsWith(QStringLiteral("<bob> BUILD red again")));
}

#include "tst_mainwindow.moc"
