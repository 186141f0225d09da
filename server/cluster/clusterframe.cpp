// SPDX-License-Identifier: MIT
#include "clusterframe.h"

#include "config/serverconfig.h"

namespace {

std::optional<quint64> number(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 19 || (text.size() > 1 && text.front() == '0'))
        return std::nullopt;
    quint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + quint64(c - '0');
    }
    return value;
}

bool isRelayedTag(const QByteArray &key)
{
    return key.startsWith('+') || key == "time" || key == "msgid" || key == "account" || key == "bot";
}

} // namespace

QByteArray ClusterFrame::encode(const QByteArray &node, qint64 incarnation, quint64 sequence,
                                const QList<quint64> &recipients, QByteArrayView line)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    QByteArray out;
    out.reserve(line.size() + 64 + recipients.size() * 4);
    out += "@confab/n=" + node + ";confab/i=" + QByteArray::number(incarnation)
           + ";confab/s=" + QByteArray::number(sequence) + ";confab/r=";
    for (qsizetype i = 0; i < recipients.size(); ++i) {
        if (i)
            out += ',';
        out += QByteArray::number(recipients.at(i));
    }
    if (line.startsWith('@')) {
        out += ';';
        out += line.sliced(1);
    } else {
        out += ' ';
        out += line;
    }
    return out;
}

std::optional<ClusterFrame> ClusterFrame::decode(QByteArrayView payload)
{
    std::optional<IrcMessage> message = IrcMessage::parse(payload);
    if (!message || message->source.isEmpty() || message->serialize().value_or(QByteArray()).isEmpty())
        return std::nullopt;
    ClusterFrame frame;
    bool node = false, incarnation = false, sequence = false, recipients = false;
    QList<IrcTag> kept;
    for (const IrcTag &tag : std::as_const(message->tags)) {
        bool *seen = nullptr;
        if (tag.key == "confab/n") {
            if (!ServerConfig::isValidNodeName(tag.value))
                return std::nullopt;
            frame.node = tag.value;
            seen = &node;
        } else if (tag.key == "confab/i") {
            const std::optional<quint64> n = number(tag.value);
            if (!n)
                return std::nullopt;
            frame.incarnation = qint64(*n);
            seen = &incarnation;
        } else if (tag.key == "confab/s") {
            const std::optional<quint64> n = number(tag.value);
            if (!n)
                return std::nullopt;
            frame.sequence = *n;
            seen = &sequence;
        } else if (tag.key == "confab/r") {
            const QList<QByteArray> ids = tag.value.split(',');
            if (ids.size() > MaxRecipients)
                return std::nullopt;
            for (const QByteArray &id : ids) {
                const std::optional<quint64> n = number(id);
                if (!n)
                    return std::nullopt;
                frame.recipients.append(*n);
            }
            seen = &recipients;
        } else if (isRelayedTag(tag.key)) {
            for (const IrcTag &other : std::as_const(kept))
                if (other.key == tag.key)
                    return std::nullopt;
            kept.append(tag);
            continue;
        } else {
            return std::nullopt; // not a tag a node relays
        }
        if (*seen)
            return std::nullopt;
        *seen = true;
    }
    if (!node || !incarnation || !sequence || !recipients)
        return std::nullopt;
    message->tags = std::move(kept);
    frame.message = std::move(*message);
    return frame;
}
