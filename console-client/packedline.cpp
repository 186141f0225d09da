// SPDX-License-Identifier: MIT
#include "packedline.h"

#include <QtEndian>

namespace {
constexpr qsizetype HeaderBytes = 4;
constexpr qsizetype RunBytes = 5; // UTF-16 length, colour, flags
enum Flag : quint8 { Bold = 1, Dim = 2, Reverse = 4, Italic = 8, Underline = 16 };

quint16 read16(const char *at) { return qFromLittleEndian<quint16>(at); }
} // namespace

PackedLine::PackedLine(const ScreenLine &line)
    : m_timeMs(line.time.isValid() ? line.time.toMSecsSinceEpoch() : NoTime)
    , m_indent(line.indent)
    , m_marker(line.marker)
{
    const QByteArray msgid = line.msgid.left(0xffff).toUtf8().left(0xffff);
    QString text;
    // A segment longer than a run can say (65,535 UTF-16 units) takes several runs, and comes
    // back as several segments of the same attributes, which draw the same.
    qsizetype runs = 0;
    for (const ScreenSegment &s : line) {
        text += s.text;
        runs += qMax<qsizetype>(1, (s.text.size() + 0xfffe) / 0xffff);
    }
    runs = qMin<qsizetype>(runs, 0xffff);
    const QByteArray utf8 = text.toUtf8();
    m_data.resize(HeaderBytes + runs * RunBytes + msgid.size() + utf8.size());
    char *out = m_data.data();
    qToLittleEndian<quint16>(quint16(runs), out);
    qToLittleEndian<quint16>(quint16(msgid.size()), out + 2);
    out += HeaderBytes;
    qsizetype written = 0;
    for (const ScreenSegment &s : line) {
        const quint8 flags = (s.bold ? Bold : 0) | (s.dim ? Dim : 0) | (s.reverse ? Reverse : 0)
                             | (s.italic ? Italic : 0) | (s.underline ? Underline : 0);
        qsizetype left = s.text.size();
        do {
            if (written == runs)
                break;
            const quint16 length = quint16(qMin<qsizetype>(left, 0xffff));
            qToLittleEndian<quint16>(length, out);
            qToLittleEndian<quint16>(quint16(s.color), out + 2);
            out[4] = char(flags);
            out += RunBytes;
            ++written;
            left -= length;
        } while (left > 0);
    }
    std::copy(msgid.cbegin(), msgid.cend(), out);
    out += msgid.size();
    std::copy(utf8.cbegin(), utf8.cend(), out);
}

ScreenLine PackedLine::unpack() const
{
    ScreenLine line;
    line.indent = m_indent;
    line.marker = m_marker;
    line.time = time();
    if (m_data.isEmpty())
        return line;
    const char *at = m_data.constData();
    const qsizetype runs = read16(at);
    const qsizetype msgidBytes = read16(at + 2);
    const char *run = at + HeaderBytes;
    const char *msgid = run + runs * RunBytes;
    line.msgid = QString::fromUtf8(msgid, msgidBytes);
    const QString text = QString::fromUtf8(msgid + msgidBytes, m_data.constEnd() - (msgid + msgidBytes));
    line.reserve(runs);
    qsizetype from = 0;
    for (qsizetype i = 0; i < runs; ++i, run += RunBytes) {
        const quint16 length = read16(run);
        const quint8 flags = quint8(run[4]);
        ScreenSegment s {text.mid(from, length), short(read16(run + 2)), bool(flags & Bold),     bool(flags & Dim),
                         bool(flags & Reverse),  bool(flags & Italic),   bool(flags & Underline)};
        from += length;
        line.append(std::move(s));
    }
    return line;
}

QString PackedLine::text() const
{
    if (m_data.isEmpty())
        return {};
    const char *at = m_data.constData();
    const char *textAt = at + HeaderBytes + read16(at) * RunBytes + read16(at + 2);
    return QString::fromUtf8(textAt, m_data.constEnd() - textAt);
}

QByteArray PackedLine::msgid() const
{
    if (m_data.isEmpty())
        return {};
    const char *at = m_data.constData();
    return QByteArray(at + HeaderBytes + read16(at) * RunBytes, read16(at + 2));
}

QDateTime PackedLine::time() const
{
    return m_timeMs == NoTime ? QDateTime() : QDateTime::fromMSecsSinceEpoch(m_timeMs, Qt::UTC);
}
