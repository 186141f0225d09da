// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>

// One IRCv3 message tag; an absent value and an empty value are the same thing on the wire.
struct IrcTag {
    QByteArray key;
    QByteArray value;
    friend bool operator==(const IrcTag &, const IrcTag &) = default;
};

// An IRC message as a value: IRCv3 tags, an optional source, a command and its parameters.
// Everything is kept as raw bytes: IRC is byte-oriented, and the server must relay text it has
// not decoded. Decoding to QString is the views' business.
class IrcMessage {
public:
    QList<IrcTag> tags;
    QByteArray source;
    QByteArray command;
    QList<QByteArray> params;
    // The last parameter was (or is to be) written with a leading ':'. Text-carrying commands set
    // it so that naive line-splitting scripts always find the text after " :".
    bool trailing = false;

    IrcMessage() = default;
    explicit IrcMessage(QByteArray command, QList<QByteArray> params = {}, QByteArray source = {})
        : source(std::move(source))
        , command(std::move(command))
        , params(std::move(params))
    {
    }

    // Parses one line without its CR LF. Returns nothing for a line that is empty, has no
    // command, contains NUL, CR or LF, or has a malformed tag section.
    static std::optional<IrcMessage> parse(QByteArrayView line);

    // The wire form with "\r\n", or nothing when a field holds a byte that would change the
    // message's meaning (CR, LF or NUL anywhere; a space or leading ':' in a middle parameter;
    // an empty or malformed command). That refusal is what stops text from injecting a command.
    std::optional<QByteArray> serialize() const;

    QByteArray param(qsizetype i) const { return i < params.size() ? params.at(i) : QByteArray(); }
    bool hasTag(QByteArrayView key) const;
    QByteArray tag(QByteArrayView key) const;
    void setTag(const QByteArray &key, const QByteArray &value);

    // The nick part of a "nick!user@host" source.
    QByteArray sourceNick() const;

    static QByteArray escapeTagValue(QByteArrayView value);
    static QByteArray unescapeTagValue(QByteArrayView value);

    // Equality ignores `trailing`: it is a wire-form preference, not part of the meaning.
    friend bool operator==(const IrcMessage &a, const IrcMessage &b)
    {
        return a.tags == b.tags && a.source == b.source && a.command == b.command && a.params == b.params;
    }
};
