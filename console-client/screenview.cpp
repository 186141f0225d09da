// SPDX-License-Identifier: MIT
#include "screenview.h"

#include "client/chatcontroller.h"
#include "eventformatter.h"

#include <QSocketNotifier>
#include <QTimer>
#include <QVarLengthArray>
#include <clocale>
#include <curses.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

namespace {
enum Pair : short {
    Normal = 0,
    Error = 1,
    Quiet = 2,
    Highlight = 3,
    Status = 4,
    FirstNick = 5,
    NickColors = 6,
    FirstMirc = 11
};

// mIRC's colours on a terminal: as specified on one with 256 colours; on one with 16 or 8, the
// nearest classic colour, as its bright or plain version.
short terminalColor(int mirc)
{
    static const short eight[16]
        = {COLOR_WHITE,  COLOR_BLACK, COLOR_BLUE, COLOR_GREEN, COLOR_RED,  COLOR_RED,     COLOR_MAGENTA, COLOR_YELLOW,
           COLOR_YELLOW, COLOR_GREEN, COLOR_CYAN, COLOR_CYAN,  COLOR_BLUE, COLOR_MAGENTA, COLOR_BLACK,   COLOR_WHITE};
    if (mirc < 0 || mirc > 98)
        return -1;
    if (COLORS >= 256)
        return short(IrcText::mircToXterm256(mirc));
    const int classic = IrcText::mircNearestClassic(mirc);
    return COLORS >= 16 ? short(IrcText::mircToXterm256(classic)) : eight[classic];
}

int columns(QStringView s)
{
    int width = 0;
    for (const char32_t c : s.toUcs4()) {
        const int w = ::wcwidth(wchar_t(c));
        width += w < 0 ? 1 : w;
    }
    return width;
}

void put(QStringView s)
{
    const std::wstring w = s.toString().toStdWString();
    waddnwstr(stdscr, w.c_str(), int(w.size()));
}
} // namespace

ScreenView::ScreenView(ChatController *controller, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
{
    std::setlocale(LC_ALL, "");
    ::set_escdelay(25);
    initscr();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(Error, COLOR_RED, -1);
        init_pair(Quiet, COLOR_CYAN, -1);
        init_pair(Highlight, COLOR_YELLOW, -1);
        init_pair(Status, COLOR_WHITE, COLOR_BLUE);
        const short nickColors[NickColors]
            = {COLOR_GREEN, COLOR_MAGENTA, COLOR_BLUE, COLOR_YELLOW, COLOR_CYAN, COLOR_RED};
        for (short i = 0; i < NickColors; ++i)
            init_pair(short(FirstNick + i), nickColors[i], -1);
    }
    // Alt+Left and Alt+Right, where the terminal's description names them (xterm's kLFT3, kRIT3);
    // elsewhere their CSI sequences are read by hand (handleEscape).
    for (const auto &[capability, code] : {std::pair {"kLFT3", &m_altLeft}, std::pair {"kRIT3", &m_altRight}}) {
        const char *sequence = tigetstr(capability);
        if (sequence && sequence != reinterpret_cast<char *>(-1))
            if (const int key = key_defined(sequence); key > 0)
                *code = key;
    }
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ScreenView::onKeys);
    connect(controller, &ChatController::event, this, &ScreenView::append);
    connect(controller, &ChatController::statusChanged, this, [this] {
        // A terminated session's windows go with it.
        for (qsizetype i = m_windows.count() - 1; i > 0; --i)
            if (!m_controller->sessionIds().contains(m_windows.at(i).session))
                closeWindow(i);
        drawStatus();
        drawInput();
        doupdate();
    });
    m_markTimer = new QTimer(this);
    m_markTimer->setSingleShot(true);
    connect(m_markTimer, &QTimer::timeout, this, &ScreenView::markCurrentRead);
    m_clock = new QTimer(this);
    m_clock->start(15'000);
    connect(m_clock, &QTimer::timeout, this, [this] {
        drawStatus();
        drawInput();
        doupdate();
    });
    appendLine(
        0, Line {Segment {QStringLiteral("Confab %1. Type /help for commands, /quit to leave. Alt+1..0 or /window N "
                                         "switch windows.")
                              .arg(QStringLiteral(CONFAB_VERSION)),
                          Quiet}});
    redraw();
}

ScreenView::~ScreenView() { endwin(); }

