// SPDX-License-Identifier: MIT
// The full-screen terminal client, driven through tmux: real terminal, real keys, real screen.

#include "testserver.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace {
// One tmux server of our own (-L), one window running confab.
class Tmux {
public:
    // A socket of its own per instance: a new server must not race the last one's shutdown.
    Tmux()
        : m_socket(QStringLiteral("confab-test-%1-%2").arg(QCoreApplication::applicationPid()).arg(++s_count))
    {
    }
    ~Tmux() { run({"kill-server"}); }

    bool start(const QString &command, int width = 80, int height = 20)
    {
        return run(
            {"new-session", "-d", "-s", "t", "-x", QString::number(width), "-y", QString::number(height), command});
    }
    bool keys(const QStringList &keys) { return run(QStringList {"send-keys", "-t", "t"} + keys); }
    bool literal(const QString &text) { return run({"send-keys", "-t", "t", "-l", text}); }
    // With `attributes`, SGR sequences mark colours and reverse video (capture-pane -e).
    QString screen(bool attributes = false)
    {
        QProcess p;
        QStringList args {"-L", m_socket, "capture-pane", "-t", "t", "-p"};
        if (attributes)
            args << "-e";
        p.start(QStringLiteral("tmux"), args);
        p.waitForFinished(5000);
        return QString::fromUtf8(p.readAllStandardOutput());
    }
    QStringList lines() { return screen().split(u'\n'); }
    bool waitForScreen(const std::function<bool(const QString &)> &pred, int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return pred(screen()); }, timeoutMs);
    }
    bool waitFor(const QString &text, int timeoutMs = 10000)
    {
        return waitForScreen([&](const QString &s) { return s.contains(text); }, timeoutMs);
    }
    bool alive()
    {
        QProcess p;
        p.start(QStringLiteral("tmux"), {"-L", m_socket, "has-session", "-t", "t"});
        p.waitForFinished(5000);
        return p.exitCode() == 0;
    }
    bool run(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral("tmux"), QStringList {"-L", m_socket} + args);
        return p.waitForFinished(5000) && p.exitCode() == 0;
    }

private:
    static inline int s_count = 0;
    QString m_socket;
};

QString clientCommand(quint16 port, const QString &nick)
{
    return QStringLiteral("%1 127.0.0.1:%2 --nick %3").arg(QStringLiteral(CONFAB_CLIENT_BINARY)).arg(port).arg(nick);
}
} // namespace

class TestConsoleScreen : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void typingWhileMessagesArrive();
    void statusLineAndCompletion();
    void windowsAndActivity();
    void lastlogClearAndClose();
    void historyOnJoinAndScrollBack();
    void hostileTextAndWideCharacters();
    void scrollbackAndResize();
    void wrapsAtSpacesUnderTheText();
    void formattingIsDrawnAndTyped();
    void quitLeavesCleanly();
    void ctrlCLeavesCleanly();
    void asksForNickname();
    void reconnectsWhenServerReturns();

private:
    struct Setup {
        std::unique_ptr<TestServer> server;
        std::unique_ptr<RawClient> bob;
        std::unique_ptr<Tmux> tmux;
    };
    Setup start(int width = 80, int height = 20);
};

void TestConsoleScreen::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("tmux")).isEmpty())
        QSKIP("tmux is not installed (resources/scripts/run-tests.sh installs it)");
}

TestConsoleScreen::Setup TestConsoleScreen::start(int width, int height)
{
    Setup s;
    s.server = std::make_unique<TestServer>();
    if (!s.server->start())
        return s;
    s.bob = s.server->client("bob");
    s.tmux = std::make_unique<Tmux>();
    if (!s.bob || !s.tmux->start(clientCommand(s.server->port(), "alice"), width, height))
        return s;
    // Ready when alice has joined and her screen says so.
    if (!s.bob->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == "alice"; })
        || !s.tmux->waitFor(QStringLiteral("alice joined #lobby")))
        s.bob.reset();
    return s;
}

