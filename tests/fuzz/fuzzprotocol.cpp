// SPDX-License-Identifier: MIT
// libFuzzer target over what a peer controls: the line framer, the message parser, the text
// path from network bytes to the terminal, and the history commands' own grammar (CHATHISTORY
// selectors and limits, SEARCH words). Beyond "no crash, no leak, no sanitizer report" it checks
// these properties on every input:
//  - LineReader never returns a line over the limits, nor one holding LF, and its buffer stays bounded;
//  - a message that serialises parses back to the same message (no injection through a field);
//  - sanitised text holds no control character a terminal would act on;
//  - a selector that parses is "*" only where allowed, a msgid within its length, a time that
//    reads back; a limit is within 1..MaxLimit; SEARCH's words are bounded and every one is
//    quoted in the full-text expression so that none can act as query syntax;
//  - SASL: AUTHENTICATE's chunks reassemble what was cut; PLAIN and the four SCRAM messages parse
//    only into well-formed parts (names that escape back, nonces without commas, iteration counts
//    within bounds, 32-byte proofs); no input proves a password to a server exchange;
//  - a --cluster Redis or --database PostgreSQL address that parses is in range and logs
//    without its password;
//  - a cluster stream entry that decodes is well-formed and survives encoding and decoding;
//  - a message relayed between nodes that decodes carries only relayable tags and survives the
//    same.

#include "auth/sasl.h"
#include "auth/scram.h"
#include "client/capnegotiation.h"
#include "client/chatstate.h"
#include "client/ctcp.h"
#include "client/historyrequests.h"
#include "client/serverevents.h"
#include "cluster/clusterevent.h"
#include "cluster/clusterframe.h"
#include "config/postgresaddress.h"
#include "config/redisaddress.h"
#include "protocol/ircmessage.h"
#include "protocol/linereader.h"
#include "storage/historyquery.h"
#include "storage/sqlitehistorystore.h"
#include "text/irctext.h"

#include <QDateTime>

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

void checkHistoryGrammar(const IrcMessage &msg)
{
    for (const QByteArray &p : msg.params) {
        for (bool star : {false, true}) {
            const std::optional<HistoryBound> b = HistoryBound::parse(p, star);
            if (!b)
                continue;
            switch (b->kind) {
            case HistoryBound::Kind::None:
                check(star && p == "*");
                break;
            case HistoryBound::Kind::Msgid:
                check(p.startsWith("msgid=") && !b->msgid.isEmpty() && b->msgid.size() <= HistoryBound::MaxMsgidLength);
                break;
            case HistoryBound::Kind::Timestamp:
                check(p.startsWith("timestamp=") && QDateTime::fromMSecsSinceEpoch(b->timeMs).isValid());
                break;
            }
        }
        if (const std::optional<int> limit = HistoryQuery::parseLimit(p))
            check(*limit >= 1 && *limit <= HistoryQuery::MaxLimit);
    }
    const QList<QByteArray> words = HistoryQuery::parseWords(msg.params);
    check(words.size() <= HistoryQuery::MaxWords);
    // Undoing the quoting of the expression gives back exactly the words: each is one string.
    const QString expression = SqliteHistoryStore::matchExpression(words);
    QStringList back;
    QString current;
    bool inside = false;
    for (qsizetype i = 0; i < expression.size(); ++i) {
        const QChar c = expression.at(i);
        if (!inside) {
            check(c == u'"' || c == u' ');
            if (c == u'"')
                inside = true;
        } else if (c == u'"' && i + 1 < expression.size() && expression.at(i + 1) == u'"') {
            current += c;
            ++i;
        } else if (c == u'"') {
            inside = false;
            back.append(std::exchange(current, {}));
        } else {
            current += c;
        }
    }
    check(!inside && back.size() == words.size());
    for (qsizetype i = 0; i < words.size(); ++i)
        check(back.at(i) == QString::fromUtf8(words.at(i)) && !words.at(i).isEmpty()
              && words.at(i).size() <= HistoryQuery::MaxWordLength);
}