void ScreenView::resize()
{
    winsize ws {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resize_term(ws.ws_row, ws.ws_col);
    clear();
    redraw();
}

short ScreenView::nickColor(const QString &nick)
{
    // The same nick gets the same colour everywhere and every time.
    uint h = 0;
    for (const QChar c : nick)
        h = h * 31 + c.toLower().unicode();
    return short(FirstNick + h % NickColors);
}

int ScreenView::currentSession() const
{
    const WindowList::Window &w = m_windows.currentWindow();
    return w.isStatus() ? m_controller->activeId() : w.session;
}

ScreenView::Line ScreenView::render(const ChatEvent &event, const WindowList::Window &window)
{
    // In its own window a line needs no channel label; in the status window it does.
    const EventFormatter::Line f = EventFormatter::format(event, window.name, IrcText::Style::Marked);
    Line line;
    if (f.skip)
        return line;
    QString time = f.time + u' ';
    // With several sessions open, the status window says whose line it is.
    if (window.isStatus() && event.session > 0 && m_controller->sessionIds().size() > 1)
        time += QStringLiteral("[%1] ").arg(event.session);
    addSegment(line, Segment {time, Quiet, false, true});
    line.indent = columns(time + f.marker + u' ');
    if (f.isError) {
        addSegment(line, Segment {f.marker + u' ' + f.body, Error, true, false});
    } else if (f.isQuiet) {
        addSegment(line, Segment {f.marker + u' ' + f.body, Quiet, false, false});
    } else if (!f.nick.isEmpty() && f.marker.contains(f.nick)) {
        // Colour the nick inside its marker ("<alice>", "-> bob:").
        const qsizetype at = f.marker.indexOf(f.nick);
        addSegment(line, Segment {f.marker.left(at), Normal});
        addSegment(line, Segment {f.nick, nickColor(f.nick), true});
        addSegment(line, Segment {f.marker.mid(at + f.nick.size()) + u' ', Normal});
        addBody(line, f.bodySpans, Segment {{}, f.isHighlight ? short(Highlight) : short(Normal), f.isHighlight});
    } else {
        const Segment base {{}, f.isHighlight ? short(Highlight) : short(Normal)};
        addSegment(line, Segment {f.marker + u' ', base.color});
        if (f.bodySpans.isEmpty())
            addSegment(line, Segment {f.body, base.color});
        else
            addBody(line, f.bodySpans, base);
    }
    return line;
}

void ScreenView::append(const ChatEvent &event)
{
    using T = ChatEvent::Type;
    // The channels the nick shares with us, before the event takes them away (a QUIT, a NICK).
    const QStringList hadNick
        = event.nick.isEmpty() ? QStringList() : m_chat.value(event.session).channelsWith(event.nick);
    m_chat[event.session].apply(event);
    if (event.type == T::State || (event.type == T::Nick && event.own))
        m_ownNick.insert(event.session, event.type == T::State ? event.nick : event.text);

    if (event.type == T::ReadMarker) {
        // Read up to here, perhaps on another device: a window with nothing newer has no news.
        m_readMarkers.insert({event.session, event.channel.toLower()}, event.stamp);
        const qsizetype index = m_windows.find(event.session, event.channel);
        if (index > 0 && event.stamp.isValid()) {
            const QList<PackedLine> &lines = pane(index).lines;
            const auto newest
                = std::find_if(lines.crbegin(), lines.crend(), [](const PackedLine &l) { return l.hasTime(); });
            if (newest == lines.crend() || newest->time() <= event.stamp)
                m_windows.clearActivity(index);
        }
    }
    // A channel joined anew gets its window and is shown; one rejoined after a reconnect keeps
    // its place, and the user stays where they are.
    const bool newWindow = event.type == T::Join && event.own && m_windows.find(event.session, event.channel) < 0;
    const QList<qsizetype> targets = m_windows.route(event, hadNick);
    const WindowList::Activity level = WindowList::activityOf(event);
    for (const qsizetype index : targets) {
        if (event.type == T::NickList) {
            appendNickList(index, event);
            continue;
        }
        if (event.type == T::History) {
            insertHistory(index, event);
            continue;
        }
        Line line = render(event, m_windows.at(index));
        if (line.isEmpty())
            continue;
        if (event.type == T::Message) {
            // Seen already (it came in history too): once is enough.
            Pane &p = pane(index);
            const QByteArray msgid = event.message.msgid.toUtf8();
            if (!msgid.isEmpty() && p.msgids.contains(msgid))
                continue;
            line.msgid = event.message.msgid;
            line.time = event.message.time;
            if (!msgid.isEmpty())
                p.msgids.insert(msgid);
            if (index == m_windows.current())
                scheduleMarkRead();
        }
        if (index != m_windows.current() && level >= WindowList::Activity::Messages
            && m_windows.at(index).activity < WindowList::Activity::Messages && !pane(index).lines.isEmpty()) {
            // The first news since the user left the window: a line marks where it starts.
            Pane &p = pane(index);
            p.lines.removeIf([](const PackedLine &l) { return l.isMarker(); });
            Line marker = separator(tr("unread"));
            marker.marker = true;
            appendLine(index, std::move(marker));
        }
        appendLine(index, std::move(line));
        m_windows.noteActivity(index, level);
    }
    if (event.type == T::Message && event.message.isHighlight)
        ::beep();

    // What the event does to the windows themselves.
    if (event.type == T::Join && event.own) {
        if (newWindow)
            switchTo(m_windows.find(event.session, event.channel));
    } else if (event.type == T::Part && event.own) {
        if (const qsizetype index = m_windows.find(event.session, event.channel); index > 0)
            closeWindow(index);
    } else if (event.type == T::Nick) {
        // A private chat follows its peer's new nick.
        const qsizetype index = m_windows.find(event.session, event.nick);
        if (index > 0 && !m_windows.at(index).isChannel())
            m_windows.rename(index, event.text);
    }
    scheduleRedraw();
}

void ScreenView::scheduleRedraw()
{
    // Once for every event that arrived together (a read of a thousand lines is one redraw, not
    // a thousand): after what is queued now has been handled.
    if (std::exchange(m_redrawPending, true))
        return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_redrawPending = false;
            redraw();
        },
        Qt::QueuedConnection);
}

