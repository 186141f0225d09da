// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QMetaType>

// Where a user has read up to in one conversation (IRCv3 draft/read-marker): the time of the last
// message read. `owner` is "@" and the folded account for a logged-in user, else the folded nick;
// `target` is the folded channel or nick. Private to its owner: never shown to anyone else.
struct ReadMarker {
    QByteArray owner;
    QByteArray target;
    qint64 timeMs = 0;
};
Q_DECLARE_METATYPE(ReadMarker)
