#include "screenview.h"

#include "client/chatcontroller.h"
#include "eventformatter.h"

#include <QSocketNotifier>
#include <QTimer>
#include <clocale>
#include <curses.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

namespace {
constexpr int MaxLines = 5000;
enum Pair : short { Normal = 0, Error = 1, Quiet = 2, Highlight = 3, Status = 4, FirstNick = 5, NickColors = 6, FirstMirc = 11 };

// mIRC's 16 colours on a terminal: on one with 16 colours, the bright ones are the bright
// ones; on one with 8, their nearest.
short terminalColor(int mirc)
{
    static const short sixteen[16] = {15, 0, 4, 2, 9, 1, 5, 3, 11, 10, 6, 14, 12, 13, 8, 7};
    static const short eight[16] = {COLOR_WHITE, COLOR_BLACK, COLOR_BLUE,   COLOR_GREEN,   COLOR_RED,  COLOR_RED,
                                    COLOR_MAGENTA, COLOR_YELLOW, COLOR_YELLOW, COLOR_GREEN, COLOR_CYAN, COLOR_CYAN,
                                    COLOR_BLUE, COLOR_MAGENTA, COLOR_BLACK, COLOR_WHITE};
    if (mirc < 0 || mirc > 15)
        return -1; // the extended colours 16-98 are drawn in the default colour
    return COLORS >= 16 ? sixteen[mirc] : eight[mirc];
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
        const short nickColors[NickColors] = {COLOR_GREEN, COLOR_MAGENTA, COLOR_BLUE, COLOR_YELLOW, COLOR_CYAN, COLOR_RED};
        for (short i = 0; i < NickColors; ++i)
            init_pair(short(FirstNick + i), nickColors[i], -1);
    }
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ScreenView::onKeys);
    connect(controller, &ChatController::event, this, &ScreenView::append);
    connect(controller, &ChatController::statusChanged, this, [this] {
        drawStatus();
        drawInput();
        doupdate();
    });
    m_clock = new QTimer(this);
    m_clock->start(15'000);
    connect(m_clock, &QTimer::timeout, this, [this] {
        drawStatus();
        drawInput();
        doupdate();
    });
    appendLine(Line{Segment{QStringLiteral("Confab %1. Type /help for commands, /quit to leave.").arg(QStringLiteral(CONFAB_VERSION)), Quiet}});
    redraw();
}

ScreenView::~ScreenView()
{
    endwin();
}

