// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/ircnames.h"

#include <QByteArray>

// The conversation a history event is filed under. A channel's is its folded name. A private
// conversation is filed twice, once for each side, under "~<owner> <other>" (folded): each side
// reads only its own copy, so a query names one key and never another person's, and a client's
// private conversations are one range of keys ("~<owner> ..."). The owner is the account of a
// logged-in client ("@name": no nick holds '@'), so that any connection logged in to it reads
// them, and the nick of anyone else.
namespace HistoryKey {
inline QByteArray channel(QByteArrayView name) { return IrcNames::fold(name); }
inline QByteArray owner(QByteArrayView nick, QByteArrayView account)
{
    return account.isEmpty() ? IrcNames::fold(nick) : '@' + IrcNames::fold(account);
}
inline QByteArray privateOf(QByteArrayView owner, QByteArrayView other)
{
    return '~' + owner.toByteArray() + ' ' + IrcNames::fold(other);
}
// Every private key of `owner` starts with this.
inline QByteArray privatePrefix(QByteArrayView owner) { return '~' + owner.toByteArray() + ' '; }
inline bool isPrivate(QByteArrayView key) { return key.startsWith('~'); }
} // namespace HistoryKey
