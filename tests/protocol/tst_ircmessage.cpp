// SPDX-License-Identifier: MIT
#include "protocol/ircmessage.h"

#include <QTest>

Q_DECLARE_METATYPE(IrcMessage)

class TestIrcMessage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void parseRejects_data();
    void parseRejects();
    void tagEscaping_data();
    void tagEscaping();
    void serialize_data();
    void serialize();
    void serializeRefusesInjection_data();
    void serializeRefusesInjection();
    void roundTrip_data();
    void roundTrip();
    void sourceNick();
};

static IrcMessage make(QList<IrcTag> tags, QByteArray source, QByteArray command, QList<QByteArray> params)
{
    IrcMessage m(std::move(command), std::move(params), std::move(source));
    m.tags = std::move(tags);
    return m;
}

void TestIrcMessage::parse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<IrcMessage>("expected");
    QTest::addColumn<bool>("trailing");

    QTest::newRow("bare command") << QByteArray("QUIT") << make({}, {}, "QUIT", {}) << false;
    QTest::newRow("lowercase command") << QByteArray("privmsg #a b") << make({}, {}, "PRIVMSG", {"#a", "b"}) << false;
    QTest::newRow("trailing with spaces")
        << QByteArray("PRIVMSG #chan :hello  world ") << make({}, {}, "PRIVMSG", {"#chan", "hello  world "}) << true;
    QTest::newRow("empty trailing") << QByteArray("TOPIC #c :") << make({}, {}, "TOPIC", {"#c", ""}) << true;
    QTest::newRow("trailing with colons")
        << QByteArray("PRIVMSG #c ::-) :x") << make({}, {}, "PRIVMSG", {"#c", ":-) :x"}) << true;
    QTest::newRow("source") << QByteArray(":nick!user@host JOIN #c") << make({}, "nick!user@host", "JOIN", {"#c"})
                            << false;
    QTest::newRow("numeric") << QByteArray(":srv 001 me :Welcome") << make({}, "srv", "001", {"me", "Welcome"}) << true;
    QTest::newRow("extra spaces") << QByteArray(":srv   PRIVMSG   #c    x  ") << make({}, "srv", "PRIVMSG", {"#c", "x"})
                                  << false;
    QTest::newRow("middle with colon inside")
        << QByteArray("MODE #c +k a:b") << make({}, {}, "MODE", {"#c", "+k", "a:b"}) << false;
    QTest::newRow("tags") << QByteArray("@id=123;+example.com/x=y;flag :n!u@h PRIVMSG #c :hi")
                          << make({{"id", "123"}, {"+example.com/x", "y"}, {"flag", ""}}, "n!u@h", "PRIVMSG",
                                  {"#c", "hi"})
                          << true;
    QTest::newRow("escaped tag value") << QByteArray("@a=one\\stwo\\:three\\\\four\\r\\n TAGMSG #c")
                                       << make({{"a", "one two;three\\four\r\n"}}, {}, "TAGMSG", {"#c"}) << false;
    QTest::newRow("empty tag value") << QByteArray("@a= PING x") << make({{"a", ""}}, {}, "PING", {"x"}) << false;
    QTest::newRow("duplicate tag, last wins")
        << QByteArray("@a=1;a=2 PING x") << make({{"a", "2"}}, {}, "PING", {"x"}) << false;
    QTest::newRow("empty tag item skipped")
        << QByteArray("@a=1;;b PING x") << make({{"a", "1"}, {"b", ""}}, {}, "PING", {"x"}) << false;
    QTest::newRow("many params") << QByteArray("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16")
                                 << make({}, {}, "CMD",
                                         {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",
                                          "15", "16"})
                                 << false;
    QTest::newRow("utf-8 and high bytes")
        << QByteArray("PRIVMSG #c :h\xc3\xa9llo \xff") << make({}, {}, "PRIVMSG", {"#c", "h\xc3\xa9llo \xff"}) << true;
}

