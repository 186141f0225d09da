// SPDX-License-Identifier: MIT
#pragma once

class Hub;

// What every command handler is: an object that teaches the hub some commands (Hub::addCommand,
// in its constructor) and that the hub calls, in the hub's thread, for each of them. The
// composition root (ChatServer) builds the handlers and owns them.
class CommandHandler {
public:
    virtual ~CommandHandler() = default;

protected:
    explicit CommandHandler(Hub &hub)
        : m_hub(hub)
    {
    }

    Hub &m_hub;
};
