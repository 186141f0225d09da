// SPDX-License-Identifier: MIT
#pragma once

#include "hubchannel.h"

#include <QByteArray>

// Every channel mode letter in one place: MODE, the modes 324 shows, and what 004 and ISUPPORT's
// CHANMODES and PREFIX advertise are all made from these tables, so that adding a mode here is
// the one step that makes it known everywhere.
namespace ChannelModes {
// The on/off modes, each with the channel's flag it sets, in the order 324 shows them.
struct Flag {
    char letter;
    bool HubChannel::*field;
};
inline constexpr Flag Flags[] = {
    {'i', &HubChannel::inviteOnly},   {'m', &HubChannel::moderated}, {'t', &HubChannel::topicLocked},
    {'R', &HubChannel::accountsOnly}, {'s', &HubChannel::secret},    {'p', &HubChannel::privateChannel},
    {'C', &HubChannel::noCtcp},
};
// +n (no messages from outside) is always on and cannot be turned off.
inline constexpr char AlwaysOn = 'n';
// Mask lists: bans, ban exceptions, invite exceptions.
inline constexpr char Lists[] = "beI";
inline constexpr char Key = 'k';
inline constexpr char Limit = 'l';
// Member status, highest first, with the prefix each shows in NAMES and WHO.
inline constexpr char Statuses[] = "ov";
inline constexpr char StatusPrefixes[] = "@+";

// The on/off mode for `letter`, or null.
const Flag *flag(char letter);
// ISUPPORT's CHANMODES value: "beI,k,l,CRimnpst".
QByteArray isupport();
// ISUPPORT's PREFIX value: "(ov)@+".
QByteArray prefixes();
// 004's channel modes, and those of them that take a parameter: "CIRbeiklmnopstv", "Ibeklov".
QByteArray all();
QByteArray withParameter();
} // namespace ChannelModes
