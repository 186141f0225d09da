// SPDX-License-Identifier: MIT
// Draws a terminal screen, as `tmux capture-pane -e -p` writes it (text with SGR sequences), to a
// PNG: the terminal client's screenshot for the README (resources/scripts/screenshot.sh).

#include <QFile>
#include <QFont>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <cstdio>
#include <cwchar>

namespace {
struct Attributes {
    int foreground = -1; // xterm colour index; -1 the terminal's own
    int background = -1;
    bool bold = false;
    bool dim = false;
    bool italic = false;
    bool underline = false;
    bool reverse = false;
};

QColor xterm(int index)
{
    static const QRgb sixteen[16] = {0x1e1e1e, 0xcd3131, 0x0dbc79, 0xe5e510, 0x2472c8, 0xbc3fbc, 0x11a8cd, 0xe5e5e5,
                                     0x666666, 0xf14c4c, 0x23d18b, 0xf5f543, 0x3b8eea, 0xd670d6, 0x29b8db, 0xffffff};
    if (index < 16)
        return QColor(sixteen[index]);
    if (index >= 232) {
        const int v = 8 + (index - 232) * 10;
        return QColor(v, v, v);
    }
    const int c = index - 16;
    const auto level = [](int x) { return x == 0 ? 0 : 55 + x * 40; };
    return QColor(level(c / 36), level(c / 6 % 6), level(c % 6));
}

// One SGR sequence's parameters applied to the attributes.
void apply(Attributes &a, const QList<int> &params)
{
    for (qsizetype i = 0; i < params.size(); ++i) {
        const int p = params.at(i);
        if (p == 0)
            a = Attributes();
        else if (p == 1)
            a.bold = true;
        else if (p == 2)
            a.dim = true;
        else if (p == 3)
            a.italic = true;
        else if (p == 4)
            a.underline = true;
        else if (p == 7)
            a.reverse = true;
        else if (p == 22)
            a.bold = a.dim = false;
        else if (p == 23)
            a.italic = false;
        else if (p == 24)
            a.underline = false;
        else if (p == 27)
            a.reverse = false;
        else if (p >= 30 && p <= 37)
            a.foreground = p - 30;
        else if (p >= 90 && p <= 97)
            a.foreground = p - 90 + 8;
        else if (p >= 40 && p <= 47)
            a.background = p - 40;
        else if (p >= 100 && p <= 107)
            a.background = p - 100 + 8;
        else if (p == 39)
            a.foreground = -1;
        else if (p == 49)
            a.background = -1;
        else if ((p == 38 || p == 48) && i + 2 < params.size() && params.at(i + 1) == 5) {
            (p == 38 ? a.foreground : a.background) = params.at(i + 2);
            i += 2;
        }
    }
}
} // namespace

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    if (argc != 5) {
        std::fprintf(stderr, "usage: confab-terminal-screenshot CAPTURE.txt COLUMNS ROWS OUTPUT.png\n");
        return 2;
    }
    QFile in(QString::fromLocal8Bit(argv[1]));
    if (!in.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    const int columns = std::atoi(argv[2]);
    const int rows = std::atoi(argv[3]);
    const QStringList lines = QString::fromUtf8(in.readAll()).split(u'\n');

    QFont font(QStringLiteral("DejaVu Sans Mono"));
    font.setPixelSize(15);
    font.setStyleHint(QFont::Monospace);
    const QFontMetrics metrics(font);
    const int cellWidth = metrics.horizontalAdvance(u'M');
    const int cellHeight = metrics.height() + 2;
    const int margin = 10;
    QImage image(columns * cellWidth + 2 * margin, rows * cellHeight + 2 * margin, QImage::Format_RGB32);
    const QColor defaultBackground(0x1e, 0x1e, 0x1e), defaultForeground(0xd4, 0xd4, 0xd4);
    image.fill(defaultBackground);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::TextAntialiasing);

    Attributes attributes;
    for (int y = 0; y < rows && y < lines.size(); ++y) {
        const QString &line = lines.at(y);
        int x = 0;
        for (qsizetype i = 0; i < line.size();) {
            if (line.at(i) == u'\x1b' && i + 1 < line.size() && line.at(i + 1) == u'[') {
                const qsizetype end = line.indexOf(u'm', i + 2);
                if (end < 0)
                    break;
                QList<int> params;
                for (const QString &p : line.mid(i + 2, end - i - 2).split(u';'))
                    params.append(p.isEmpty() ? 0 : p.toInt());
                apply(attributes, params);
                i = end + 1;
                continue;
            }
            const char32_t c = line.at(i).isHighSurrogate() && i + 1 < line.size()
                                   ? QChar::surrogateToUcs4(line.at(i), line.at(i + 1))
                                   : char32_t(line.at(i).unicode());
            const qsizetype length = c > 0xffff ? 2 : 1;
            const int width = std::max(1, ::wcwidth(wchar_t(c)));
            QColor foreground
                = attributes.foreground >= 0
                      ? xterm(attributes.foreground + (attributes.bold && attributes.foreground < 8 ? 8 : 0))
                      : defaultForeground;
            QColor background = attributes.background >= 0 ? xterm(attributes.background) : defaultBackground;
            if (attributes.reverse)
                std::swap(foreground, background);
            if (attributes.dim)
                foreground = foreground.darker(150);
            const QRect cell(margin + x * cellWidth, margin + y * cellHeight, width * cellWidth, cellHeight);
            painter.fillRect(cell, background);
            QFont f = font;
            f.setBold(attributes.bold);
            f.setItalic(attributes.italic);
            f.setUnderline(attributes.underline);
            painter.setFont(f);
            painter.setPen(foreground);
            painter.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter, line.mid(i, length));
            x += width;
            i += length;
        }
        // A line's last attributes (a status bar's colour) fill the rest of its row.
        if (attributes.background >= 0 || attributes.reverse) {
            const QColor fill = attributes.reverse ? defaultForeground : xterm(attributes.background);
            painter.fillRect(
                QRect(margin + x * cellWidth, margin + y * cellHeight, (columns - x) * cellWidth, cellHeight), fill);
        }
    }
    painter.end();
    if (!image.save(QString::fromLocal8Bit(argv[4]))) {
        std::fprintf(stderr, "cannot write %s\n", argv[4]);
        return 1;
    }
    std::printf("wrote %s (%dx%d)\n", argv[4], image.width(), image.height());
    return 0;
}