void ScreenView::appendNickList(qsizetype window, const ChatEvent &event)
{
    // "[Users #lobby]" and the members in columns, operators first, as irssi lays them out.
    QStringList members;
    int widest = 1;
    for (const QString &member : event.list) {
        members.append(IrcText::sanitize(member));
        widest = std::max(widest, columns(members.last()));
    }
    const QString count = members.size() == 1 ? tr("1 user") : tr("%1 users").arg(members.size());
    info(QStringLiteral("%1 (%2)").arg(IrcText::sanitize(event.channel), count), window);
    const QString time = QTime::currentTime().toString(QStringLiteral("[HH:mm] "));
    const int cell = widest + 3; // "[" nick padding "] "
    const int perRow = std::max(1, (COLS - columns(time)) / cell);
    for (qsizetype i = 0; i < members.size(); i += perRow) {
        Line line;
        addSegment(line, Segment {time, Quiet, false, true});
        for (qsizetype k = i; k < std::min(members.size(), i + perRow); ++k) {
            const QString &member = members.at(k);
            const QString nick = ChatState::nickOf(member);
            addSegment(line, Segment {QStringLiteral("[") + member.left(member.size() - nick.size()), Quiet});
            addSegment(line, Segment {nick, nickColor(nick)});
            addSegment(line, Segment {QString(widest - columns(member), u' ') + QStringLiteral("] "), Quiet});
        }
        appendLine(window, std::move(line));
    }
}

ScreenView::Line ScreenView::separator(const QString &text) const
{
    Line line;
    const int width = std::max(10, COLS - 1);
    const int side = std::max(3, (width - columns(text) - 2) / 2);
    addSegment(line,
               Segment {QString(side, u'\u2014') + u' ' + text + u' ' + QString(side, u'\u2014'), Quiet, false, true});
    return line;
}

void ScreenView::insertHistory(qsizetype window, const ChatEvent &event)
{
    Pane &p = pane(window);
    if (event.text == u"search") {
        // The server's search: the matches, copied below as /lastlog shows its own.
        info(tr("Search in %1: %2 matches").arg(IrcText::sanitize(event.channel)).arg(event.messages.size()), window);
        for (const ChatEvent &message : EventFormatter::historyMessages(event))
            appendLine(window, render(message, m_windows.at(window)));
        info(tr("End of search"), window);
        return;
    }
    const bool older = event.text == u"before";
    if (older)
        p.fetching = false;
    QList<Line> lines;
    const QDateTime readUntil = m_readMarkers.value({event.session, event.channel.toLower()});
    bool unreadMarked = false;
    for (const ChatEvent &message : EventFormatter::historyMessages(event)) {
        const QByteArray msgid = message.message.msgid.toUtf8();
        if (!msgid.isEmpty() && p.msgids.contains(msgid))
            continue;
        // Where the user stopped reading, on whichever device.
        if (!older && readUntil.isValid() && !unreadMarked && message.message.time > readUntil && !message.own) {
            if (!lines.isEmpty())
                lines.append(separator(tr("unread")));
            unreadMarked = true;
        }
        Line line = render(message, m_windows.at(window));
        line.msgid = message.message.msgid;
        line.time = message.message.time;
        if (!msgid.isEmpty())
            p.msgids.insert(msgid);
        lines.append(std::move(line));
    }
    if (lines.isEmpty()) {
        if (older && !p.historyDone) {
            p.historyDone = true;
            p.lines.prepend(PackedLine(separator(tr("start of history"))));
        }
        return;
    }
    if (older) {
        // Above everything: the rows counted from the bottom stay where they are.
        QList<PackedLine> packed;
        packed.reserve(lines.size() + p.lines.size());
        for (const Line &line : std::as_const(lines))
            packed.append(PackedLine(line));
        packed.append(p.lines);
        p.lines = std::move(packed);
    } else {
        lines.append(separator(tr("history")));
        for (Line &line : lines)
            appendLine(window, std::move(line));
    }
}

void ScreenView::fetchOlder(qsizetype window)
{
    const WindowList::Window &w = m_windows.at(window);
    Pane &p = pane(window);
    if (w.isStatus() || p.fetching || p.historyDone)
        return;
    const auto oldest = std::find_if(p.lines.cbegin(), p.lines.cend(), [](const PackedLine &l) { return l.hasTime(); });
    if (oldest == p.lines.cend())
        return;
    const ClientSession *s = m_controller->session(w.session);
    if (!s || !s->offersHistory())
        return;
    p.fetching = true;
    m_controller->fetchOlder(w.session, w.name, QString::fromUtf8(oldest->msgid()), oldest->time());
}

void ScreenView::scheduleMarkRead()
{
    if (!m_markTimer->isActive())
        m_markTimer->start(1000);
}

void ScreenView::markCurrentRead()
{
    const WindowList::Window &w = m_windows.currentWindow();
    if (w.isStatus())
        return;
    const QList<PackedLine> &lines = currentPane().lines;
    const auto newest = std::find_if(lines.crbegin(), lines.crend(), [](const PackedLine &l) { return l.hasTime(); });
    if (newest != lines.crend())
        m_controller->markRead(w.session, w.name, newest->time());
}

void ScreenView::switchTo(qsizetype index)
{
    if (index < 0 || index >= m_windows.count())
        return;
    m_windows.setCurrent(index);
    scheduleMarkRead();
    const WindowList::Window &w = m_windows.at(index);
    // The controller sends typed text to the current window's conversation.
    if (!w.isStatus())
        m_controller->setCurrent(w.session, w.name);
    else if (m_controller->activeId() > 0)
        m_controller->setCurrent(m_controller->activeId(), QString());
}