void TestIrcMessage::parse()
{
    QFETCH(QByteArray, line);
    QFETCH(IrcMessage, expected);
    QFETCH(bool, trailing);
    const std::optional<IrcMessage> parsed = IrcMessage::parse(line);
    QVERIFY(parsed);
    QCOMPARE(parsed->tags, expected.tags);
    QCOMPARE(parsed->source, expected.source);
    QCOMPARE(parsed->command, expected.command);
    QCOMPARE(parsed->params, expected.params);
    QCOMPARE(parsed->trailing, trailing);
}

void TestIrcMessage::parseRejects_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("only spaces") << QByteArray("   ");
    QTest::newRow("only source") << QByteArray(":nick!u@h");
    QTest::newRow("empty source") << QByteArray(": PRIVMSG #a b");
    QTest::newRow("only tags") << QByteArray("@a=b");
    QTest::newRow("NUL") << QByteArray("PRIVMSG #a :b\0c", 15);
    QTest::newRow("CR inside") << QByteArray("PRIVMSG #a :b\rQUIT");
    QTest::newRow("LF inside") << QByteArray("PRIVMSG #a :b\nQUIT");
    QTest::newRow("numeric of two digits") << QByteArray("01 x");
    QTest::newRow("mixed command") << QByteArray("PRIV1MSG x");
    QTest::newRow("bad tag key") << QByteArray("@a b=c PING x");
    QTest::newRow("bare plus tag key") << QByteArray("@+=1 PING x");
}

void TestIrcMessage::parseRejects()
{
    QFETCH(QByteArray, line);
    QVERIFY(!IrcMessage::parse(line));
}

void TestIrcMessage::tagEscaping_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("escaped");
    QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("all specials") << QByteArray("; \\\r\n") << QByteArray("\\:\\s\\\\\\r\\n");
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestIrcMessage::tagEscaping()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, escaped);
    QCOMPARE(IrcMessage::escapeTagValue(raw), escaped);
    QCOMPARE(IrcMessage::unescapeTagValue(escaped), raw);
    // Lenient decoding, per the specification: unknown escapes give the character, a lone
    // trailing backslash is dropped.
    QCOMPARE(IrcMessage::unescapeTagValue("a\\bc"), QByteArray("abc"));
    QCOMPARE(IrcMessage::unescapeTagValue("abc\\"), QByteArray("abc"));
}

void TestIrcMessage::serialize_data()
{
    QTest::addColumn<IrcMessage>("message");
    QTest::addColumn<bool>("trailing");
    QTest::addColumn<QByteArray>("wire");
    QTest::newRow("no params") << make({}, {}, "QUIT", {}) << false << QByteArray("QUIT\r\n");
    QTest::newRow("simple last param") << make({}, {}, "JOIN", {"#c"}) << false << QByteArray("JOIN #c\r\n");
    QTest::newRow("forced trailing") << make({}, "n!u@h", "PRIVMSG", {"#c", "hi"}) << true
                                     << QByteArray(":n!u@h PRIVMSG #c :hi\r\n");
    QTest::newRow("space needs colon") << make({}, {}, "PRIVMSG", {"#c", "a b"}) << false
                                       << QByteArray("PRIVMSG #c :a b\r\n");
    QTest::newRow("leading colon needs colon")
        << make({}, {}, "PRIVMSG", {"#c", ":)"}) << false << QByteArray("PRIVMSG #c ::)\r\n");
    QTest::newRow("empty last needs colon")
        << make({}, {}, "TOPIC", {"#c", ""}) << false << QByteArray("TOPIC #c :\r\n");
    QTest::newRow("tags escaped") << make({{"time", "x y"}, {"+a", ""}}, "s", "TAGMSG", {"#c"}) << false
                                  << QByteArray("@time=x\\sy;+a :s TAGMSG #c\r\n");
}

