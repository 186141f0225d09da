// SPDX-License-Identifier: MIT
#include "ircmessage.h"

// The grammar, after modern.ircdocs.horse and the IRCv3 message-tags specification:
//
//   message     = [ "@" tags SPACE ] [ ":" source SPACE ] command [ params ]
//   tags        = tag *( ";" tag )
//   tag         = key [ "=" escaped-value ]
//   key         = [ "+" ] [ vendor "/" ] 1*( letter / digit / "-" )
//   command     = 1*letter / 3digit
//   params      = *( SPACE middle ) [ SPACE ":" trailing ]
//   middle      = nospcrlfcl *( ":" / nospcrlfcl )
//   trailing    = *( ":" / " " / nospcrlfcl )
//
// Parsing is lenient where the ecosystem is (several spaces between fields, a lowercase
// command, more than 15 parameters) and strict where leniency would be unsafe (NUL, CR, LF).

namespace {

bool isForbiddenByte(char c) { return c == '\0' || c == '\r' || c == '\n'; }

bool containsForbidden(QByteArrayView v)
{
    for (char c : v)
        if (isForbiddenByte(c))
            return true;
    return false;
}

bool isValidTagKey(QByteArrayView key)
{
    if (key.isEmpty())
        return false;
    qsizetype i = key.front() == '+' ? 1 : 0;
    if (i == key.size())
        return false;
    for (; i < key.size(); ++i) {
        const char c = key.at(i);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '/' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

bool isValidCommand(QByteArrayView command)
{
    if (command.isEmpty())
        return false;
    bool allDigits = true;
    bool allLetters = true;
    for (char c : command) {
        allDigits = allDigits && c >= '0' && c <= '9';
        allLetters = allLetters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    }
    return allLetters || (allDigits && command.size() == 3);
}

bool parseTags(QByteArrayView section, QList<IrcTag> &out)
{
    qsizetype start = 0;
    while (start <= section.size()) {
        qsizetype end = section.indexOf(';', start);
        if (end < 0)
            end = section.size();
        const QByteArrayView item = section.sliced(start, end - start);
        if (!item.isEmpty()) {
            const qsizetype eq = item.indexOf('=');
            const QByteArrayView key = eq < 0 ? item : item.first(eq);
            if (!isValidTagKey(key))
                return false;
            IrcTag tag {key.toByteArray(), eq < 0 ? QByteArray() : IrcMessage::unescapeTagValue(item.sliced(eq + 1))};
            // A repeated key: the last one wins, per the specification.
            bool replaced = false;
            for (IrcTag &existing : out) {
                if (existing.key == tag.key) {
                    existing.value = tag.value;
                    replaced = true;
                }
            }
            if (!replaced)
                out.append(std::move(tag));
        }
        start = end + 1;
    }
    return true;
}

} // namespace

std::optional<IrcMessage> IrcMessage::parse(QByteArrayView line)
{
    if (containsForbidden(line))
        return std::nullopt;

    IrcMessage msg;
    qsizetype pos = 0;
    const qsizetype n = line.size();
    auto skipSpaces = [&] {
        while (pos < n && line.at(pos) == ' ')
            ++pos;
    };
    auto word = [&] {
        const qsizetype start = pos;
        while (pos < n && line.at(pos) != ' ')
            ++pos;
        return line.sliced(start, pos - start);
    };

    if (pos < n && line.at(pos) == '@') {
        ++pos;
        if (!parseTags(word(), msg.tags))
            return std::nullopt;
    }
    skipSpaces();
    if (pos < n && line.at(pos) == ':') {
        ++pos;
        msg.source = word().toByteArray();
        if (msg.source.isEmpty())
            return std::nullopt;
    }
    skipSpaces();
    const QByteArrayView command = word();
    if (!isValidCommand(command))
        return std::nullopt;
    msg.command = command.toByteArray().toUpper();

    for (;;) {
        skipSpaces();
        if (pos >= n)
            break;
        if (line.at(pos) == ':') {
            msg.params.append(line.sliced(pos + 1).toByteArray());
            msg.trailing = true;
            break;
        }
        msg.params.append(word().toByteArray());
    }
    return msg;
}

std::optional<QByteArray> IrcMessage::serialize() const
{
    if (!isValidCommand(command))
        return std::nullopt;

    qsizetype estimate = command.size() + source.size() + 8;
    for (const QByteArray &p : params)
        estimate += p.size() + 2;
    for (const IrcTag &t : tags)
        estimate += t.key.size() + t.value.size() + 4;

    QByteArray out;
    out.reserve(estimate);
    if (!tags.isEmpty()) {
        out.append('@');
        for (qsizetype i = 0; i < tags.size(); ++i) {
            const IrcTag &t = tags.at(i);
            if (!isValidTagKey(t.key) || t.value.contains('\0'))
                return std::nullopt;
            if (i)
                out.append(';');
            out.append(t.key);
            if (!t.value.isEmpty()) {
                out.append('=');
                out.append(escapeTagValue(t.value));
            }
        }
        out.append(' ');
    }
    if (!source.isEmpty()) {
        if (containsForbidden(source) || source.contains(' '))
            return std::nullopt;
        out.append(':');
        out.append(source);
        out.append(' ');
    }
    out.append(command);
    for (qsizetype i = 0; i < params.size(); ++i) {
        const QByteArray &p = params.at(i);
        if (containsForbidden(p))
            return std::nullopt;
        const bool last = i == params.size() - 1;
        const bool needsColon = p.isEmpty() || p.startsWith(':') || p.contains(' ');
        out.append(' ');
        if (last) {
            if (needsColon || trailing)
                out.append(':');
        } else if (needsColon) {
            return std::nullopt;
        }
        out.append(p);
    }
    out.append("\r\n", 2);
    return out;
}

bool IrcMessage::hasTag(QByteArrayView key) const
{
    for (const IrcTag &t : tags)
        if (t.key == key)
            return true;
    return false;
}

QByteArray IrcMessage::tag(QByteArrayView key) const
{
    for (const IrcTag &t : tags)
        if (t.key == key)
            return t.value;
    return {};
}

void IrcMessage::setTag(const QByteArray &key, const QByteArray &value)
{
    for (IrcTag &t : tags) {
        if (t.key == key) {
            t.value = value;
            return;
        }
    }
    tags.append({key, value});
}

QByteArray IrcMessage::sourceNick() const
{
    const qsizetype bang = source.indexOf('!');
    const qsizetype at = source.indexOf('@');
    qsizetype end = bang >= 0 ? bang : at;
    return end >= 0 ? source.left(end) : source;
}

QByteArray IrcMessage::escapeTagValue(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
        case ';':
            out.append("\\:");
            break;
        case ' ':
            out.append("\\s");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\n':
            out.append("\\n");
            break;
        default:
            out.append(c);
        }
    }
    return out;
}

QByteArray IrcMessage::unescapeTagValue(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        const char c = value.at(i);
        if (c != '\\') {
            out.append(c);
            continue;
        }
        if (++i == value.size())
            break; // a lone trailing backslash is dropped
        switch (const char e = value.at(i)) {
        case ':':
            out.append(';');
            break;
        case 's':
            out.append(' ');
            break;
        case 'r':
            out.append('\r');
            break;
        case 'n':
            out.append('\n');
            break;
        default:
            out.append(e); // "\\" and any unknown escape give the character itself
        }
    }
    return out;
}