void ScreenView::resize()
{
    winsize ws{};
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

void ScreenView::append(const ChatEvent &event)
{
    const EventFormatter::Line f =
        EventFormatter::format(event, m_controller->currentTarget(event.session), IrcText::Style::Marked);
    if (f.skip)
        return;
    Line line;
    addSegment(line, Segment{f.time + u' ', Quiet, false, true});
    line.indent = columns(f.time + u' ' + f.marker + u' ');
    if (f.isError) {
        addSegment(line, Segment{f.marker + u' ' + f.body, Error, true, false});
    } else if (f.isQuiet) {
        addSegment(line, Segment{f.marker + u' ' + f.body, Quiet, false, false});
    } else if (!f.nick.isEmpty() && f.marker.contains(f.nick)) {
        // Colour the nick inside its marker ("<alice>", "-> bob:").
        const qsizetype at = f.marker.indexOf(f.nick);
        addSegment(line, Segment{f.marker.left(at), Normal});
        addSegment(line, Segment{f.nick, nickColor(f.nick), true});
        addSegment(line, Segment{f.marker.mid(at + f.nick.size()) + u' ', Normal});
        addBody(line, f.bodySpans, Segment{{}, f.isHighlight ? short(Highlight) : short(Normal), f.isHighlight});
    } else {
        const Segment base{{}, f.isHighlight ? short(Highlight) : short(Normal)};
        addSegment(line, Segment{f.marker + u' ', base.color});
        if (f.bodySpans.isEmpty())
            addSegment(line, Segment{f.body, base.color});
        else
            addBody(line, f.bodySpans, base);
    }
    if (event.type == ChatEvent::Type::Message && f.isHighlight)
        ::beep();
    appendLine(std::move(line));
    drawMessages();
    drawStatus();
    drawInput(); // puts the cursor back where the user is typing
    doupdate();
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

void ScreenView::appendLine(Line line)
{
    m_lines.append(std::move(line));
    if (m_lines.size() > MaxLines)
        m_lines.remove(0, m_lines.size() - MaxLines);
    if (m_scroll > 0) {
        // Hold the view still while the user reads back.
        m_scroll += int(wrap(m_lines.last(), std::max(1, COLS)).size());
        ++m_unseen;
    }
}

QList<ScreenView::Line> ScreenView::wrap(const Line &line, int width) const
{
    struct Cell {
        char32_t c;
        int width;
        qsizetype segment;
    };
    QList<Cell> cells;
    for (qsizetype s = 0; s < line.size(); ++s)
        for (const char32_t c : line.at(s).text.toUcs4())
            cells.append({c, std::max(0, ::wcwidth(wchar_t(c))), s});
    // Continuation rows start under the text, unless that leaves them too little room.
    const int indent = line.indent < width / 2 ? line.indent : 0;
    QList<Line> rows;
    qsizetype i = 0;
    while (i < cells.size()) {
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
            row.append(Segment{QString(indent, u' ')});
        for (qsizetype k = i; k < end; ++k) {
            const Segment &from = line.at(cells.at(k).segment);
            if (k == i || cells.at(k).segment != cells.at(k - 1).segment) {
                Segment piece = from;
                piece.text.clear();
                row.append(piece);
            }
            row.last().text += QString::fromUcs4(&cells.at(k).c, 1);
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
    const int height = LINES - 2;
    if (height <= 0 || COLS <= 0)
        return;
    // Gather wrapped rows from the bottom up, just enough to fill the pane.
    QList<Line> rows;
    const int need = height + m_scroll;
    for (qsizetype i = m_lines.size() - 1; i >= 0 && rows.size() < need; --i) {
        const QList<Line> wrapped = wrap(m_lines.at(i), COLS);
        for (qsizetype k = wrapped.size() - 1; k >= 0; --k)
            rows.prepend(wrapped.at(k));
    }
    m_scroll = std::clamp(m_scroll, 0, std::max(0, int(rows.size()) - height));
    if (m_scroll == 0)
        m_unseen = 0;
    const qsizetype first = std::max<qsizetype>(0, rows.size() - height - m_scroll);
    for (int y = 0; y < height; ++y) {
        move(y, 0);
        clrtoeol();
        const qsizetype r = first + y;
        if (r >= rows.size() - m_scroll || r >= rows.size())
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
    wnoutrefresh(stdscr);
}

void ScreenView::drawStatus()
{
    const int y = LINES - 2;
    if (y < 0)
        return;
    ClientSession *s = m_controller->activeSession();
    QString text = QTime::currentTime().toString(QStringLiteral(" HH:mm "));
    // First, so that a narrow terminal never cuts it off: the user must know they are scrolled.
    if (m_scroll > 0)
        text += m_unseen ? QStringLiteral("| -- more (%1 new) -- ").arg(m_unseen) : QStringLiteral("| -- scrolled -- ");
    if (s) {
        const QString target = m_controller->currentTarget();
        text += QStringLiteral("| %1 | %2:%3 ").arg(s->nick().isEmpty() ? s->options().nick : s->nick(),
                                                   s->options().host).arg(s->options().port);
        if (!target.isEmpty()) {
            text += QStringLiteral("| %1").arg(target);
            if (s->isChannel(target))
                text += QStringLiteral(" (%1 users)").arg(s->users(target).size());
            text += u' ';
        }
        text += QStringLiteral("| %1 ").arg(sessionStateName(s->state()));
        if (m_controller->sessionIds().size() > 1)
            text += QStringLiteral("| session %1 of %2 ").arg(m_controller->activeId()).arg(m_controller->sessionIds().size());
    } else {
        text += QStringLiteral("| no session (/connect HOST PORT) ");
    }
    move(y, 0);
    attron(COLOR_PAIR(Status) | A_REVERSE * !has_colors());
    int width = 0;
    QString fitted;
    for (const QChar c : text) {
        const int w = columns(QStringView(&c, 1));
        if (width + w > COLS)
            break;
        fitted += c;
        width += w;
    }
    put(fitted);
    for (int x = width; x < COLS; ++x)
        addch(' ');
    attroff(COLOR_PAIR(Status) | A_REVERSE * !has_colors());
    wnoutrefresh(stdscr);
}

void ScreenView::drawInput()
{
    const int y = LINES - 1;
    if (y < 0)
        return;
    const QString target = m_controller->currentTarget();
    const QString prompt = (target.isEmpty() ? QStringLiteral("> ") : QStringLiteral("[%1] ").arg(target));
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
        const char shown = code == 0x02 ? 'B' : code == 0x1d ? 'I' : code == 0x1f ? 'U' : code == 0x03 ? 'C'
                                             : code == 0x16 ? 'R' : code == 0x0f ? 'O' : 0;
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
        else
            handleChar(wchar_t(ch));
    }
    drawMessages();
    drawStatus();
    drawInput();
    doupdate();
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
        const char16_t code = ch == 2 ? 0x02 : ch == 31 ? 0x1d : ch == 21 ? 0x1f : ch == 11 ? 0x03 : ch == 18 ? 0x16 : 0x0f;
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
    case KEY_PPAGE:
        m_scroll += page;
        break;
    case KEY_NPAGE:
        m_scroll = std::max(0, m_scroll - page);
        break;
    case KEY_RESIZE:
        resize();
        break;
    default:
        break;
    }
}

void ScreenView::submit()
{
    const QString line = m_input;
    m_input.clear();
    m_cursor = 0;
    m_scroll = 0;
    m_history.add(line);
    if (!line.trimmed().isEmpty())
        Q_EMIT lineEntered(line);
}

void ScreenView::complete()
{
    ClientSession *s = m_controller->activeSession();
    if (!s)
        return;
    QStringList nicks = s->users(m_controller->currentTarget());
    nicks.removeAll(s->nick());
    if (const std::optional<NickCompleter::Result> r = m_completer.complete(m_input, m_cursor, nicks)) {
        m_input = r->text;
        m_cursor = r->cursor;
    }
}
