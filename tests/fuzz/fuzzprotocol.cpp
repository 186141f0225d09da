// libFuzzer target over what a peer controls: the line framer, the message parser, and the text
// path from network bytes to the terminal. Beyond "no crash, no leak, no sanitizer report" it
// checks three properties on every input:
//  - LineReader never returns a line over the limits, nor one holding LF, and its buffer stays bounded;
//  - a message that serialises parses back to the same message (no injection through a field);
//  - sanitised text holds no control character a terminal would act on.

#include "protocol/ircmessage.h"
#include "protocol/linereader.h"
#include "text/irctext.h"

#include <cstdint>
#include <cstdlib>

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort(); // libFuzzer reports the input
}

bool terminalSafe(const QString &text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0))
            return false;
    }
    return true;
}

void checkMessage(const IrcMessage &msg)
{
    if (const std::optional<QByteArray> wire = msg.serialize()) {
        check(wire->endsWith("\r\n"));
        check(wire->count('\n') == 1 && !wire->chopped(2).contains('\r') && !wire->contains('\0'));
        const std::optional<IrcMessage> again = IrcMessage::parse(wire->chopped(2));
        check(again.has_value());
        check(again->command == msg.command && again->source == msg.source && again->params == msg.params);
        check(again->tags == msg.tags);
    }
    for (const QByteArray &p : msg.params) {
        check(terminalSafe(IrcText::sanitize(IrcText::decode(p))));
        check(terminalSafe(IrcText::sanitize(IrcText::decode(p), IrcText::Style::Marked).remove(IrcText::ControlMark)));
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    // The first byte chooses how the stream is cut into reads, so the framer sees splits at
    // every position across runs.
    const qsizetype chunk = size > 0 ? 1 + data[0] % 64 : 1;
    LineReader reader;
    QByteArray line;
    for (qsizetype at = 0; at < input.size(); at += chunk) {
        reader.append(input.sliced(at, std::min(chunk, input.size() - at)));
        for (;;) {
            const LineReader::Result r = reader.next(&line);
            if (r == LineReader::Result::NeedMore)
                break;
            if (r == LineReader::Result::TooLong)
                continue;
            check(LineReader::fitsLimits(line));
            check(!line.contains('\n')); // a stray CR is the parser's to refuse
            if (const std::optional<IrcMessage> msg = IrcMessage::parse(line))
                checkMessage(*msg);
        }
        check(reader.buffered() <= LineReader::MaxLineBytes + chunk);
    }
    // The whole input as one line, as a client library would hand it over.
    if (const std::optional<IrcMessage> msg = IrcMessage::parse(input))
        checkMessage(*msg);
    return 0;
}
