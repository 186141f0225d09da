// SPDX-License-Identifier: MIT
#include "ircnames.h"

namespace IrcNames {

namespace {
char foldChar(char c) { return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c; }
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isSpecial(char c)
{
    switch (c) {
    case '[':
    case ']':
    case '\\':
    case '`':
    case '_':
    case '^':
    case '{':
    case '|':
    case '}':
        return true;
    default:
        return false;
    }
}
} // namespace

QByteArray fold(QByteArrayView name)
{
    QByteArray out(name.data(), name.size());
    for (char &c : out)
        c = foldChar(c);
    return out;
}

bool equals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (foldChar(a.at(i)) != foldChar(b.at(i)))
            return false;
    return true;
}

bool isValidNick(QByteArrayView nick, int maxLen)
{
    if (nick.isEmpty() || nick.size() > maxLen)
        return false;
    if (!isLetter(nick.front()) && !isSpecial(nick.front()))
        return false;
    for (char c : nick)
        if (!isLetter(c) && !isDigit(c) && !isSpecial(c) && c != '-')
            return false;
    return true;
}

bool isChannel(QByteArrayView target) { return !target.isEmpty() && target.front() == ChannelPrefix; }

bool isValidChannel(QByteArrayView name, int maxLen)
{
    if (name.size() < 2 || name.size() > maxLen || !isChannel(name))
        return false;
    for (char c : name) {
        switch (c) {
        case '\0':
        case '\a':
        case '\r':
        case '\n':
        case ' ':
        case ',':
        case ':':
            return false;
        default:
            break;
        }
    }
    return true;
}

bool matchesMask(QByteArrayView mask, QByteArrayView name)
{
    // Iterative glob with single-star backtracking: linear in practice, no recursion to abuse.
    qsizetype m = 0, n = 0, starM = -1, starN = 0;
    while (n < name.size()) {
        if (m < mask.size() && (mask.at(m) == '?' || foldChar(mask.at(m)) == foldChar(name.at(n)))) {
            ++m;
            ++n;
        } else if (m < mask.size() && mask.at(m) == '*') {
            starM = m++;
            starN = n;
        } else if (starM >= 0) {
            m = starM + 1;
            n = ++starN;
        } else {
            return false;
        }
    }
    while (m < mask.size() && mask.at(m) == '*')
        ++m;
    return m == mask.size();
}

} // namespace IrcNames
