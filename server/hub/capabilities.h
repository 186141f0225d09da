#pragma once

#include <QByteArray>
#include <QByteArrayView>

// The IRCv3 capabilities Confab offers, as bits of a per-client mask.
namespace Capability {
enum Flag : quint32 {
    None = 0,
    MultiPrefix = 1u << 0,
    ServerTime = 1u << 1,
    MessageTags = 1u << 2,
    AwayNotify = 1u << 3,
    EchoMessage = 1u << 4,
    UserhostInNames = 1u << 5,
};
using Mask = quint32;

struct Entry {
    const char *name;
    Flag flag;
};
inline constexpr Entry All[] = {
    {"away-notify", AwayNotify},   {"echo-message", EchoMessage},         {"message-tags", MessageTags},
    {"multi-prefix", MultiPrefix}, {"server-time", ServerTime}, {"userhost-in-names", UserhostInNames},
};

inline Flag fromName(QByteArrayView name)
{
    for (const Entry &e : All)
        if (name == e.name)
            return e.flag;
    return None;
}

inline QByteArray names(Mask mask)
{
    QByteArray out;
    for (const Entry &e : All) {
        if (mask & e.flag) {
            if (!out.isEmpty())
                out.append(' ');
            out.append(e.name);
        }
    }
    return out;
}

inline constexpr Mask AllMask = MultiPrefix | ServerTime | MessageTags | AwayNotify | EchoMessage | UserhostInNames;
} // namespace Capability
