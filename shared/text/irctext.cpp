// SPDX-License-Identifier: MIT
#include "irctext.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include <QStringDecoder>

namespace IrcText {

QString decode(const QByteArray &bytes)
{
    QStringDecoder utf8(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    QString text = utf8(bytes);
    if (!utf8.hasError())
        return text;
    return QString::fromLatin1(bytes);
}

QList<Span> spans(const QString &text)
{
    QList<Span> out;
    Format format;
    QString run;
    auto flush = [&] {
        if (run.isEmpty())
            return;
        if (!out.isEmpty() && out.last().format == format)
            out.last().text += run;
        else
            out.append({run, format});
        run.clear();
    };
    // One or two ASCII digits after text[j]; -2 when there are none.
    auto number = [&](qsizetype &j) {
        int value = -2;
        for (int n = 0;
             n < 2 && j + 1 < text.size() && text.at(j + 1).unicode() >= u'0' && text.at(j + 1).unicode() <= u'9';
             ++n) {
            value = (value < 0 ? 0 : value * 10) + (text.at(j + 1).unicode() - u'0');
            ++j;
        }
        return value;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        bool *toggle = c == 0x02   ? &format.bold
                       : c == 0x1d ? &format.italic
                       : c == 0x1f ? &format.underline
                       : c == 0x1e ? &format.strikethrough
                       : c == 0x11 ? &format.monospace
                       : c == 0x16 ? &format.reverse
                                   : nullptr;
        if (toggle) {
            flush();
            *toggle = !*toggle;
        } else if (c == 0x0f) {
            flush();
            format = Format();
        } else if (c == 0x03) {
            // ^C[fg[,bg]] with one or two digits each; ^C alone ends the colours. 99: default.
            flush();
            const int fg = number(i);
            if (fg == -2) {
                format.foreground = format.background = -1;
                continue;
            }
            format.foreground = fg == 99 ? -1 : fg;
            if (i + 2 < text.size() && text.at(i + 1) == u',' && text.at(i + 2).unicode() >= u'0'
                && text.at(i + 2).unicode() <= u'9') {
                ++i;
                const int bg = number(i);
                format.background = bg == 99 ? -1 : bg;
            }
        } else if (c == 0x04) {
            // ^D hex colour: RRGGBB[,RRGGBB]. Skipped (with its arguments): not drawn.
            flush();
            auto hex = [&](qsizetype at) {
                if (at + 6 > text.size())
                    return false;
                for (qsizetype k = at; k < at + 6; ++k)
                    if (!isxdigit(text.at(k).toLatin1()))
                        return false;
                return true;
            };
            if (hex(i + 1)) {
                i += 6;
                if (i + 1 < text.size() && text.at(i + 1) == u',' && hex(i + 2))
                    i += 7;
            }
        } else {
            run.append(text.at(i));
        }
    }
    flush();
    return out;
}

QString stripFormatting(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const Span &span : spans(text))
        out += span.text;
    return out;
}

QString sanitize(const QString &text, Style style)
{
    const QString plain = stripFormatting(text);
    QString out;
    out.reserve(plain.size());
    const QChar mark = style == Style::Marked ? QChar(ControlMark) : QChar(u'^');
    auto placeholder = [&](const QString &shown) {
        if (style == Style::Marked) {
            for (const QChar c : shown) {
                out.append(mark);
                out.append(c);
            }
        } else {
            out.append(shown);
        }
    };
    for (const QChar ch : plain) {
        const char16_t c = ch.unicode();
        if (c == u'\t') {
            out.append(u' ');
        } else if (c < 0x20) {
            // ESC -> ^[, BEL -> ^G
            if (style == Style::Marked)
                placeholder(QString(QChar(char16_t(c + 0x40))));
            else
                out.append(u'^').append(QChar(char16_t(c + 0x40)));
        } else if (c == 0x7f) {
            placeholder(style == Style::Marked ? QStringLiteral("?") : QStringLiteral("^?"));
        } else if (c >= 0x80 && c < 0xa0) {
            placeholder(QStringLiteral("<%1>").arg(int(c), 2, 16, QLatin1Char('0')));
        } else if (c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
                   || (c >= 0x2066 && c <= 0x2069) || c == ControlMark) {
            // Line separators and bidirectional overrides can reorder or split what is shown.
            placeholder(QStringLiteral("<U+%1>").arg(int(c), 4, 16, QLatin1Char('0')).toUpper());
        } else {
            out.append(ch);
        }
    }
    return out;
}

namespace {
// The xterm index of mIRC's extended colours 16-98, row by row as the specification lists them.
constexpr int ExtendedXterm[83] = {
    52,  94,  100, 58,  22,  29,  23,  24,  17,  54,  53,  89,  // 16-27
    88,  130, 142, 64,  28,  35,  30,  25,  18,  91,  90,  125, // 28-39
    124, 166, 184, 106, 34,  49,  37,  33,  19,  129, 127, 161, // 40-51
    196, 208, 226, 154, 46,  86,  51,  75,  21,  171, 201, 198, // 52-63
    203, 215, 227, 191, 83,  122, 87,  111, 63,  177, 207, 205, // 64-75
    217, 223, 229, 193, 157, 158, 159, 153, 147, 183, 219, 212, // 76-87
    16,  233, 235, 237, 239, 241, 244, 247, 250, 254, 231,      // 88-98
};
// mIRC's own RGB for the classic 16.
constexpr qint64 ClassicRgb[16] = {0xffffff, 0x000000, 0x00007f, 0x009300, 0xff0000, 0x7f0000, 0x9c009c, 0xfc7f00,
                                   0xffff00, 0x00fc00, 0x009393, 0x00ffff, 0x0000fc, 0xff00ff, 0x7f7f7f, 0xd2d2d2};
// The classic 16 as a terminal's first 16 colours number them.
constexpr int ClassicXterm[16] = {15, 0, 4, 2, 9, 1, 5, 3, 11, 10, 6, 14, 12, 13, 8, 7};

qint64 xtermRgb(int index)
{
    if (index < 16)
        return ClassicRgb[std::find(std::begin(ClassicXterm), std::end(ClassicXterm), index)
                          - std::begin(ClassicXterm)];
    if (index >= 232) {
        const int v = 8 + (index - 232) * 10;
        return (qint64(v) << 16) | (v << 8) | v;
    }
    // The 6x6x6 cube: levels 0, 95, 135, 175, 215, 255.
    const int c = index - 16;
    const auto level = [](int x) { return x == 0 ? 0 : 55 + x * 40; };
    return (qint64(level(c / 36)) << 16) | (level(c / 6 % 6) << 8) | level(c % 6);
}
} // namespace

int mircToXterm256(int n)
{
    if (n < 0 || n > 98)
        return -1;
    return n < 16 ? ClassicXterm[n] : ExtendedXterm[n - 16];
}

qint64 mircToRgb(int n)
{
    if (n < 0 || n > 98)
        return -1;
    return n < 16 ? ClassicRgb[n] : xtermRgb(ExtendedXterm[n - 16]);
}

int mircNearestClassic(int n)
{
    if (n < 16)
        return n < 0 ? -1 : n;
    const qint64 rgb = mircToRgb(n);
    int best = 0;
    qint64 bestDistance = std::numeric_limits<qint64>::max();
    for (int i = 0; i < 16; ++i) {
        const qint64 dr = ((rgb >> 16) & 0xff) - ((ClassicRgb[i] >> 16) & 0xff);
        const qint64 dg = ((rgb >> 8) & 0xff) - ((ClassicRgb[i] >> 8) & 0xff);
        const qint64 db = (rgb & 0xff) - (ClassicRgb[i] & 0xff);
        const qint64 distance = dr * dr + dg * dg + db * db;
        if (distance < bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

} // namespace IrcText