void checkAuthPayload(const QByteArray &payload)
{
    QByteArray error;
    if (const auto plain = Sasl::parsePlain(payload))
        check(!plain->authcid.isEmpty() && !plain->password.isEmpty() && !plain->authzid.contains('\0')
              && !plain->authcid.contains('\0') && !plain->password.contains('\0'));
    if (const auto first = Scram::parseClientFirst(payload, &error)) {
        check(!first->user.isEmpty() && Scram::unescapeName(Scram::escapeName(first->user)) == first->user);
        check(!first->nonce.isEmpty() && !first->nonce.contains(',') && payload.endsWith(first->bare));
        // Whatever follows, nobody proves a password to a verifier nobody knows.
        Scram::ServerExchange server;
        check(server.receiveFirst(payload, &error));
        server.challenge(Scram::decoy(first->user, "fuzz"), "servernonce");
        QByteArray reply;
        check(!server.receiveFinal(payload, &reply, &error) && reply.isEmpty());
    }
    if (const auto challenge = Scram::parseServerFirst(payload, &error))
        check(challenge->iterations >= Scram::MinIterations && challenge->iterations <= Scram::MaxIterations
              && !challenge->salt.isEmpty() && !challenge->nonce.contains(','));
    if (const auto final = Scram::parseClientFinal(payload, &error))
        check(final->proof.size() == 32 && payload.startsWith(final->withoutProof));
    if (const auto final = Scram::parseServerFinal(payload, &error))
        check(final->error.isEmpty() == (final->signature.size() == 32));
}

void checkAuthGrammar(const IrcMessage &msg)
{
    for (const QByteArray &p : msg.params) {
        checkAuthPayload(p);
        Sasl::Collector collector;
        const Sasl::Collector::Result r = collector.add(p);
        check((p.size() > Sasl::ChunkSize) == (r == Sasl::Collector::TooLong));
        if (r == Sasl::Collector::Complete)
            checkAuthPayload(collector.payload());
        // Cut into AUTHENTICATE lines and put together again, a payload is itself.
        Sasl::Collector again;
        Sasl::Collector::Result last = Sasl::Collector::NeedMore;
        for (const QByteArray &line : Sasl::encode(p)) {
            check(line.size() <= Sasl::ChunkSize && last == Sasl::Collector::NeedMore);
            last = again.add(line);
            if (last == Sasl::Collector::TooLong)
                break;
        }
        check(p.toBase64().size() > Sasl::MaxEncoded ? last == Sasl::Collector::TooLong
                                                     : last == Sasl::Collector::Complete && again.payload() == p);
    }
}

// What the clients make of network text: formatting runs, CTCP, and a channel's members from
// NAMES, MODE and PREFIX as any server may send them.
void checkClientParsers(const IrcMessage &msg)
{
    for (const QByteArray &p : msg.params) {
        const QString text = IrcText::decode(p);
        const QList<IrcText::Span> spans = IrcText::spans(text);
        for (qsizetype i = 0; i < spans.size(); ++i) {
            check(!spans.at(i).text.isEmpty());
            check(i == 0 || !(spans.at(i).format == spans.at(i - 1).format));
            check(spans.at(i).format.foreground >= -1 && spans.at(i).format.foreground < 99);
            check(spans.at(i).format.background >= -1 && spans.at(i).format.background < 99);
            check(terminalSafe(IrcText::sanitize(spans.at(i).text)));
        }
        if (const std::optional<Ctcp::Message> ctcp = Ctcp::parse(text)) {
            check(!ctcp->command.isEmpty() && ctcp->command == ctcp->command.toUpper());
            if (const std::optional<QString> answer = Ctcp::answer(*ctcp, QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)))
                check(answer->size() <= 200);
        }
    }
    ChatState state;
    state.setPrefix(IrcText::decode(msg.param(0)));
    state.setChannelModes(IrcText::decode(msg.param(1)));
    state.join(QStringLiteral("#c"), QStringLiteral("me"), true);
    QStringList names;
    for (const QByteArray &p : msg.params)
        names.append(IrcText::decode(p));
    state.addNames(QStringLiteral("#c"), names);
    state.endNames(QStringLiteral("#c"));
    state.applyMode(QStringLiteral("#c"), names);
    const QStringList members = state.members(QStringLiteral("#c"));
    const QStringList nicks = state.nicks(QStringLiteral("#c"));
    check(members.size() == nicks.size());
    for (qsizetype i = 0; i < nicks.size(); ++i)
        check(!nicks.at(i).isEmpty() && members.at(i).endsWith(nicks.at(i)));

    // Any numeric, read as a reply to show: never a line break in what is shown.
    bool isNumber = false;
    const int code = msg.command.toInt(&isNumber);
    const auto oneLine
        = [](const QString &s) { return !s.contains(u'\r') && !s.contains(u'\n') && !s.contains(QChar(0)); };
    if (isNumber && msg.command.size() == 3) {
        if (const std::optional<ChatEvent> ev = ServerEvents::fromReply(code, msg))
            check(oneLine(ev->text));
    }
    // Any command, as the session reads it, with and without our nick as its source.
    for (const QString &own : {QString(), IrcText::decode(msg.sourceNick())}) {
        if (const std::optional<ChatEvent> ev = ServerEvents::fromCommand(msg, own)) {
            check(oneLine(ev->text) && oneLine(ev->nick) && oneLine(ev->channel));
            ChatState viewCopy;
            viewCopy.apply(*ev);
        }
    }
    // History's batches as a hostile server may nest, end or never start them.
    HistoryRequests history;
    history.asked(QStringLiteral("#c"), QStringLiteral("latest"));
    for (const QByteArray &start : {QByteArray("BATCH +x chathistory #c"), QByteArray("BATCH +x confab/search #c")}) {
        history.batch(*IrcMessage::parse(start));
        IrcMessage inside = msg;
        inside.setTag("batch", "x");
        history.take(inside, QStringLiteral("me"));
        history.batch(msg);
        if (const std::optional<ChatEvent> ev = history.batch(*IrcMessage::parse("BATCH -x")))
            check(ev->type == ChatEvent::Type::History && ev->messages.size() <= 1);
    }
    // CAP and AUTHENTICATE lines as a hostile server may send them, during registration and after:
    // every line the negotiation answers with is one line.
    CapNegotiation cap([](const QByteArray &line) { check(!line.contains('\r') && !line.contains('\n')); },
                       [](const QString &) {});
    cap.begin({QStringLiteral("acct"), "password", {}, false}, true);
    for (const bool registering : {true, false}) {
        cap.onCap(msg, registering);
        cap.onAuthenticate(msg.param(0));
        cap.onNumeric(isNumber ? code : 904, IrcText::decode(msg.param(1)), registering);
    }
}

