// SPDX-License-Identifier: MIT
#pragma once

#include "client/chatcommand.h"
#include "client/chatevent.h"
#include "client/chatstate.h"
#include "client/inputhistory.h"
#include "client/nickcompleter.h"
#include "packedline.h"
#include "screenline.h"
#include "text/irctext.h"
#include "windowlist.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

class ChatController;
class QSocketNotifier;
class QTimer;

// The full-screen terminal interface (ncursesw), laid out as irssi is: a topic line, the current
// window's messages, a status line with the activity list, and an input line with editing,
// history and nick completion. Each channel and private chat has a window (WindowList); Alt+1..0,
// Alt+arrows and Ctrl+N/P switch between them. Input is read from the event loop one key at a
// time, so a message arriving while the user types is drawn at once and the input line is
// redrawn intact under it: nothing ever blocks on the keyboard.
class ScreenView : public QObject {
    Q_OBJECT
public:
    explicit ScreenView(ChatController *controller, QObject *parent = nullptr);
    ~ScreenView() override;

    // Lines each window keeps (--scrollback, /set scrollback); the oldest go first.
    static constexpr int DefaultScrollback = 5000;
    static constexpr int MinScrollback = 10;
    static constexpr int MaxScrollback = 1'000'000;
    void setScrollback(int lines);

    void resize();

Q_SIGNALS:
    void lineEntered(const QString &line);

private:
    using Segment = ScreenSegment;
    using Line = ScreenLine;

    // One window's lines and how far it is scrolled back.
    struct Pane {
        QList<PackedLine> lines;  // packed: a window may keep a million
        int scroll = 0;           // rows scrolled back from the bottom
        int unseen = 0;           // lines that arrived while scrolled back
        QSet<QByteArray> msgids;  // of the messages shown, in UTF-8
        bool fetching = false;    // older history asked for
        bool historyDone = false; // the server has nothing older
    };

    void onKeys();
    // ESC read: Alt+digit, Alt+arrow (as a CSI sequence ncurses did not know), or a bare Esc.
    void handleEscape();
    void switchTo(qsizetype index);
    // A typed command about the view itself (/window, /close, /clear, /lastlog).
    void runViewCommand(const ChatCommand &command);
    void closeWindow(qsizetype index);
    Pane &pane(qsizetype index) { return m_panes[m_windows.at(index).id]; }
    Pane &currentPane() { return pane(m_windows.current()); }
    // The session the current window belongs to (the active one for the status window).
    int currentSession() const;
    void info(const QString &text, qsizetype window);
    void handleChar(wchar_t ch);
    void handleKey(int key);
    void submit();
    void complete();
    void append(const ChatEvent &event);
    Line render(const ChatEvent &event, const WindowList::Window &window);
    void appendLine(qsizetype window, const Line &line);
    void appendPacked(qsizetype window, const PackedLine &line);
    // Drops the oldest lines beyond the scrollback.
    void trim(Pane &pane);
    void appendNickList(qsizetype window, const ChatEvent &event);
    // History's messages: "latest" below what is shown, then a separator (and an unread line
    // where the user stopped reading); "before" above it all.
    void insertHistory(qsizetype window, const ChatEvent &event);
    // A line of text across the window ("--- history ---"), dim.
    Line separator(const QString &text) const;
    // Scrolled to the top: ask for what came before.
    void fetchOlder(qsizetype window);
    // The user sees the current window: how far it is read goes to the server, soon.
    void scheduleMarkRead();
    void markCurrentRead();
    // Splits a segment at the sanitiser's control marks into normal and reverse-video parts.
    static void addSegment(Line &line, const Segment &segment);
    // A message body's formatted runs, on top of `base` (its colour and weight).
    void addBody(Line &line, const QList<IrcText::Span> &spans, const Segment &base);
    // The colour pair for an mIRC foreground and background (-1: the terminal's default),
    // made on first use; `fallback` when the terminal has no colours or no pairs are left.
    short mircPair(int foreground, int background, short fallback);
    void redraw();
    void scheduleRedraw();
    void drawTopic();
    // The nick pane (F7, /set nicklist on): the current channel's members down the right side.
    int nickPaneWidth() const;
    int messageWidth() const;
    void drawNickPane(int top, int height);
    // A line in the status colours: pieces with attributes of their own, cut at the edge.
    void drawBar(int y, const QList<std::pair<QString, unsigned int>> &pieces);
    void drawMessages();
    void drawStatus();
    void drawInput();
    QList<Line> wrap(const Line &line, int width) const;
    static short nickColor(const QString &nick);

    ChatController *m_controller;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_clock = nullptr;
    QHash<int, short> m_mircPairs; // (foreground, background) -> colour pair
    WindowList m_windows;
    QHash<quint64, Pane> m_panes;                        // by window id
    QHash<int, ChatState> m_chat;                        // each session's channels, from its events alone
    QHash<int, QString> m_ownNick;                       // each session's nick, from its events
    QHash<QPair<int, QString>, QDateTime> m_readMarkers; // (session, folded target) -> read up to
    QTimer *m_markTimer = nullptr;
    bool m_nickPane = false;
    bool m_redrawPending = false;
    int m_scrollback = DefaultScrollback;
    int m_altLeft = -1; // the key codes ncurses gives Alt+arrows, if it knows them
    int m_altRight = -1;
    QString m_input;
    int m_cursor = 0;
    InputHistory m_history;
    NickCompleter m_completer;
};
