// SPDX-License-Identifier: MIT
#pragma once

#include "client/chatevent.h"

#include <QObject>

class ChatController;

// The terminal client when stdin or stdout is not a terminal: events as lines on stdout (text or
// JSON), errors on stderr, input lines from stdin.
class PlainView : public QObject {
    Q_OBJECT
public:
    enum class Format { Text, Json };
    PlainView(ChatController *controller, Format format, bool quiet, QObject *parent = nullptr);

    void show(const ChatEvent &event);

private:
    ChatController *m_controller;
    Format m_format;
    bool m_quiet;
};
