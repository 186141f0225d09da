// SPDX-License-Identifier: MIT
#pragma once

#include "chatevent.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

// What one session knows of its channels: who is in each, with which status (operator, voice
// and the rest of the server's ISUPPORT PREFIX), and the topics. Plain data and a pure function
// of the session's events: the session keeps one, and a view in another thread keeps its own by
// applying the same events, never asking the session.
class ChatState {
public:
    ChatState();

    // What the event says about channels, members, topics or the server's prefixes. Returns the
    // channels whose members or topic changed.
    QStringList apply(const ChatEvent &event);

    // ISUPPORT: "PREFIX=(qaohv)~&@%+" and "CHANMODES=beI,k,l,imnt" (values only). Until the
    // server says otherwise, "(ov)@+" and RFC 2811's modes.
    void setPrefix(const QString &value);
    void setChannelModes(const QString &value);
    // The connection ended: nothing is known any more.
    void clear();

    void join(const QString &channel, const QString &nick, bool own);
    // Someone left (PART or KICK); our own leaving forgets the channel.
    void leave(const QString &channel, const QString &nick, bool own);
    // The channels the nick was seen in.
    QStringList quit(const QString &nick);
    QStringList rename(const QString &from, const QString &to);
    // RPL_NAMREPLY entries ("@+alice", or "@alice!user@host" with userhost-in-names), then
    // RPL_ENDOFNAMES, which replaces what was known of the channel's members.
    void addNames(const QString &channel, const QStringList &entries);
    void endNames(const QString &channel);
    // A channel MODE change: "+o-v" and its arguments. True if a member's status changed.
    bool applyMode(const QString &channel, const QStringList &modeAndArgs);
    void setTopic(const QString &channel, const QString &topic);

    QStringList channels() const;
    // The channels of ours the nick is in (a view's QUIT or NICK goes to each).
    QStringList channelsWith(const QString &nick) const;
    bool contains(const QString &channel) const { return m_channels.value(key(channel)).joined; }
    // Members as shown in a user list: highest status prefix and nick ("@alice"), highest status
    // first, then by nick regardless of case.
    QStringList members(const QString &channel) const;
    // Bare nicks, in the same order.
    QStringList nicks(const QString &channel) const;
    // Every status prefix the nick has there, highest first ("@+"); empty for none.
    QString prefixes(const QString &channel, const QString &nick) const;
    QString topic(const QString &channel) const { return m_channels.value(key(channel)).topic; }
    // The nick in an entry of members() ("@alice" -> "alice"): no nick starts with a status
    // prefix, whichever the server uses.
    static QString nickOf(const QString &member);

private:
    struct Member {
        QString nick;
        QString modes; // status mode letters, in the server's order of rank ("ov")
    };
    struct Channel {
        QString name;
        QList<Member> members;
        QString topic;
        QList<Member> pendingNames; // a NAMES reply in progress
        bool joined = false;        // else only what NAMES or TOPIC said of a channel we are not in
    };
    static QString key(const QString &name) { return name.toLower(); }
    Member *member(Channel &channel, const QString &nick);
    int rank(const Member &m) const; // lower is higher; m_statusModes.size() for none
    void sort(Channel &channel) const;
    QString modesFromPrefixes(const QString &prefixes) const;

    QHash<QString, Channel> m_channels;
    QString m_statusModes = QStringLiteral("ov");
    QString m_statusPrefixes = QStringLiteral("@+");
    // CHANMODES groups A-C take an argument (C only when set); D never does.
    QString m_listModes = QStringLiteral("b");
    QString m_alwaysArgModes = QStringLiteral("k");
    QString m_setArgModes = QStringLiteral("l");
};
