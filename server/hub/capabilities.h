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
    Batch = 1u << 6,
    LabeledResponse = 1u << 7,
    ChatHistory = 1u << 8,   // draft/chathistory: the client fetches history itself
    EventPlayback = 1u << 9, // draft/event-playback: history may hold JOIN, MODE and the like
    Search = 1u << 10,       // confab/search: the SEARCH command (docs/protocol.md)
};
using Mask = quint32;

struct Entry {
    const char *name;
    Flag flag;
};
inline constexpr Entry All[] = {
    {"away-notify", AwayNotify},
    {"batch", Batch},
    {"confab/search", Search},
    {"draft/chathistory", ChatHistory},
    {"draft/event-playback", EventPlayback},
    {"echo-message", EchoMessage},
    {"labeled-response", LabeledResponse},
    {"message-tags", MessageTags},
    {"multi-prefix", MultiPrefix},
    {"server-time", ServerTime},
    {"userhost-in-names", UserhostInNames},
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

inline constexpr Mask AllMask = MultiPrefix | ServerTime | MessageTags | AwayNotify | EchoMessage | UserhostInNames
                                | Batch | LabeledResponse | ChatHistory | EventPlayback | Search;
// What this server offers: everything, but the history capabilities only while it keeps history.
inline constexpr Mask offered(bool history)
{
    return history ? AllMask : AllMask & ~(ChatHistory | EventPlayback | Search);
}
} // namespace Capability