void checkMessage(const IrcMessage &msg)
{
    checkClientParsers(msg);
    checkHistoryGrammar(msg);
    checkAuthGrammar(msg);
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
// An engine's address (--cluster's Redis, --database's PostgreSQL): one that parses has a host,
// a port and the rest in range, and what it shows (for the log) parses back to the same place,
// without the password in it.
template <typename Address, typename InRange, typename SamePlace>
void checkAddress(const QString &url, InRange inRange, SamePlace samePlace)
{
    QString error;
    const std::optional<Address> a = Address::parse(url, &error);
    if (!a) {
        check(!error.isEmpty());
        return;
    }
    check(!a->host.isEmpty() && a->port != 0 && inRange(*a));
    const QString shown = a->toString();
    check(a->password.isEmpty() || !shown.contains(u"@") || shown.contains(u":***@"));
    const std::optional<Address> again = Address::parse(shown, &error);
    check(again.has_value());
    check(again->host == a->host && again->port == a->port && samePlace(*a, *again));
    check(again->password.isEmpty() == a->password.isEmpty());
}

void checkAddresses(const QString &url)
{
    checkAddress<RedisAddress>(
        url, [](const RedisAddress &a) { return a.database >= 0 && a.database <= 65535; },
        [](const RedisAddress &a, const RedisAddress &b) { return a.database == b.database; });
    checkAddress<PostgresAddress>(
        url, [](const PostgresAddress &a) { return !a.user.isEmpty() && !a.database.isEmpty(); },
        [](const PostgresAddress &a, const PostgresAddress &b) {
            return a.user == b.user && a.database == b.database;
        });
}

// A cluster stream entry (its fields, here split at spaces): one that decodes encodes to an
// entry that decodes to the same event.
void checkClusterEvent(QByteArrayView input)
{
    const std::optional<ClusterEvent> e = ClusterEvent::decode(input.toByteArray().split(' '));
    if (!e)
        return;
    check(ClusterEvent::isValidNodeName(e->node));
    const std::optional<ClusterEvent> again = ClusterEvent::decode(e->encode());
    check(again.has_value());
    check(*again == *e);
}

// A message relayed between nodes: one that decodes names a valid node, carries only tags a
// receiver may be sent, serialises, and survives encoding and decoding.
void checkClusterFrame(QByteArrayView input)
{
    const std::optional<ClusterFrame> f = ClusterFrame::decode(input);
    if (!f)
        return;
    check(ClusterEvent::isValidNodeName(f->node));
    check(f->recipients.size() <= ClusterFrame::MaxRecipients);
    for (const IrcTag &tag : f->message.tags)
        check(tag.key.startsWith('+') || tag.key == "time" || tag.key == "msgid" || tag.key == "account"
              || tag.key == "bot");
    const std::optional<QByteArray> line = f->message.serialize();
    check(line.has_value());
    const std::optional<ClusterFrame> again
        = ClusterFrame::decode(ClusterFrame::encode(f->node, f->incarnation, f->sequence, f->recipients, *line));
    check(again.has_value());
    check(again->node == f->node && again->incarnation == f->incarnation && again->sequence == f->sequence
          && again->recipients == f->recipients && again->message == f->message);
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
    checkAddresses(QString::fromUtf8(input));
    checkClusterEvent(input);
    checkClusterFrame(input);
    return 0;
}
