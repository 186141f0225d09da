// SPDX-License-Identifier: MIT
#pragma once

#include "screenline.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <limits>

// A scrollback line as it is kept: one block holding its text once, in UTF-8, an attribute run
// per segment and its message id, beside its time as a number. A ScreenLine of QString segments
// took about 950 bytes for a chat line; this takes about a quarter, and is unpacked again only
// when it is drawn or searched (docs/performance.md, "The terminal client against irssi").
class PackedLine {
public:
    PackedLine() = default;
    explicit PackedLine(const ScreenLine &line);

    ScreenLine unpack() const;
    // Every segment's text, run together (what /lastlog searches).
    QString text() const;
    QByteArray msgid() const;
    bool hasTime() const { return m_timeMs != NoTime; }
    QDateTime time() const;
    bool isMarker() const { return m_marker; }

private:
    static constexpr qint64 NoTime = std::numeric_limits<qint64>::min();

    // [run count: 2 bytes][msgid length: 2][runs: 5 bytes each][msgid][text]
    QByteArray m_data;
    qint64 m_timeMs = NoTime;
    qint32 m_indent = 0;
    bool m_marker = false;
};
