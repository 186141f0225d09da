// SPDX-License-Identifier: MIT
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
    Sasl = 1u << 11,
    AccountNotify = 1u << 12,
    AccountTag = 1u << 13,
    ExtendedJoin = 1u << 14,
    AccountRegistration = 1u << 15, // draft/account-registration: REGISTER
    CapNotify = 1u << 16,           // CAP NEW and DEL (implied by CAP LS 302)
    SetName = 1u << 17,             // SETNAME, and others' real name changes
    InviteNotify = 1u << 18,        // INVITEs to a channel you are in
    ExtendedMonitor = 1u << 19,     // away, account and real name changes of those you MONITOR too
    ChgHost = 1u << 20,             // CHGHOST: others' username or host changed
    ReadMarker = 1u << 21,          // draft/read-marker: MARKREAD, where the user has read up to
};
using Mask = quint32;

struct Entry {
    const char *name;
    Flag flag;
    const char *value; // shown to CAP LS 302 clients; null: none
};
inline constexpr Entry All[] = {
    {"account-notify", AccountNotify, nullptr},
    {"account-tag", AccountTag, nullptr},
    {"away-notify", AwayNotify, nullptr},
    {"batch", Batch, nullptr},
    {"cap-notify", CapNotify, nullptr},
    {"chghost", ChgHost, nullptr},
    {"confab/search", Search, nullptr},
    {"draft/account-registration", AccountRegistration, nullptr},
    {"draft/chathistory", ChatHistory, nullptr},
    {"draft/event-playback", EventPlayback, nullptr},
    {"draft/read-marker", ReadMarker, nullptr},
    {"echo-message", EchoMessage, nullptr},
    {"extended-join", ExtendedJoin, nullptr},
    {"extended-monitor", ExtendedMonitor, nullptr},
    {"invite-notify", InviteNotify, nullptr},
    {"labeled-response", LabeledResponse, nullptr},
    {"message-tags", MessageTags, nullptr},
    {"multi-prefix", MultiPrefix, nullptr},
    {"sasl", Sasl, "PLAIN,SCRAM-SHA-256,EXTERNAL"},
    {"server-time", ServerTime, nullptr},
    {"setname", SetName, nullptr},
    {"userhost-in-names", UserhostInNames, nullptr},
};

inline Flag fromName(QByteArrayView name)
{
    for (const Entry &e : All)
        if (name == e.name)
            return e.flag;
    return None;
}

// "a b c", with values ("sasl=PLAIN,...") for CAP LS 302.
inline QByteArray names(Mask mask, bool withValues = false)
{
    QByteArray out;
    for (const Entry &e : All) {
        if (mask & e.flag) {
            if (!out.isEmpty())
                out.append(' ');
            out.append(e.name);
            if (withValues && e.value)
                out.append('=').append(e.value);
        }
    }
    return out;
}

inline constexpr Mask HistoryMask = ChatHistory | EventPlayback | Search | ReadMarker;
inline constexpr Mask AccountMask = Sasl | AccountNotify | AccountTag | ExtendedJoin | AccountRegistration;
inline constexpr Mask AllMask = MultiPrefix | ServerTime | MessageTags | AwayNotify | EchoMessage | UserhostInNames
                                | Batch | LabeledResponse | HistoryMask | AccountMask | CapNotify | SetName
                                | InviteNotify | ExtendedMonitor | ChgHost;
// What this server offers: everything, but the history capabilities only while it keeps history,
// and REGISTER only while anyone may register.
inline constexpr Mask offered(bool history, bool openRegistration)
{
    Mask mask = AllMask;
    if (!history)
        mask &= ~HistoryMask;
    if (!openRegistration)
        mask &= ~AccountRegistration;
    return mask;
}
} // namespace Capability
