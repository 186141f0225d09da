// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

// Turning IRC bytes into text a view can show safely.
namespace IrcText {
// IRC carries bytes. Valid UTF-8 is decoded as such; anything else is taken as Latin-1, as
// irssi and WeeChat do, so that no byte is lost or turned into a replacement character.
QString decode(const QByteArray &bytes);

// Makes network text harmless for a terminal: every C0 control (but TAB), DEL and C1 control is
// shown as a visible placeholder, so that no peer can move the cursor, change colours, retitle
// the window or inject input. ESC [ 3 1 m becomes "^[[31m". IRC formatting codes (bold 0x02,
// colour 0x03, ...) are removed first, with their colour arguments, since a terminal view draws
// its own colours.
//
// In Marked style each placeholder is preceded by ControlMark instead of drawn with '^', so that
// a view can render it in reverse video as irssi and WeeChat do (ESC as a reverse "["). A
// ControlMark already present in the input is itself turned into a placeholder, so no peer can
// forge one.
enum class Style { Caret, Marked };
inline constexpr char16_t ControlMark = 0xE000;
QString sanitize(const QString &text, Style style = Style::Caret);

// IRC formatting: what a run of text looks like. Colours are mIRC's numbers (0-15 the classic
// ones, 16-98 the extended), -1 for the default.
struct Format {
    bool bold = false;
    bool italic = false;
    bool underline = false;
    bool strikethrough = false;
    bool monospace = false;
    bool reverse = false;
    int foreground = -1;
    int background = -1;
    bool operator==(const Format &) const = default;
};
struct Span {
    QString text; // formatting codes removed; control characters left for sanitize()
    Format format;
};
// The text cut where its formatting changes (bold 0x02, italic 0x1D, underline 0x1F,
// strikethrough 0x1E, monospace 0x11, reverse 0x16, colour 0x03 with its numbers, reset 0x0F;
// hex colours 0x04 are removed with their arguments and not drawn).
QList<Span> spans(const QString &text);

// mIRC colour n (0-98) as the xterm 256-colour index a terminal draws it with (the table of
// modern.ircdocs.horse's formatting page for 16-98), and as RGB (0xRRGGBB: mIRC's own for 0-15,
// the xterm colour's for the rest); -1 outside 0-98.
int mircToXterm256(int n);
qint64 mircToRgb(int n);
// The classic colour (0-15) nearest to colour n, for terminals with 16 or 8 colours.
int mircNearestClassic(int n);

// Removes IRC formatting codes (and colour arguments), leaving control characters alone.
QString stripFormatting(const QString &text);
} // namespace IrcText
