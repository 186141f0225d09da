// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

// A piece of a terminal line in one set of attributes.
struct ScreenSegment {
    QString text;
    short color = 0;
    bool bold = false;
    bool dim = false;
    bool reverse = false; // a control-character placeholder, or IRC's reverse
    bool italic = false;
    bool underline = false;
};

// A terminal line as it is drawn: its coloured pieces, and the column its text starts at (after
// the time and the nick), under which wrapped rows continue. Kept in the scrollback as a
// PackedLine.
struct ScreenLine : QList<ScreenSegment> {
    using QList<ScreenSegment>::QList;
    int indent = 0;
    QString msgid;       // a message's, for history's de-duplication
    QDateTime time;      // a message's: where history before it starts, how far it was read
    bool marker = false; // the "unread" line: one per window
};