void ScreenView::closeWindow(qsizetype index)
{
    const quint64 id = m_windows.at(index).id;
    const bool wasCurrent = index == m_windows.current();
    if (!m_windows.close(index))
        return;
    m_panes.remove(id);
    if (wasCurrent)
        switchTo(m_windows.current());
}

void ScreenView::info(const QString &text, qsizetype window)
{
    Line line;
    const QString time = QTime::currentTime().toString(QStringLiteral("[HH:mm] "));
    addSegment(line, Segment {time, Quiet, false, true});
    line.indent = columns(time + QStringLiteral("--- "));
    addSegment(line, Segment {QStringLiteral("--- ") + text, Quiet});
    appendLine(window, std::move(line));
}

void ScreenView::runViewCommand(const ChatCommand &cmd)
{
    using K = ChatCommand::Kind;
    const qsizetype here = m_windows.current();
    const QString arg = cmd.args.value(0).trimmed();
    switch (cmd.kind) {
    case K::Window: {
        bool isNumber = false;
        const int n = arg.toInt(&isNumber);
        if (isNumber && n >= 1 && n <= m_windows.count())
            switchTo(n - 1);
        else if (isNumber)
            info(tr("There is no window %1 (1 to %2)").arg(n).arg(m_windows.count()), here);
        else if (arg == u"next")
            switchTo((here + 1) % m_windows.count());
        else if (arg == u"prev")
            switchTo((here + m_windows.count() - 1) % m_windows.count());
        else if (arg == u"close")
            runViewCommand(ChatCommand::parse(QStringLiteral("/close")));
        else if (arg == u"list")
            for (qsizetype i = 0; i < m_windows.count(); ++i) {
                const WindowList::Window &w = m_windows.at(i);
                info(QStringLiteral("%1: %2").arg(i + 1).arg(
                         w.isStatus()
                             ? tr("(status)")
                             : QStringLiteral("%1 (session %2)").arg(IrcText::sanitize(w.name)).arg(w.session)),
                     here);
            }
        else
            info(tr("usage: /window N|next|prev|close|list"), here);
        return;
    }
    case K::Close: {
        const WindowList::Window &w = m_windows.currentWindow();
        if (w.isStatus()) {
            info(tr("The status window stays (/quit to leave)"), here);
        } else if (w.isChannel() && m_chat.value(w.session).contains(w.name)) {
            // Leaving closes it, when the server confirms.
            Q_EMIT lineEntered(QStringLiteral("/part %1").arg(w.name));
        } else {
            closeWindow(here);
        }
        return;
    }
    case K::Clear:
        currentPane() = Pane {};
        return;
    case K::Set: {
        const QString value = cmd.args.value(1).trimmed().toLower();
        bool number = false;
        const int lines = value.toInt(&number);
        if (arg.compare(u"scrollback", Qt::CaseInsensitive) == 0 && number && lines >= MinScrollback
            && lines <= MaxScrollback) {
            setScrollback(lines);
            info(tr("Scrollback: %1 lines per window").arg(lines), here);
            return;
        }
        if (arg.compare(u"nicklist", Qt::CaseInsensitive) != 0 || (value != u"on" && value != u"off")) {
            info(tr("usage: /set nicklist on|off (F7 switches it too), /set scrollback LINES (%1 to %2)")
                     .arg(MinScrollback)
                     .arg(MaxScrollback),
                 here);
            return;
        }
        m_nickPane = value == u"on";
        clear();
        return;
    }
    case K::Lastlog: {
        // The matching lines, copied below, as irssi's /lastlog shows them.
        QList<PackedLine> found;
        for (const PackedLine &line : std::as_const(currentPane().lines))
            if (line.text().contains(arg, Qt::CaseInsensitive))
                found.append(line);
        info(tr("Lastlog: %1 (%2 lines)").arg(arg).arg(found.size()), here);
        for (const PackedLine &line : std::as_const(found))
            appendPacked(here, line);
        info(tr("End of lastlog"), here);
        return;
    }
    default:
        return;
    }
}

void ScreenView::addSegment(Line &line, const Segment &segment)
{
    Segment plain = segment;
    plain.text.clear();
    const QString &t = segment.text;
    for (qsizetype i = 0; i < t.size(); ++i) {
        if (t.at(i) == QChar(IrcText::ControlMark) && i + 1 < t.size()) {
            if (!plain.text.isEmpty()) {
                line.append(plain);
                plain.text.clear();
            }
            Segment control = segment;
            control.text = t.at(++i);
            control.reverse = true;
            // Consecutive placeholder characters ("<9b>") form one reverse run.
            while (i + 2 < t.size() && t.at(i + 1) == QChar(IrcText::ControlMark)) {
                control.text += t.at(i + 2);
                i += 2;
            }
            line.append(control);
        } else {
            plain.text += t.at(i);
        }
    }
    if (!plain.text.isEmpty())
        line.append(plain);
}

