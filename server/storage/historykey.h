#pragma once

#include "protocol/ircnames.h"

#include <QByteArray>

// The conversation a history event is filed under. A channel's is its folded name. A private
// conversation is filed twice, once for each side, under "~<me> <other>" (both folded): each
// side reads only its own copy, so a query names one key and never another person's, and a
// client's private conversations are one range of keys ("~<me> ...").
namespace HistoryKey {
inline QByteArray channel(QByteArrayView name) { return IrcNames::fold(name); }
inline QByteArray privateOf(QByteArrayView me, QByteArrayView other)
{
    return '~' + IrcNames::fold(me) + ' ' + IrcNames::fold(other);
}
// Every private key of `me` starts with this.
inline QByteArray privatePrefix(QByteArrayView me) { return '~' + IrcNames::fold(me) + ' '; }
inline bool isPrivate(QByteArrayView key) { return key.startsWith('~'); }
} // namespace HistoryKey
