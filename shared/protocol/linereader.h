// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

// Splits a byte stream into IRC lines. Accepts "\r\n" and a bare "\n", survives a line split
// across any number of reads, and enforces the IRCv3 limits: at most 512 bytes for the message
// proper (CR LF included) and at most 4096 more for a leading tag section ("@" and the space
// included). An over-long line is dropped whole and reported once, and the reader carries on
// with the next line, so the connection keeps working. The buffer never holds more than one
// maximal line, which bounds what a client can make the server keep.
class LineReader {
public:
    static constexpr qsizetype MaxBodyBytes = 512;
    static constexpr qsizetype MaxTagBytes = 4096;
    static constexpr qsizetype MaxLineBytes = MaxBodyBytes + MaxTagBytes;

    enum class Result { NeedMore, Line, TooLong };

    void append(QByteArrayView data);
    // Takes the next complete line (without its terminator) into *line.
    Result next(QByteArray *line);
    qsizetype buffered() const { return m_buffer.size() - m_pos; }
    // Frees the buffer when no partial line waits in it: thousands of idle connections would
    // otherwise each keep the capacity of their last read.
    void squeeze();
    qsizetype capacity() const { return m_buffer.capacity(); }

    // Whether a complete line (without terminator) is within the limits.
    static bool fitsLimits(QByteArrayView line);

private:
    QByteArray m_buffer;
    qsizetype m_pos = 0;     // start of the unread part
    qsizetype m_scanned = 0; // bytes after m_pos already known to hold no '\n'
    bool m_discarding = false;
};