void ScreenView::addBody(Line &line, const QList<IrcText::Span> &spans, const Segment &base)
{
    for (const IrcText::Span &span : spans) {
        Segment s = base;
        s.text = span.text;
        const IrcText::Format &f = span.format;
        if (f.foreground >= 0 || f.background >= 0)
            s.color = mircPair(f.foreground, f.background, base.color);
        s.bold = base.bold || f.bold;
        s.italic = f.italic;
        s.underline = f.underline;
        s.reverse = f.reverse;
        addSegment(line, s);
    }
}

short ScreenView::mircPair(int foreground, int background, short fallback)
{
    if (!has_colors())
        return fallback;
    const int key = (foreground + 1) * 128 + background + 1;
    if (const auto it = m_mircPairs.constFind(key); it != m_mircPairs.constEnd())
        return *it;
    const short pair = short(FirstMirc + m_mircPairs.size());
    if (pair >= COLOR_PAIRS)
        return fallback;
    init_pair(pair, terminalColor(foreground), terminalColor(background));
    m_mircPairs.insert(key, pair);
    return pair;
}

void ScreenView::setScrollback(int lines)
{
    m_scrollback = std::clamp(lines, MinScrollback, MaxScrollback);
    for (Pane &p : m_panes) {
        trim(p);
        p.scroll = 0; // what it was scrolled to may be gone
    }
}

void ScreenView::trim(Pane &p)
{
    if (p.lines.size() <= m_scrollback)
        return;
    const qsizetype excess = p.lines.size() - m_scrollback;
    // Their message ids go with them: the set would otherwise grow with every line ever shown.
    for (qsizetype i = 0; i < excess; ++i)
        if (const QByteArray msgid = p.lines.at(i).msgid(); !msgid.isEmpty())
            p.msgids.remove(msgid);
    p.lines.remove(0, excess);
}

void ScreenView::appendLine(qsizetype window, const Line &line) { appendPacked(window, PackedLine(line)); }

void ScreenView::appendPacked(qsizetype window, const PackedLine &line)
{
    Pane &p = pane(window);
    p.lines.append(line);
    trim(p);
    if (p.scroll > 0) {
        // Hold the view still while the user reads back.
        p.scroll += int(wrap(line.unpack(), messageWidth()).size());
        ++p.unseen;
    }
}

QList<ScreenView::Line> ScreenView::wrap(const Line &line, int width) const
{
    // A character, its columns, and where it is in its segment's text (UTF-16 units): a row's
    // pieces are cut from the segments' text, never built character by character.
    struct Cell {
        char32_t c;
        int width;
        qsizetype segment;
        qsizetype at;
        int units;
    };
    QVarLengthArray<Cell, 512> cells;
    for (qsizetype s = 0; s < line.size(); ++s) {
        const QString &text = line.at(s).text;
        for (qsizetype k = 0; k < text.size();) {
            const bool pair = text.at(k).isHighSurrogate() && k + 1 < text.size() && text.at(k + 1).isLowSurrogate();
            const char32_t c = pair ? QChar::surrogateToUcs4(text.at(k), text.at(k + 1)) : text.at(k).unicode();
            cells.append({c, std::max(0, ::wcwidth(wchar_t(c))), s, k, pair ? 2 : 1});
            k += pair ? 2 : 1;
        }
    }
    // Continuation rows start under the text, unless that leaves them too little room.
    const int indent = line.indent < width / 2 ? line.indent : 0;
    QList<Line> rows;
    qsizetype i = 0;
    while (i < qsizetype(cells.size())) {
        const int room = rows.isEmpty() ? width : width - indent;
        int used = 0;
        qsizetype end = i;
        qsizetype lastSpace = -1;
        while (end < cells.size() && used + cells.at(end).width <= room) {
            if (cells.at(end).c == U' ')
                lastSpace = end;
            used += cells.at(end).width;
            ++end;
        }
        if (end < cells.size() && lastSpace > i)
            end = lastSpace + 1; // break after a space, never inside a word that fits on a row
        if (end == i)
            end = i + 1; // wider than the row: it goes on its own
        Line row;
        if (!rows.isEmpty() && indent > 0)
            row.append(Segment {QString(indent, u' ')});
        for (qsizetype k = i; k < end;) {
            // The cells of one segment in this row, as one piece of its text.
            qsizetype last = k;
            while (last + 1 < end && cells.at(last + 1).segment == cells.at(k).segment)
                ++last;
            Segment piece = line.at(cells.at(k).segment);
            piece.text = piece.text.mid(cells.at(k).at, cells.at(last).at + cells.at(last).units - cells.at(k).at);
            row.append(std::move(piece));
            k = last + 1;
        }
        rows.append(row);
        i = end;
        while (!rows.isEmpty() && i < cells.size() && cells.at(i).c == U' ')
            ++i; // a continuation does not start with the space it was broken at
    }
    if (rows.isEmpty())
        rows.append(Line());
    return rows;
}

