// SPDX-License-Identifier: MIT
#pragma once

#include "client/chatevent.h"
#include "text/irctext.h"

#include <QByteArray>
#include <QString>

// How the terminal client writes a ChatEvent: one line of text (every network string made
// terminal-safe), or one JSON object for scripts.
namespace EventFormatter {
struct Line {
    QString time;   // "[HH:MM]"
    QString marker; // "<alice>", "-->", "---", "-> bob:" ...
    QString nick;   // the nick to colour, when there is one
    QString body;
    // A message's body as formatted runs (each made safe), for a view that draws formatting;
    // empty for other events. Together they are `body`, with the formatting.
    QList<IrcText::Span> bodySpans;
    bool isError = false;
    bool isQuiet = false; // joins, parts, server text: shown dimmer, hidden by --quiet
    bool isHighlight = false;
    bool skip = false; // nothing to show (state snapshots for other views)
    QString text() const;
};

// `current` is the conversation the view shows by default: messages there need no label.
Line format(const ChatEvent &event, const QString &current, IrcText::Style style = IrcText::Style::Caret);
QByteArray toJson(const ChatEvent &event);
// A History event's messages as Message events, each to be formatted like a live one.
QList<ChatEvent> historyMessages(const ChatEvent &history);
} // namespace EventFormatter
