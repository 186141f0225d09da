// SPDX-License-Identifier: MIT
#include "channelmodes.h"

#include <algorithm>

namespace ChannelModes {
namespace {
QByteArray sorted(QByteArray letters)
{
    std::sort(letters.begin(), letters.end());
    return letters;
}

QByteArray flagLetters()
{
    QByteArray out(1, AlwaysOn);
    for (const Flag &f : Flags)
        out += f.letter;
    return sorted(out);
}
} // namespace

const Flag *flag(char letter)
{
    for (const Flag &f : Flags)
        if (f.letter == letter)
            return &f;
    return nullptr;
}

QByteArray isupport() { return QByteArray(Lists) + ',' + Key + ',' + Limit + ',' + flagLetters(); }

QByteArray prefixes() { return QByteArray("(") + Statuses + ')' + StatusPrefixes; }

QByteArray all() { return sorted(QByteArray(Lists) + Key + Limit + flagLetters() + Statuses); }

QByteArray withParameter() { return sorted(QByteArray(Lists) + Key + Limit + Statuses); }
} // namespace ChannelModes