void ScreenView::drawMessages()
{
    // Row 0 is the topic line; the last two are the status and input lines.
    const int top = 1;
    const int height = LINES - 3;
    if (height <= 0 || COLS <= 0)
        return;
    Pane &p = currentPane();
    // Gather wrapped rows from the bottom up, just enough to fill the pane.
    QList<Line> rows;
    const int need = height + p.scroll;
    for (qsizetype i = p.lines.size() - 1; i >= 0 && rows.size() < need; --i) {
        const QList<Line> wrapped = wrap(p.lines.at(i).unpack(), messageWidth());
        for (qsizetype k = wrapped.size() - 1; k >= 0; --k)
            rows.prepend(wrapped.at(k));
    }
    p.scroll = std::clamp(p.scroll, 0, std::max(0, int(rows.size()) - height));
    if (p.scroll == 0)
        p.unseen = 0;
    const qsizetype first = std::max<qsizetype>(0, rows.size() - height - p.scroll);
    for (int y = 0; y < height; ++y) {
        move(top + y, 0);
        clrtoeol();
        const qsizetype r = first + y;
        if (r >= rows.size() - p.scroll || r >= rows.size())
            continue;
        for (const Segment &seg : rows.at(r)) {
            attr_t attrs = COLOR_PAIR(seg.color);
            if (seg.bold)
                attrs |= A_BOLD;
            if (seg.dim)
                attrs |= A_DIM;
            if (seg.reverse)
                attrs |= A_REVERSE;
            if (seg.italic)
                attrs |= A_ITALIC;
            if (seg.underline)
                attrs |= A_UNDERLINE;
            attron(attrs);
            put(seg.text);
            attroff(attrs);
        }
    }
    drawNickPane(top, height);
    wnoutrefresh(stdscr);
}

int ScreenView::nickPaneWidth() const
{
    // Only for a channel, and only where the messages keep most of the width.
    if (!m_nickPane || !m_windows.currentWindow().isChannel() || COLS < 40)
        return 0;
    return std::min(20, COLS / 4);
}

int ScreenView::messageWidth() const { return std::max(1, COLS - nickPaneWidth()); }

void ScreenView::drawNickPane(int top, int height)
{
    const int width = nickPaneWidth();
    if (width == 0)
        return;
    const WindowList::Window &w = m_windows.currentWindow();
    const QStringList members = m_chat.value(w.session).members(w.name);
    const int x = COLS - width;
    for (int y = 0; y < height; ++y) {
        move(top + y, x);
        clrtoeol();
        attron(COLOR_PAIR(Quiet));
        addch(ACS_VLINE);
        attroff(COLOR_PAIR(Quiet));
        // The last row says how many more there are when they do not all fit.
        if (y == height - 1 && members.size() > height) {
            attron(COLOR_PAIR(Quiet));
            put(tr(" +%1 more").arg(members.size() - height + 1).left(width - 1));
            attroff(COLOR_PAIR(Quiet));
            continue;
        }
        if (y >= members.size())
            continue;
        const QString member = IrcText::sanitize(members.at(y));
        const QString nick = ChatState::nickOf(member);
        QString fitted = u' ' + member;
        while (columns(fitted) > width - 1)
            fitted.chop(1);
        // The status prefix plain, the nick in its colour.
        const qsizetype nickAt = 1 + member.size() - nick.size();
        put(fitted.left(nickAt));
        attron(COLOR_PAIR(nickColor(nick)));
        put(fitted.mid(nickAt));
        attroff(COLOR_PAIR(nickColor(nick)));
    }
}

void ScreenView::drawTopic()
{
    if (LINES < 4)
        return;
    const WindowList::Window &w = m_windows.currentWindow();
    QString text;
    if (w.isStatus())
        text = QStringLiteral(" Confab %1").arg(QStringLiteral(CONFAB_VERSION));
    else if (w.isChannel())
        text = u' ' + IrcText::stripFormatting(m_chat.value(w.session).topic(w.name));
    else
        text = tr(" Private chat with %1").arg(w.name);
    drawBar(0, {{IrcText::sanitize(text), 0}});
}

void ScreenView::drawBar(int y, const QList<std::pair<QString, attr_t>> &pieces)
{
    move(y, 0);
    const attr_t bar = COLOR_PAIR(Status) | (has_colors() ? A_NORMAL : A_REVERSE);
    int width = 0;
    for (const auto &[text, extra] : pieces) {
        QString fitted;
        for (const QChar c : text) {
            const int w = columns(QStringView(&c, 1));
            if (width + w > COLS)
                break;
            fitted += c;
            width += w;
        }
        attron(bar | extra);
        put(fitted);
        attroff(bar | extra);
    }
    attron(bar);
    for (int x = width; x < COLS; ++x)
        addch(' ');
    attroff(bar);
    wnoutrefresh(stdscr);
}

