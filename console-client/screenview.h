#pragma once

#include "client/chatevent.h"
#include "client/inputhistory.h"
#include "client/nickcompleter.h"
#include "text/irctext.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

class ChatController;
class QSocketNotifier;
class QTimer;

// The full-screen terminal interface (ncursesw): a scrolling message pane, a status line and an
// input line with editing, history and nick completion. Input is read from the event loop one
// key at a time, so a message arriving while the user types is drawn at once and the input line
// is redrawn intact under it: nothing ever blocks on the keyboard.
class ScreenView : public QObject {
    Q_OBJECT
public:
    explicit ScreenView(ChatController *controller, QObject *parent = nullptr);
    ~ScreenView() override;

    void resize();

Q_SIGNALS:
    void lineEntered(const QString &line);

private:
    struct Segment {
        QString text;
        short color = 0;
        bool bold = false;
        bool dim = false;
        bool reverse = false; // a control-character placeholder, or IRC's reverse
        bool italic = false;
        bool underline = false;
    };
    // A line's coloured pieces, and the column its text starts at (after the time and the
    // nick), under which wrapped rows continue.
    struct Line : QList<Segment> {
        using QList<Segment>::QList;
        int indent = 0;
    };

    void onKeys();
    void handleChar(wchar_t ch);
    void handleKey(int key);
    void submit();
    void complete();
    void append(const ChatEvent &event);
    void appendLine(Line line);
    // Splits a segment at the sanitiser's control marks into normal and reverse-video parts.
    static void addSegment(Line &line, const Segment &segment);
    // A message body's formatted runs, on top of `base` (its colour and weight).
    void addBody(Line &line, const QList<IrcText::Span> &spans, const Segment &base);
    // The colour pair for an mIRC foreground and background (-1: the terminal's default),
    // made on first use; `fallback` when the terminal has no colours or no pairs are left.
    short mircPair(int foreground, int background, short fallback);
    void redraw();
    void drawMessages();
    void drawStatus();
    void drawInput();
    QList<Line> wrap(const Line &line, int width) const;
    static short nickColor(const QString &nick);

    ChatController *m_controller;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_clock = nullptr;
    QHash<int, short> m_mircPairs; // (foreground, background) -> colour pair
    QList<Line> m_lines;
    int m_scroll = 0; // rows scrolled back from the bottom
    int m_unseen = 0; // lines that arrived while scrolled back
    QString m_input;
    int m_cursor = 0;
    InputHistory m_history;
    NickCompleter m_completer;
};
