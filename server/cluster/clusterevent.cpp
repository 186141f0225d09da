// SPDX-License-Identifier: MIT
#include "clusterevent.h"

#include "config/serverconfig.h"
#include "protocol/ircnames.h"

#include <algorithm>
#include <limits>

namespace {

const char *typeName(ClusterEvent::Type type)
{
    switch (type) {
    case ClusterEvent::Type::NickTake:
        return "nick";
    case ClusterEvent::Type::NickRelease:
        return "unnick";
    case ClusterEvent::Type::NodeLost:
        return "lost";
    case ClusterEvent::Type::Account:
        return "account";
    }
    return "";
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

} // namespace

bool ClusterEvent::isValidNodeName(QByteArrayView name) { return ServerConfig::isValidNodeName(name); }

QList<QByteArray> ClusterEvent::encode() const
{
    QList<QByteArray> out {"t", typeName(type), "n", node};
    switch (type) {
    case Type::NickTake:
        out << "c" << QByteArray::number(client) << "k" << nick << "s" << QByteArray::number(claim);
        break;
    case Type::NickRelease:
        out << "c" << QByteArray::number(client);
        break;
    case Type::NodeLost:
        out << "l" << lost << "i" << QByteArray::number(incarnation);
        break;
    case Type::Account:
        out << "a" << account;
        break;
    }
    return out;
}

std::optional<ClusterEvent> ClusterEvent::decode(const QList<QByteArray> &fields)
{
    if (fields.size() % 2 != 0 || fields.size() > 32)
        return std::nullopt;
    // Each field at most once; an unknown one makes the entry unknown (a newer node's).
    QByteArray t, n, c, k, s, l, i, a;
    for (qsizetype at = 0; at < fields.size(); at += 2) {
        QByteArray *slot = nullptr;
        const QByteArray &name = fields.at(at);
        if (name.size() != 1)
            return std::nullopt;
        switch (name.front()) {
        case 't':
            slot = &t;
            break;
        case 'n':
            slot = &n;
            break;
        case 'c':
            slot = &c;
            break;
        case 'k':
            slot = &k;
            break;
        case 's':
            slot = &s;
            break;
        case 'l':
            slot = &l;
            break;
        case 'i':
            slot = &i;
            break;
        case 'a':
            slot = &a;
            break;
        default:
            return std::nullopt;
        }
        if (!slot->isNull())
            return std::nullopt;
        *slot = fields.at(at + 1).isNull() ? QByteArray("") : fields.at(at + 1);
    }
    ClusterEvent e;
    if (!isValidNodeName(n))
        return std::nullopt;
    e.node = n;
    auto only = [&](std::initializer_list<const QByteArray *> allowed) {
        for (const QByteArray *f : {&c, &k, &s, &l, &i, &a}) {
            if (!f->isNull() && std::find(allowed.begin(), allowed.end(), f) == allowed.end())
                return false;
        }
        return true;
    };
    if (t == "nick") {
        const std::optional<quint64> client = number(c), claim = number(s);
        if (!client || !claim || !IrcNames::isValidNick(k, IrcNames::MaxNameLen) || !only({&c, &k, &s}))
            return std::nullopt;
        e.type = Type::NickTake;
        e.client = *client;
        e.nick = k;
        e.claim = *claim;
    } else if (t == "unnick") {
        const std::optional<quint64> client = number(c);
        if (!client || !only({&c}))
            return std::nullopt;
        e.type = Type::NickRelease;
        e.client = *client;
    } else if (t == "lost") {
        const std::optional<quint64> incarnation = number(i);
        if (!isValidNodeName(l) || !incarnation || *incarnation > quint64(std::numeric_limits<qint64>::max())
            || !only({&l, &i}))
            return std::nullopt;
        e.type = Type::NodeLost;
        e.lost = l;
        e.incarnation = qint64(*incarnation);
    } else if (t == "account") {
        if (!IrcNames::isValidNick(a, IrcNames::MaxNameLen) || !only({&a}))
            return std::nullopt;
        e.type = Type::Account;
        e.account = a;
    } else {
        return std::nullopt;
    }
    return e;
}
