// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"

#include <QByteArray>

class Hub;
class IrcMessage;
struct HubChannel;
struct HubClient;

// MODE, for channels (+o +v +b +k +l +i +m +t; +n is always on) and for users (+o, given by
// OPER and only ever removed with MODE).
class ModeHandler : public CommandHandler {
public:
    explicit ModeHandler(Hub &hub);

    // A ban mask in full form: "nick" -> "nick!*@*", "*@host" -> "*!*@host".
    static QByteArray normalizeMask(const QByteArray &mask);

private:
    void mode(HubClient &client, const IrcMessage &msg);
    void channelMode(HubClient &client, HubChannel &channel, const IrcMessage &msg);
    void userMode(HubClient &client, const IrcMessage &msg);
    void sendMaskList(HubClient &client, const HubChannel &channel, char mode);
};
