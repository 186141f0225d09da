// SPDX-License-Identifier: MIT
#include "linereader.h"

void LineReader::append(QByteArrayView data)
{
    // Compact before growing, so that a long-lived connection does not keep a buffer of
    // everything it has ever read.
    if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos > 4096)) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    m_buffer.append(data.data(), data.size());
}

void LineReader::squeeze()
{
    if (m_pos == m_buffer.size() && !m_buffer.isNull()) {
        m_buffer = QByteArray();
        m_pos = m_scanned = 0;
    }
}

bool LineReader::fitsLimits(QByteArrayView line)
{
    qsizetype body = line.size();
    if (line.startsWith('@')) {
        const qsizetype space = line.indexOf(' ');
        const qsizetype tagBytes = space < 0 ? line.size() : space + 1;
        if (tagBytes > MaxTagBytes)
            return false;
        body = line.size() - tagBytes;
    }
    return body + 2 <= MaxBodyBytes;
}

LineReader::Result LineReader::next(QByteArray *line)
{
    for (;;) {
        const char *begin = m_buffer.constData() + m_pos;
        const qsizetype avail = m_buffer.size() - m_pos;
        const void *nl = avail > m_scanned ? memchr(begin + m_scanned, '\n', avail - m_scanned) : nullptr;
        if (!nl) {
            m_scanned = avail;
            if (m_discarding) {
                m_buffer.clear();
                m_pos = m_scanned = 0;
                return Result::NeedMore;
            }
            if (avail > MaxLineBytes) {
                // No terminator yet and already too long: drop what we have and the rest of
                // the line as it arrives.
                m_buffer.clear();
                m_pos = m_scanned = 0;
                m_discarding = true;
                return Result::TooLong;
            }
            return Result::NeedMore;
        }
        const qsizetype end = static_cast<const char *>(nl) - begin;
        qsizetype len = end;
        if (len > 0 && begin[len - 1] == '\r')
            --len;
        const QByteArrayView view(begin, len);
        m_pos += end + 1;
        m_scanned = 0;
        if (m_discarding) {
            m_discarding = false; // the tail of a line already reported
            continue;
        }
        if (!fitsLimits(view))
            return Result::TooLong;
        *line = view.toByteArray();
        return Result::Line;
    }
}
