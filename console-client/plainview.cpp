// SPDX-License-Identifier: MIT
#include "plainview.h"

#include "client/chatcontroller.h"
#include "eventformatter.h"

#include <cstdio>

PlainView::PlainView(ChatController *controller, Format format, bool quiet, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_format(format)
    , m_quiet(quiet)
{
    connect(controller, &ChatController::event, this, &PlainView::show);
}

void PlainView::show(const ChatEvent &event)
{
    using T = ChatEvent::Type;
    // --quiet keeps the chat and the errors, and drops what the server and the connection say.
    if (m_quiet && (event.type == T::Server || event.type == T::Connection || event.type == T::State))
        return;
    // The server's features are nobody's reading. The connection state and member lists are
    // for programs (JSON); as text they would repeat what the connection and join lines say.
    if (event.type == T::Support || (m_format == Format::Text && (event.type == T::State || event.type == T::Names)))
        return;
    if (m_format == Format::Json) {
        const QByteArray json = EventFormatter::toJson(event);
        std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        return;
    }
    if (event.type == T::History && m_format == Format::Text) {
        // What was said before we came, then a line that says so.
        if (event.messages.isEmpty())
            return;
        for (const ChatEvent &m : EventFormatter::historyMessages(event))
            show(m);
        show(ChatEvent::make(T::Info, QStringLiteral("\u2014 history \u2014"), {}, event.channel));
        return;
    }
    // One stream for every conversation: a private line always says it is private.
    const bool isPrivate = event.type == T::Message && event.message.isPrivate;
    const EventFormatter::Line line
        = EventFormatter::format(event, isPrivate ? QString() : m_controller->currentTarget(event.session));
    if (line.skip)
        return;
    if (line.isError) {
        std::fprintf(stderr, "confab: %s\n", line.body.toUtf8().constData());
        std::fflush(stderr);
        return;
    }
    const QByteArray text = line.text().toUtf8();
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}
