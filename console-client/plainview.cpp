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
    // --quiet keeps the chat and the errors, and drops what the server and the connection say.
    if (m_quiet && (event.type == ChatEvent::Type::Server || event.type == ChatEvent::Type::Connection))
        return;
    // State snapshots are for views that cannot ask the session; a script does not want them.
    if (event.type == ChatEvent::Type::State || (event.type == ChatEvent::Type::Users && m_format == Format::Text))
        return;
    if (m_format == Format::Json) {
        const QByteArray json = EventFormatter::toJson(event);
        std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        return;
    }
    const EventFormatter::Line line = EventFormatter::format(event, m_controller->currentTarget(event.session));
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