void TestIrcMessage::serialize()
{
    QFETCH(IrcMessage, message);
    QFETCH(bool, trailing);
    QFETCH(QByteArray, wire);
    message.trailing = trailing;
    const std::optional<QByteArray> out = message.serialize();
    QVERIFY(out);
    QCOMPARE(*out, wire);
}

void TestIrcMessage::serializeRefusesInjection_data()
{
    QTest::addColumn<IrcMessage>("message");
    QTest::newRow("CRLF in text") << make({}, {}, "PRIVMSG", {"#c", "hi\r\nQUIT :owned"});
    QTest::newRow("LF in text") << make({}, {}, "PRIVMSG", {"#c", "hi\nQUIT"});
    QTest::newRow("CR in text") << make({}, {}, "PRIVMSG", {"#c", "hi\rQUIT"});
    QTest::newRow("NUL in text") << make({}, {}, "PRIVMSG", {"#c", QByteArray("a\0b", 3)});
    QTest::newRow("space in middle param") << make({}, {}, "PRIVMSG", {"#c x", "hi"});
    QTest::newRow("empty middle param") << make({}, {}, "PRIVMSG", {"", "hi"});
    QTest::newRow("colon-led middle param") << make({}, {}, "PRIVMSG", {":x", "hi"});
    QTest::newRow("CRLF in source") << make({}, "a\r\nQUIT", "PRIVMSG", {"#c", "hi"});
    QTest::newRow("space in source") << make({}, "a b", "PRIVMSG", {"#c", "hi"});
    QTest::newRow("bad command") << make({}, {}, "PRIV MSG", {"#c", "hi"});
    QTest::newRow("empty command") << make({}, {}, "", {"#c"});
    QTest::newRow("bad tag key") << make({{"a;b", "1"}}, {}, "TAGMSG", {"#c"});
    QTest::newRow("NUL in tag value") << make({{"a", QByteArray("x\0y", 3)}}, {}, "TAGMSG", {"#c"});
}

void TestIrcMessage::serializeRefusesInjection()
{
    QFETCH(IrcMessage, message);
    QVERIFY(!message.serialize());
}

void TestIrcMessage::roundTrip_data()
{
    QTest::addColumn<IrcMessage>("message");
    QTest::newRow("plain") << make({}, {}, "PRIVMSG", {"#c", "hello"});
    QTest::newRow("tricky text") << make({}, "n!u@h", "PRIVMSG", {"#c", " :leading space and colon: "});
    QTest::newRow("tags with every special")
        << make({{"+x", "; \\\r\n="}, {"time", "2026-01-01T00:00:00.000Z"}}, "srv", "TAGMSG", {"#c"});
    QTest::newRow("numeric") << make({}, "srv", "353", {"me", "=", "#c", "@a b c"});
    QTest::newRow("empty last") << make({}, {}, "TOPIC", {"#c", ""});
}

void TestIrcMessage::roundTrip()
{
    QFETCH(IrcMessage, message);
    const std::optional<QByteArray> wire = message.serialize();
    QVERIFY(wire);
    QVERIFY(wire->endsWith("\r\n"));
    const std::optional<IrcMessage> back = IrcMessage::parse(wire->chopped(2));
    QVERIFY(back);
    QCOMPARE(*back, message);
    // And the wire form is stable: serialising again gives the same bytes.
    QCOMPARE(back->serialize(), wire);
}

void TestIrcMessage::sourceNick()
{
    QCOMPARE(IrcMessage("X", {}, "nick!user@host").sourceNick(), QByteArray("nick"));
    QCOMPARE(IrcMessage("X", {}, "nick@host").sourceNick(), QByteArray("nick"));
    QCOMPARE(IrcMessage("X", {}, "server.name").sourceNick(), QByteArray("server.name"));
}

QTEST_GUILESS_MAIN(TestIrcMessage)
#include "tst_ircmessage.moc"