void ScreenView::drawStatus()
{
    const int y = LINES - 2;
    if (y < 0)
        return;
    QList<std::pair<QString, attr_t>> pieces;
    QString text = QTime::currentTime().toString(QStringLiteral(" HH:mm "));
    // First, so that a narrow terminal never cuts it off: the user must know they are scrolled.
    const Pane &p = currentPane();
    if (p.scroll > 0)
        text += p.unseen ? QStringLiteral("| -- more (%1 new) -- ").arg(p.unseen) : QStringLiteral("| -- scrolled -- ");
    const int id = currentSession();
    const ClientSession *s = m_controller->session(id);
    const WindowList::Window &w = m_windows.currentWindow();
    if (s) {
        const QString nick = m_ownNick.value(id, s->options().nick);
        text += QStringLiteral("| %1 | %2:%3 ").arg(nick, s->options().host).arg(s->options().port);
    }
    text += QStringLiteral("| %1:%2")
                .arg(m_windows.current() + 1)
                .arg(w.isStatus() ? tr("status") : IrcText::sanitize(w.name));
    if (w.isChannel()) {
        const qsizetype users = m_chat.value(w.session).nicks(w.name).size();
        text += users == 1 ? tr(" (1 user)") : tr(" (%1 users)").arg(users);
    }
    if (!w.isStatus() && m_controller->sessionIds().size() > 1)
        text += QStringLiteral("/%1").arg(w.session);
    text += u' ';
    if (s)
        text += QStringLiteral("| %1 ").arg(sessionStateName(s->state()));
    else
        text += tr("| no session (/connect HOST PORT) ");
    pieces.append({text, 0});
    // The windows with news, as irssi shows them: messages brighter, highlights in colour.
    const QList<qsizetype> active = m_windows.active();
    if (!active.isEmpty()) {
        pieces.append({QStringLiteral("| Act: "), 0});
        for (qsizetype i = 0; i < active.size(); ++i) {
            const WindowList::Activity level = m_windows.at(active.at(i)).activity;
            const attr_t attrs = level == WindowList::Activity::Highlight  ? attr_t(A_BOLD | A_UNDERLINE)
                                 : level == WindowList::Activity::Messages ? attr_t(A_BOLD)
                                                                           : attr_t(A_DIM);
            pieces.append({QString::number(active.at(i) + 1), attrs});
            if (i + 1 < active.size())
                pieces.append({QStringLiteral(","), 0});
        }
        pieces.append({QStringLiteral(" "), 0});
    }
    drawBar(y, pieces);
}

void ScreenView::drawInput()
{
    const int y = LINES - 1;
    if (y < 0)
        return;
    const WindowList::Window &w = m_windows.currentWindow();
    const QString prompt = w.isStatus() ? QStringLiteral("> ") : QStringLiteral("[%1] ").arg(IrcText::sanitize(w.name));
    const int promptWidth = std::min(columns(prompt), std::max(0, COLS / 2));
    const int room = std::max(1, COLS - promptWidth - 1);
    // Scroll the input horizontally so the cursor stays visible.
    const int cursorCol = columns(QStringView(m_input).left(m_cursor));
    int skipCols = std::max(0, cursorCol - room + 1);
    qsizetype start = 0;
    int skipped = 0;
    while (start < m_input.size() && skipped < skipCols) {
        skipped += columns(QStringView(m_input).mid(start, 1));
        ++start;
    }
    QString visible;
    int width = 0;
    for (qsizetype i = start; i < m_input.size(); ++i) {
        const int w = columns(QStringView(m_input).mid(i, 1));
        if (width + w > room)
            break;
        visible += m_input.at(i);
        width += w;
    }
    move(y, 0);
    clrtoeol();
    attron(A_BOLD);
    put(prompt.left(promptWidth));
    attroff(A_BOLD);
    // Formatting codes typed so far show as reverse letters, as irssi shows them.
    for (const QChar c : std::as_const(visible)) {
        const char16_t code = c.unicode();
        const char shown = code == 0x02   ? 'B'
                           : code == 0x1d ? 'I'
                           : code == 0x1f ? 'U'
                           : code == 0x03 ? 'C'
                           : code == 0x16 ? 'R'
                           : code == 0x0f ? 'O'
                                          : 0;
        if (shown) {
            attron(A_REVERSE);
            addch(shown);
            attroff(A_REVERSE);
        } else {
            put(QStringView(&c, 1));
        }
    }
    move(y, promptWidth + cursorCol - skipped);
    wnoutrefresh(stdscr);
}

void ScreenView::redraw()
{
    drawTopic();
    drawMessages();
    drawStatus();
    drawInput();
    doupdate();
}

void ScreenView::onKeys()
{
    wint_t ch = 0;
    for (;;) {
        const int r = wget_wch(stdscr, &ch);
        if (r == ERR)
            break;
        if (r == KEY_CODE_YES)
            handleKey(int(ch));
        else if (ch == 27)
            handleEscape();
        else
            handleChar(wchar_t(ch));
    }
    redraw();
}

void ScreenView::handleEscape()
{
    wint_t next = 0;
    if (wget_wch(stdscr, &next) == ERR)
        return; // Esc alone
    if (next >= L'0' && next <= L'9') {
        // Alt+1..9 are windows 1-9, Alt+0 is window 10.
        switchTo(next == L'0' ? 9 : qsizetype(next - L'1'));
        return;
    }
    if (next != L'[' && next != L'O')
        return;
    // A CSI sequence the terminal description does not name: "ESC [ 1 ; 3 D" is Alt+Left.
    QString sequence;
    wint_t c = 0;
    while (sequence.size() < 16 && wget_wch(stdscr, &c) != ERR) {
        sequence += QChar(char16_t(c));
        if (c >= 0x40 && c <= 0x7e)
            break;
    }
    const qsizetype count = m_windows.count();
    if (sequence == u"1;3D" || sequence == u"1;9D")
        switchTo((m_windows.current() + count - 1) % count);
    else if (sequence == u"1;3C" || sequence == u"1;9C")
        switchTo((m_windows.current() + 1) % count);
}