void TestConsoleScreen::typingWhileMessagesArrive()
{
    Setup s = start();
    QVERIFY(s.bob);
    QVERIFY(s.tmux->literal(QStringLiteral("half-typed draft")));
    QVERIFY(s.tmux->waitFor(QStringLiteral("[#lobby] half-typed draft")));
    for (int i = 1; i <= 30; ++i)
        s.bob->send("PRIVMSG #lobby :incoming number " + QByteArray::number(i));
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> incoming number 30")));
    // The messages are on screen at once, and the input line is exactly as typed.
    const QStringList lines = s.tmux->lines();
    QVERIFY2(lines.contains(QStringLiteral("[#lobby] half-typed draft")), qPrintable(lines.join(u'\n')));
    // Typing goes on where it left off.
    QVERIFY(s.tmux->literal(QStringLiteral(" finished")));
    QVERIFY(s.tmux->keys({"Enter"}));
    const auto got
        = s.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.sourceNick() == "alice"; });
    QVERIFY(got);
    QCOMPARE(got->params.at(1), QByteArray("half-typed draft finished"));
    QVERIFY(s.tmux->waitFor(QStringLiteral("<alice> half-typed draft finished")));
    QVERIFY(
        s.tmux->waitForScreen([](const QString &scr) { return scr.trimmed().endsWith(QStringLiteral("[#lobby]")); }));
}

void TestConsoleScreen::wrapsAtSpacesUnderTheText()
{
    Setup s = start(40, 20);
    QVERIFY(s.bob);
    s.bob->send("PRIVMSG #lobby :alpha beta gamma delta epsilon zeta eta theta iota kappa lambda");
    QVERIFY(s.tmux->waitFor(QStringLiteral("lambda")));
    // "[HH:mm] <bob> " is 14 columns: the text goes on under itself, broken between words.
    QStringList rows = s.tmux->lines();
    for (QString &row : rows)
        row.remove(QRegularExpression(QStringLiteral("\\s+$")));
    const qsizetype first
        = rows.indexOf(QRegularExpression(QStringLiteral("^\\[\\d\\d:\\d\\d\\] <bob> alpha beta gamma delta$")));
    QVERIFY2(first >= 0, qPrintable(rows.join(u'\n')));
    QCOMPARE(rows.value(first + 1), QString(14, u' ') + QStringLiteral("epsilon zeta eta theta"));
    QCOMPARE(rows.value(first + 2), QString(14, u' ') + QStringLiteral("iota kappa lambda"));
}

void TestConsoleScreen::formattingIsDrawnAndTyped()
{
    Setup s = start();
    QVERIFY(s.bob);
    s.bob->send("PRIVMSG #lobby :plain \x02"
                "fat\x02 \x1d"
                "slanted\x1d \x1f"
                "lined\x1f \x03"
                "04,01hot\x03 \x16"
                "flip\x16 end");
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> plain fat slanted lined hot flip end")));
    // Each run with its attributes (SGR before it): bold 1, italic 3, underline 4, reverse 7,
    // and red on black (tmux writes the colours as 30-37/90-97 and 40-47/100-107).
    const QString scr = s.tmux->screen(true);
    // The parameters of the SGR sequences right before a word ("\e[91m\e[40mhot": 91, 40).
    const auto sgrBefore = [&](const QString &word) {
        static const QRegularExpression sgr(QStringLiteral("\x1b\\[([0-9;]*)m$"));
        QStringList params;
        QString before = scr.left(std::max<qsizetype>(0, scr.indexOf(word)));
        for (QRegularExpressionMatch m = sgr.match(before); m.hasMatch(); m = sgr.match(before)) {
            params += m.captured(1).split(u';');
            before.chop(m.capturedLength());
        }
        return params;
    };
    QVERIFY2(sgrBefore("fat").contains("1"), qPrintable(scr));
    QVERIFY2(sgrBefore("slanted").contains("3"), qPrintable(scr));
    QVERIFY2(sgrBefore("lined").contains("4"), qPrintable(scr));
    QVERIFY2(sgrBefore("flip").contains("7"), qPrintable(scr));
    const QStringList hot = sgrBefore("hot");
    QVERIFY2((hot.contains("91") || hot.contains("31")) && hot.contains("40"), qPrintable(hot.join(u';')));
    QVERIFY2(!sgrBefore(" end").contains("1"), qPrintable(scr));

    // Typed: Ctrl-B and Ctrl-K 4 show as reverse letters, and go out as the codes.
    QVERIFY(s.tmux->keys({"C-b"}));
    QVERIFY(s.tmux->literal(QStringLiteral("strong")));
    QVERIFY(s.tmux->keys({"C-b", "C-k"}));
    QVERIFY(s.tmux->literal(QStringLiteral("4red")));
    QVERIFY(s.tmux->waitFor(QStringLiteral("[#lobby] BstrongBC4red")));
    QVERIFY(s.tmux->keys({"Enter"}));
    const auto sent
        = s.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.sourceNick() == "alice"; });
    QVERIFY(sent);
    QCOMPARE(sent->params.at(1), QByteArray("\x02strong\x02\x03"
                                            "4red"));
}

