#include "irctext.h"

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
        for (int n = 0; n < 2 && j + 1 < text.size() && text.at(j + 1).unicode() >= u'0' && text.at(j + 1).unicode() <= u'9'; ++n) {
            value = (value < 0 ? 0 : value * 10) + (text.at(j + 1).unicode() - u'0');
            ++j;
        }
        return value;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        bool *toggle = c == 0x02 ? &format.bold
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

} // namespace IrcText
