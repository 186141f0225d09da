// SPDX-License-Identifier: MIT
#include "clusterevent.h"

#include "config/serverconfig.h"
#include "protocol/ircnames.h"

#include <cstring>
#include <limits>

namespace {

struct TypeName {
    ClusterEvent::Type type;
    const char *name;
    const char *fields; // the type's own fields, besides "t" and "n"
    const char *required;
};

constexpr TypeName Types[] = {
    {ClusterEvent::Type::NickTake, "nick", "cks", "cks"},
    {ClusterEvent::Type::NickRelease, "unnick", "c", "c"},
    {ClusterEvent::Type::NodeLost, "lost", "li", "li"},
    {ClusterEvent::Type::Account, "account", "a", "a"},
    {ClusterEvent::Type::User, "user", "ckuhrawmp", "ckuhp"},
    {ClusterEvent::Type::Join, "join", "cjos", "cjo"},
    {ClusterEvent::Type::Part, "part", "cjv", "cj"},
    {ClusterEvent::Type::Kill, "kill", "cvq", "cv"},
    {ClusterEvent::Type::Channel, "channel", "jxbemyzgfd", "j"},
    {ClusterEvent::Type::Member, "member", "cvjm", "cvj"},
};

const TypeName &typeOf(ClusterEvent::Type type)
{
    for (const TypeName &t : Types)
        if (t.type == type)
            return t;
    return Types[0];
}

std::optional<quint64> number(const QByteArray &text)
{
    // Digits only, no sign, no leading zero but "0", and within 64 bits.
    if (text.isEmpty() || text.size() > 20 || (text.size() > 1 && text.front() == '0'))
        return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    bool ok = false;
    const quint64 value = text.toULongLong(&ok);
    return ok ? std::optional<quint64>(value) : std::nullopt;
}

std::optional<qint64> signedNumber(const QByteArray &text)
{
    const std::optional<quint64> n = number(text);
    if (!n || *n > quint64(std::numeric_limits<qint64>::max()))
        return std::nullopt;
    return qint64(*n);
}

// Text a client could have sent: no CR, LF or NUL, and not longer than a line.
bool isText(QByteArrayView text, qsizetype max = 510)
{
    return text.size() <= max && !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

// One IRC word: not empty, no space either.
bool isWord(QByteArrayView word, qsizetype max = 510)
{
    return !word.isEmpty() && isText(word, max) && !word.contains(' ');
}

bool hasOnly(QByteArrayView text, const char *allowed)
{
    for (char c : text)
        if (!std::strchr(allowed, c) || c == '\0')
            return false;
    return true;
}

// "mask setter time" entries of a +b, +e or +I list, one per line.
std::optional<QList<QByteArray>> maskList(const QByteArray &field)
{
    if (field.isEmpty())
        return QList<QByteArray>();
    QList<QByteArray> out = field.split('\n');
    if (out.size() > 1000)
        return std::nullopt;
    for (const QByteArray &entry : std::as_const(out)) {
        const QList<QByteArray> parts = entry.split(' ');
        if (parts.size() != 3 || !isWord(parts.at(0)) || !isWord(parts.at(1)) || !signedNumber(parts.at(2)))
            return std::nullopt;
    }
    return out;
}

} // namespace

bool ClusterEvent::isValidNodeName(QByteArrayView name) { return ServerConfig::isValidNodeName(name); }

QList<QByteArray> ClusterEvent::encode() const
{
    const TypeName &t = typeOf(type);
    QList<QByteArray> out {"t", t.name, "n", node};
    for (const char *f = t.fields; *f; ++f) {
        QByteArray value;
        switch (*f) {
        case 'c':
            value = QByteArray::number(client);
            break;
        case 'k':
            value = nick;
            break;
        case 's':
            // A join's "s" says it is a rejoin; a nick's is its claim.
            value = type == Type::Join ? QByteArray(rejoin ? "1" : "") : QByteArray::number(claim);
            break;
        case 'l':
            value = lost;
            break;
        case 'i':
            value = QByteArray::number(incarnation);
            break;
        case 'a':
            value = account;
            break;
        case 'u':
            value = user;
            break;
        case 'h':
            value = host;
            break;
        case 'r':
            value = realname;
            break;
        case 'w':
            value = away;
            break;
        case 'm':
            value = modes;
            break;
        case 'p':
            value = QByteArray::number(caps);
            break;
        case 'j':
            value = channel;
            break;
        case 'o':
            value = op ? "1" : "0";
            break;
        case 'v':
            value = target;
            break;
        case 'q':
            value = reason;
            break;
        case 'x':
            value = topic;
            break;
        case 'b':
            value = topicSetBy;
            break;
        case 'e':
            value = QByteArray::number(topicSetAt);
            break;
        case 'y':
            value = key;
            break;
        case 'z':
            value = QByteArray::number(limit);
            break;
        case 'g':
            value = bans.join('\n');
            break;
        case 'f':
            value = exceptions.join('\n');
            break;
        case 'd':
            value = inviteExceptions.join('\n');
            break;
        }
        // Empty optional fields are left out: the entry stays small.
        if (!value.isEmpty() || std::strchr(t.required, *f))
            out << QByteArray(1, *f) << value;
    }
    return out;
}

std::optional<ClusterEvent> ClusterEvent::decode(const QList<QByteArray> &fields)
{
    if (fields.size() % 2 != 0 || fields.size() > 64)
        return std::nullopt;
    // Each field at most once, each one letter; one the type does not have makes the entry
    // unknown (a newer node's).
    QByteArray value[26];
    bool present[26] = {};
    for (qsizetype at = 0; at < fields.size(); at += 2) {
        const QByteArray &name = fields.at(at);
        if (name.size() != 1 || name.front() < 'a' || name.front() > 'z')
            return std::nullopt;
        const int slot = name.front() - 'a';
        if (present[slot])
            return std::nullopt;
        present[slot] = true;
        value[slot] = fields.at(at + 1).isNull() ? QByteArray("") : fields.at(at + 1);
    }
    auto has = [&](char f) { return present[f - 'a']; };
    auto get = [&](char f) -> const QByteArray & { return value[f - 'a']; };
    if (!has('t') || !has('n') || !isValidNodeName(get('n')))
        return std::nullopt;
    const TypeName *t = nullptr;
    for (const TypeName &candidate : Types)
        if (get('t') == candidate.name)
            t = &candidate;
    if (!t)
        return std::nullopt;
    for (int slot = 0; slot < 26; ++slot) {
        const char f = char('a' + slot);
        if (f == 't' || f == 'n')
            continue;
        if (present[slot] && !std::strchr(t->fields, f))
            return std::nullopt;
        if (!present[slot] && std::strchr(t->required, f))
            return std::nullopt;
    }

    ClusterEvent e;
    e.type = t->type;
    e.node = get('n');
    if (has('c')) {
        const std::optional<quint64> client = number(get('c'));
        if (!client)
            return std::nullopt;
        e.client = *client;
    }
    if (has('k')) {
        if (!IrcNames::isValidNick(get('k'), IrcNames::MaxNameLen))
            return std::nullopt;
        e.nick = get('k');
    }
    if (has('s') && e.type == Type::Join) {
        if (get('s') != "1")
            return std::nullopt;
        e.rejoin = true;
    } else if (has('s')) {
        const std::optional<quint64> claim = number(get('s'));
        if (!claim)
            return std::nullopt;
        e.claim = *claim;
    }
    if (has('l')) {
        if (!isValidNodeName(get('l')))
            return std::nullopt;
        e.lost = get('l');
    }
    if (has('i')) {
        const std::optional<qint64> incarnation = signedNumber(get('i'));
        if (!incarnation)
            return std::nullopt;
        e.incarnation = *incarnation;
    }
    if (has('a')) {
        // An account is a name; a user's may be none.
        const bool none = get('a').isEmpty() && e.type == Type::User;
        if (!none && !IrcNames::isValidNick(get('a'), IrcNames::MaxNameLen))
            return std::nullopt;
        e.account = get('a');
    }
    if (has('u')) {
        if (!isWord(get('u'), IrcNames::MaxNameLen))
            return std::nullopt;
        e.user = get('u');
    }
    if (has('h')) {
        if (!isWord(get('h'), 255) || get('h').startsWith(':'))
            return std::nullopt;
        e.host = get('h');
    }
    if (has('r')) {
        if (!isText(get('r')))
            return std::nullopt;
        e.realname = get('r');
    }
    if (has('w')) {
        if (!isText(get('w')))
            return std::nullopt;
        e.away = get('w');
    }
    if (has('m')) {
        const char *allowed = e.type == Type::User ? "Biow" : e.type == Type::Channel ? "tmiRspC" : "ov";
        if (!hasOnly(get('m'), allowed) || get('m').size() > 8)
            return std::nullopt;
        e.modes = get('m');
    }
    if (has('p')) {
        const std::optional<quint64> caps = number(get('p'));
        if (!caps)
            return std::nullopt;
        e.caps = *caps;
    }
    if (has('j')) {
        if (!IrcNames::isValidChannel(get('j'), IrcNames::MaxNameLen))
            return std::nullopt;
        e.channel = get('j');
    }
    if (has('o')) {
        if (get('o') != "0" && get('o') != "1")
            return std::nullopt;
        e.op = get('o') == "1";
    }
    if (has('v')) {
        if (!isValidNodeName(get('v')))
            return std::nullopt;
        e.target = get('v');
    }
    if (has('q')) {
        if (!isText(get('q')))
            return std::nullopt;
        e.reason = get('q');
    }
    if (has('x')) {
        if (!isText(get('x')))
            return std::nullopt;
        e.topic = get('x');
    }
    if (has('b')) {
        if (!isText(get('b')) || get('b').contains(' '))
            return std::nullopt;
        e.topicSetBy = get('b');
    }
    if (has('e')) {
        const std::optional<qint64> at = signedNumber(get('e'));
        if (!at)
            return std::nullopt;
        e.topicSetAt = *at;
    }
    if (has('y')) {
        if (!isText(get('y'), 64) || get('y').contains(' ') || get('y').contains(','))
            return std::nullopt;
        e.key = get('y');
    }
    if (has('z')) {
        const std::optional<quint64> limit = number(get('z'));
        if (!limit || *limit > quint64(std::numeric_limits<int>::max()))
            return std::nullopt;
        e.limit = int(*limit);
    }
    for (const auto &[f, list] : {std::pair {'g', &e.bans}, {'f', &e.exceptions}, {'d', &e.inviteExceptions}}) {
        if (!has(f))
            continue;
        std::optional<QList<QByteArray>> masks = maskList(get(f));
        if (!masks)
            return std::nullopt;
        *list = std::move(*masks);
    }
    // An encoded entry leaves an empty optional field out; one that has it must read back the same.
    for (int slot = 0; slot < 26; ++slot) {
        const char f = char('a' + slot);
        if (present[slot] && value[slot].isEmpty() && !std::strchr(t->required, f))
            return std::nullopt;
    }
    return e;
}