void TestConsoleScreen::statusLineAndCompletion()
{
    Setup s = start();
    QVERIFY(s.bob);
    QVERIFY(s.tmux->waitForScreen([&](const QString &scr) {
        return scr.contains(
            QStringLiteral("| alice | 127.0.0.1:%1 | 2:#lobby (2 users) | connected").arg(s.server->port()));
    }));
    auto carol = s.server->client("carol");
    QVERIFY(carol);
    QVERIFY(s.tmux->waitFor(QStringLiteral("#lobby (3 users)")));
    // /names lays the members out in columns, operators first.
    QVERIFY(s.tmux->literal(QStringLiteral("/names")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("[@bob ] [alice] [carol]")));
    // The nick pane: the members down the right side, beside the messages (F7 or /set).
    QVERIFY(s.tmux->keys({"F7"}));
    QVERIFY(s.tmux->waitForScreen([](const QString &scr) {
        const QStringList rows = scr.split(u'\n');
        return rows.size() > 3 && rows.at(1).endsWith(QStringLiteral("\u2502 @bob"))
               && rows.at(2).endsWith(QStringLiteral("\u2502 alice"))
               && rows.at(3).endsWith(QStringLiteral("\u2502 carol"));
    }));
    QVERIFY(s.tmux->literal(QStringLiteral("/set nicklist off")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitForScreen([](const QString &scr) { return !scr.contains(QStringLiteral("\u2502 @bob")); }));
    // Tab completes nicks; a second Tab cycles to the next match.
    QVERIFY(s.tmux->literal(QStringLiteral("hi c")));
    QVERIFY(s.tmux->keys({"Tab"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("[#lobby] hi carol")));
    QVERIFY(s.tmux->keys({"C-x"}));
    QVERIFY(s.tmux->literal(QStringLiteral("b")));
    QVERIFY(s.tmux->keys({"Tab"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("[#lobby] bob:")));
    // Editing: Home, then text at the start; Ctrl-W removes a word.
    QVERIFY(s.tmux->keys({"Home"}));
    QVERIFY(s.tmux->literal(QStringLiteral("@")));
    QVERIFY(s.tmux->keys({"End"}));
    QVERIFY(s.tmux->literal(QStringLiteral("private words"))); // completion left "bob: "
    QVERIFY(s.tmux->keys({"C-w"}));
    // (capture-pane drops trailing spaces)
    QVERIFY(s.tmux->waitForScreen([](const QString &scr) {
        return scr.contains(QStringLiteral("[#lobby] @bob: private")) && !scr.contains(QStringLiteral("words"));
    }));
    QVERIFY(s.tmux->keys({"C-x"}));
    QVERIFY(s.tmux->literal(QStringLiteral("@bob just for you")));
    QVERIFY(s.tmux->keys({"Enter"}));
    const auto pm = s.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(0) == "bob"; });
    QVERIFY(pm);
    QCOMPARE(pm->params.at(1), QByteArray("just for you"));
    QVERIFY(s.tmux->waitFor(QStringLiteral("-> bob: just for you")));
    // History: Up brings the last line back.
    QVERIFY(s.tmux->keys({"Up"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("[#lobby] @bob just for you")));
}

void TestConsoleScreen::windowsAndActivity()
{
    Setup s = start(90, 16);
    QVERIFY(s.bob);
    // The topic line at the top follows the current window.
    s.bob->send("TOPIC #lobby :welcome to the lobby");
    QVERIFY(s.tmux->waitForScreen(
        [](const QString &scr) { return scr.startsWith(QStringLiteral(" welcome to the lobby")); }));
    // A joined channel gets a window of its own, and becomes the current one.
    QVERIFY(s.tmux->literal(QStringLiteral("/join #second")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 3:#second (1 user)")));
    QVERIFY(!s.tmux->screen().contains(QStringLiteral("welcome to the lobby")));
    // A line in another window is news at once: the activity list says where.
    s.bob->send("PRIVMSG #lobby :meanwhile in the lobby");
    QVERIFY(s.tmux->waitFor(QStringLiteral("| Act: 2")));
    QVERIFY(!s.tmux->screen().contains(QStringLiteral("meanwhile")));
    // A private message opens a window for it, and is a highlight.
    s.bob->send("PRIVMSG alice :psst");
    QVERIFY(s.tmux->waitFor(QStringLiteral("| Act: 2,4")));
    // Highlights are drawn apart from plain news (underlined; the plain one is bold).
    const QString attributes = s.tmux->screen(true);
    QVERIFY2(attributes.contains(QRegularExpression(QStringLiteral("\x1b\[[0-9;]*4[0-9;]*m4"))),
             qPrintable(attributes));
    QVERIFY2(!attributes.contains(QRegularExpression(QStringLiteral("\x1b\[[0-9;]*4[0-9;]*m2"))),
             qPrintable(attributes));
    // Alt+2 goes to the lobby, and its news is read.
    QVERIFY(s.tmux->keys({"M-2"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> meanwhile in the lobby")));
    // Below the line that marks where the news starts.
    {
        const QString scr = s.tmux->screen();
        const qsizetype marker = scr.indexOf(QStringLiteral(" unread "));
        QVERIFY2(marker >= 0 && marker < scr.indexOf(QStringLiteral("meanwhile in the lobby")), qPrintable(scr));
    }
    QVERIFY(s.tmux->waitFor(QStringLiteral("| Act: 4")));
    QVERIFY(s.tmux->waitFor(QStringLiteral(" welcome to the lobby")));
    // The private chat reads as a conversation, and what is typed there goes to bob.
    QVERIFY(s.tmux->keys({"M-4"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> psst")));
    QVERIFY(s.tmux->waitFor(QStringLiteral(" Private chat with bob")));
    QVERIFY(s.tmux->literal(QStringLiteral("hi back")));
    QVERIFY(s.tmux->keys({"Enter"}));
    const auto reply
        = s.bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(0) == "bob"; });
    QVERIFY(reply);
    QCOMPARE(reply->params.at(1), QByteArray("hi back"));
    QVERIFY(s.tmux->waitFor(QStringLiteral("<alice> hi back")));
    // Ctrl+P, Ctrl+N and /window move between them; Alt+1 is the status window.
    QVERIFY(s.tmux->keys({"C-p"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 3:#second")));
    QVERIFY(s.tmux->keys({"C-n"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 4:bob")));
    QVERIFY(s.tmux->literal(QStringLiteral("/window 2")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 2:#lobby")));
    QVERIFY(s.tmux->keys({"M-1"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 1:status")));
    QVERIFY(s.tmux->waitFor(QStringLiteral("Connecting to 127.0.0.1")));
    // /join of a channel we are in goes to its window.
    QVERIFY(s.tmux->literal(QStringLiteral("/j #second")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 3:#second")));
}

void TestConsoleScreen::lastlogClearAndClose()
{
    Setup s = start(90, 16);
    QVERIFY(s.bob);
    for (const char *text : {"the build is green", "lunch?", "the build is red again", "coffee"})
        s.bob->send(QByteArray("PRIVMSG #lobby :") + text);
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> coffee")));
    QVERIFY(s.tmux->literal(QStringLiteral("/lastlog BUILD")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("End of lastlog")));
    const QString scr = s.tmux->screen();
    QVERIFY2(scr.contains(QStringLiteral("Lastlog: BUILD (2 lines)")), qPrintable(scr));
    const QString found = scr.mid(scr.indexOf(QStringLiteral("Lastlog: BUILD")));
    QVERIFY(found.contains(QStringLiteral("the build is green"))
            && found.contains(QStringLiteral("the build is red again")));
    QVERIFY(!found.contains(QStringLiteral("coffee")));
    // /clear empties the window, and only it.
    QVERIFY(s.tmux->literal(QStringLiteral("/clear")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitForScreen([](const QString &scr) { return !scr.contains(QStringLiteral("coffee")); }));
    s.bob->send("PRIVMSG #lobby :after the clear");
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> after the clear")));
    // /close leaves the channel and closes its window; the status window stays.
    QVERIFY(s.tmux->literal(QStringLiteral("/close")));
    QVERIFY(s.tmux->keys({"Enter"}));
    const auto part
        = s.bob->waitFor([](const IrcMessage &m) { return m.command == "PART" && m.sourceNick() == "alice"; });
    QVERIFY(part);
    QVERIFY(s.tmux->waitFor(QStringLiteral("| 1:status")));
    QVERIFY(s.tmux->waitFor(QStringLiteral("alice left #lobby")));
    QVERIFY(s.tmux->literal(QStringLiteral("/close")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("The status window stays")));
}

void TestConsoleScreen::historyOnJoinAndScrollBack()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    for (int i = 1; i <= 60; ++i)
        bob->send("PRIVMSG #lobby :said " + QByteArray::number(i));
    QVERIFY(bob->sync());
    Tmux tmux;
    QVERIFY(tmux.start(clientCommand(server.port(), "alice"), 80, 16));
    // The latest page on joining, above a separator, and live lines below it.
    QVERIFY(tmux.waitFor(QStringLiteral("<bob> said 60")));
    QVERIFY(tmux.waitFor(QStringLiteral(" history ")));
    bob->send("PRIVMSG #lobby :live now");
    QVERIFY(tmux.waitFor(QStringLiteral("<bob> live now")));
    {
        const QString scr = tmux.screen();
        QVERIFY2(scr.indexOf(QStringLiteral("said 60")) < scr.indexOf(QStringLiteral(" history "))
                     && scr.indexOf(QStringLiteral(" history ")) < scr.indexOf(QStringLiteral("live now")),
                 qPrintable(scr));
    }
    // PageUp past the top fetches what came before, until there is nothing older.
    static const QRegularExpression first(QStringLiteral("<bob> said 1\\n"));
    static const QRegularExpression start(QStringLiteral("start of history"));
    bool sawFirst = false;
    for (int i = 0; i < 30 && !(sawFirst && tmux.screen().contains(start)); ++i) {
        QVERIFY(tmux.keys({"PPage"}));
        // Each press either shows more or asks the server; the next press looks again.
        sawFirst = sawFirst || tmux.waitForScreen([](const QString &scr) { return scr.contains(first); }, 300);
    }
    QVERIFY2(sawFirst, qPrintable(tmux.screen()));
    QVERIFY(tmux.waitFor(QStringLiteral("start of history")));
    // Each line once: nothing was shown twice where history and live lines meet.
    QVERIFY(tmux.keys({"End"}));
    QVERIFY(tmux.literal(QStringLiteral("/lastlog said 5")));
    QVERIFY(tmux.keys({"Enter"}));
    QVERIFY(tmux.waitFor(QStringLiteral("Lastlog: said 5 (11 lines)")));
}

void TestConsoleScreen::hostileTextAndWideCharacters()
{
    Setup s = start();
    QVERIFY(s.bob);
    s.bob->send("PRIVMSG #lobby :before the attack");
    QVERIFY(s.tmux->waitFor(QStringLiteral("before the attack")));
    s.bob->send("PRIVMSG #lobby :\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[31mred");
    s.bob->send("PRIVMSG #lobby :\xe4\xbd\xa0\xe5\xa5\xbd wide \xf0\x9f\x98\x80 ok");
    QVERIFY(s.tmux->waitFor(QStringLiteral("ok")));
    const QString scr = s.tmux->screen();
    // Nothing was cleared or moved: the earlier line is still there, the attack is visible text,
    // each control character a reverse-video letter as irssi draws it (ESC is a reverse "[").
    QVERIFY(scr.contains(QStringLiteral("before the attack")));
    QVERIFY2(scr.contains(QStringLiteral("<bob> [[2J[[H[]0;pwnedG[[31mred")), qPrintable(scr));
    const QString withAttributes = s.tmux->screen(true);
    QVERIFY2(withAttributes.contains(QStringLiteral("\x1b[7m[")), qPrintable(withAttributes));
    QVERIFY(scr.contains(QStringLiteral("<bob> \u4f60\u597d wide")));
    QVERIFY(s.tmux->alive());
}

void TestConsoleScreen::scrollbackAndResize()
{
    Setup s = start(80, 12);
    QVERIFY(s.bob);
    for (int i = 1; i <= 40; ++i)
        s.bob->send("PRIVMSG #lobby :line " + QByteArray::number(i));
    QVERIFY(s.tmux->waitFor(QStringLiteral("<bob> line 40")));
    QVERIFY(!s.tmux->screen().contains(QStringLiteral("<bob> line 25\n")));
    QVERIFY(s.tmux->keys({"PageUp"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("-- scrolled --")));
    QVERIFY(!s.tmux->screen().contains(QStringLiteral("<bob> line 40")));
    s.bob->send("PRIVMSG #lobby :arrived while scrolled");
    QVERIFY(s.tmux->waitFor(QStringLiteral("more (1 new)")));
    // The view held still while the new line arrived, so it is one row further down than a page.
    QVERIFY(s.tmux->keys({"PageDown"}));
    QVERIFY(s.tmux->keys({"PageDown"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("arrived while scrolled")));
    QVERIFY(!s.tmux->screen().contains(QStringLiteral("-- more")));
    // A smaller scrollback keeps the newest lines: 21 to 40 and the last one, nothing older.
    QVERIFY(s.tmux->literal(QStringLiteral("/set scrollback 21")));
    QVERIFY(s.tmux->keys({"Enter"}));
    QVERIFY(s.tmux->waitFor(QStringLiteral("Scrollback: 21 lines per window")));
    // The setting's own notice is the newest line now: bob's lines 22 to 40 are left, and each
    // /lastlog adds two lines more (so 24 is the oldest left for the second).
    for (const auto &[line, count] : {std::pair {"line 21", 0}, std::pair {"line 24", 1}}) {
        QVERIFY(s.tmux->literal(QStringLiteral("/lastlog <bob> %1").arg(QLatin1String(line))));
        QVERIFY(s.tmux->keys({"Enter"}));
        const QString header = QStringLiteral("Lastlog: <bob> %1 (%2 lines)").arg(QLatin1String(line)).arg(count);
        QVERIFY2(s.tmux->waitFor(header), qPrintable(s.tmux->screen()));
    }
    // A narrower window: the status line is redrawn to fit and long lines wrap.
    QVERIFY(s.tmux->run({"resize-window", "-t", "t", "-x", "40", "-y", "12"}));
    s.bob->send("PRIVMSG #lobby :" + QByteArray("this line is long enough to wrap in forty columns, surely"));
    QVERIFY(s.tmux->waitFor(QStringLiteral("surely")));
    for (const QString &line : s.tmux->lines())
        QVERIFY2(line.size() <= 40, qPrintable(line));
}

void TestConsoleScreen::quitLeavesCleanly()
{
    Setup s = start();
    QVERIFY(s.bob);
    QVERIFY(s.tmux->literal(QStringLiteral("/quit see you")));
    QVERIFY(s.tmux->keys({"Enter"}));
    const auto quit = s.bob->waitForCommand("QUIT");
    QVERIFY(quit);
    QCOMPARE(quit->params.at(0), QByteArray("Quit: see you"));
    QVERIFY(QTest::qWaitFor([&] { return !s.tmux->alive(); }, 10000)); // the client exited
}

void TestConsoleScreen::ctrlCLeavesCleanly()
{
    Setup s = start();
    QVERIFY(s.bob);
    QVERIFY(s.tmux->keys({"C-c"}));
    const auto quit = s.bob->waitForCommand("QUIT");
    QVERIFY(quit);
    QCOMPARE(quit->sourceNick(), QByteArray("alice"));
    QVERIFY(QTest::qWaitFor([&] { return !s.tmux->alive(); }, 10000));
}

void TestConsoleScreen::asksForNickname()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Tmux tmux;
    QVERIFY(tmux.start(QStringLiteral("%1 127.0.0.1:%2").arg(QStringLiteral(CONFAB_CLIENT_BINARY)).arg(server.port())));
    QVERIFY(tmux.waitFor(QStringLiteral("Enter your nickname:")));
    QVERIFY(tmux.literal(QStringLiteral("prompted")));
    QVERIFY(tmux.keys({"Enter"}));
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == "prompted"; }));
    QVERIFY(tmux.waitFor(QStringLiteral("| prompted |")));
}

void TestConsoleScreen::reconnectsWhenServerReturns()
{
    auto server = std::make_unique<TestServer>();
    QVERIFY(server->start());
    const quint16 port = server->port();
    Tmux tmux;
    QVERIFY(tmux.start(clientCommand(port, "alice")));
    QVERIFY(tmux.waitFor(QStringLiteral("alice joined #lobby")));
    server.reset();
    // The user is told, and the status line says so.
    QVERIFY(tmux.waitFor(QStringLiteral("Disconnected: Closing Link")));
    QVERIFY(tmux.waitFor(QStringLiteral("Reconnecting in")));
    QVERIFY(tmux.literal(QStringLiteral("typed while away")));
    QVERIFY(tmux.keys({"Enter"}));
    // The user goes to the status window meanwhile: rejoining will not take them away from it.
    QVERIFY(tmux.keys({"M-1"}));
    QVERIFY(tmux.waitFor(QStringLiteral("| 1:status")));

    ServerConfig config = TestServer::defaultConfig();
    config.listen = {{QHostAddress(QHostAddress::LocalHost), port}};
    TestServer again(config);
    QVERIFY(again.start());
    auto bob = again.client("bob");
    QVERIFY(bob);
    const auto msg = bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; }, 20000);
    QVERIFY(msg);
    QCOMPARE(msg->params.at(1), QByteArray("typed while away"));
    QVERIFY(tmux.waitFor(QStringLiteral("| connected")));
    // The rejoin is news in window 2, and the status window is still the one shown.
    QVERIFY(tmux.waitFor(QStringLiteral("Act: 2")));
    QVERIFY(tmux.screen().contains(QStringLiteral("| 1:status")));
}

QTEST_GUILESS_MAIN(TestConsoleScreen)
#include "tst_consolescreen.moc"