void ScreenView::handleChar(wchar_t ch)
{
    if (ch != L'\t')
        m_completer.reset();
    switch (ch) {
    case L'\r':
    case L'\n':
        submit();
        return;
    case 127:
    case 8: // Backspace
        if (m_cursor > 0)
            m_input.remove(--m_cursor, 1);
        return;
    case 1: // Ctrl-A
        m_cursor = 0;
        return;
    case 5: // Ctrl-E
        m_cursor = int(m_input.size());
        return;
    case 24: // Ctrl-X: kill to the start (Ctrl-U is underline, as in other IRC clients)
        m_input.remove(0, m_cursor);
        m_cursor = 0;
        return;
    case 2:    // Ctrl-B: bold
    case 31:   // Ctrl-_: italic (Ctrl-I is Tab on a terminal)
    case 21:   // Ctrl-U: underline
    case 11:   // Ctrl-K: colour, then its number ("4", "4,1")
    case 18:   // Ctrl-R: reverse
    case 15: { // Ctrl-O: back to plain
        const char16_t code = ch == 2    ? 0x02
                              : ch == 31 ? 0x1d
                              : ch == 21 ? 0x1f
                              : ch == 11 ? 0x03
                              : ch == 18 ? 0x16
                                         : 0x0f;
        m_input.insert(m_cursor++, QChar(code));
        return;
    }
    case 23: { // Ctrl-W: kill the word before the cursor
        int start = m_cursor;
        while (start > 0 && m_input.at(start - 1) == u' ')
            --start;
        while (start > 0 && m_input.at(start - 1) != u' ')
            --start;
        m_input.remove(start, m_cursor - start);
        m_cursor = start;
        return;
    }
    case 12: // Ctrl-L
        clear();
        return;
    case 14: // Ctrl-N: the next window
        switchTo((m_windows.current() + 1) % m_windows.count());
        return;
    case 16: // Ctrl-P: the previous window
        switchTo((m_windows.current() + m_windows.count() - 1) % m_windows.count());
        return;
    case L'\t':
        complete();
        return;
    default:
        break;
    }
    if (ch < 0x20 || ch == 0x7f)
        return; // other control keys do nothing
    const QString text = QString::fromUcs4(reinterpret_cast<const char32_t *>(&ch), 1);
    m_input.insert(m_cursor, text);
    m_cursor += int(text.size());
}

void ScreenView::handleKey(int key)
{
    m_completer.reset();
    const int page = std::max(1, LINES - 3);
    switch (key) {
    case KEY_ENTER:
        submit();
        break;
    case KEY_BACKSPACE:
        if (m_cursor > 0)
            m_input.remove(--m_cursor, 1);
        break;
    case KEY_DC:
        if (m_cursor < m_input.size())
            m_input.remove(m_cursor, 1);
        break;
    case KEY_LEFT:
        m_cursor = std::max(0, m_cursor - 1);
        break;
    case KEY_RIGHT:
        m_cursor = std::min(int(m_input.size()), m_cursor + 1);
        break;
    case KEY_HOME:
        m_cursor = 0;
        break;
    case KEY_END:
        m_cursor = int(m_input.size());
        break;
    case KEY_UP:
    case KEY_DOWN:
        if (const std::optional<QString> line = key == KEY_UP ? m_history.older(m_input) : m_history.newer()) {
            m_input = *line;
            m_cursor = int(m_input.size());
        }
        break;
    case KEY_PPAGE: {
        Pane &p = currentPane();
        p.scroll += page;
        // Past the top: what came before, from the server.
        int rows = 0;
        for (qsizetype i = p.lines.size() - 1; i >= 0 && rows <= p.scroll + LINES; --i)
            rows += int(wrap(p.lines.at(i).unpack(), messageWidth()).size());
        if (p.scroll + std::max(1, LINES - 3) >= rows)
            fetchOlder(m_windows.current());
        break;
    }
    case KEY_NPAGE:
        currentPane().scroll = std::max(0, currentPane().scroll - page);
        break;
    case KEY_RESIZE:
        resize();
        break;
    case KEY_F(7): // the nick list beside a channel's messages, as irssi's nicklist script shows it
        m_nickPane = !m_nickPane;
        clear();
        break;
    default:
        if (key == m_altLeft)
            switchTo((m_windows.current() + m_windows.count() - 1) % m_windows.count());
        else if (key == m_altRight)
            switchTo((m_windows.current() + 1) % m_windows.count());
        break;
    }
}

void ScreenView::submit()
{
    const QString line = m_input;
    m_input.clear();
    m_cursor = 0;
    currentPane().scroll = 0;
    m_history.add(line);
    if (line.trimmed().isEmpty())
        return;
    const ChatCommand command = ChatCommand::parse(line);
    if (command.isViewCommand()) {
        runViewCommand(command);
        return;
    }
    if (command.kind == ChatCommand::Kind::Join) {
        // A channel we are in already: its window, as irssi does.
        const QString name = command.args.value(0);
        const qsizetype window
            = m_windows.find(currentSession(), name.startsWith(u'#') || name.startsWith(u'&') ? name : u'#' + name);
        if (window > 0) {
            switchTo(window);
            return;
        }
    }
    Q_EMIT lineEntered(line);
}

void ScreenView::complete()
{
    const WindowList::Window &w = m_windows.currentWindow();
    QStringList nicks = w.isChannel()  ? m_chat.value(w.session).nicks(w.name)
                        : w.isStatus() ? QStringList()
                                       : QStringList {w.name};
    nicks.removeAll(m_ownNick.value(w.session));
    if (const std::optional<NickCompleter::Result> r = m_completer.complete(m_input, m_cursor, nicks)) {
        m_input = r->text;
        m_cursor = r->cursor;
    }
}
