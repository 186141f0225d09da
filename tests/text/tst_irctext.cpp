#include "text/irctext.h"

#include <QTest>

class TestIrcText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decode();
    void sanitize_data();
    void sanitize();
    void markedStyle();
    void stripFormatting_data();
    void stripFormatting();
};

void TestIrcText::decode()
{
    QCOMPARE(IrcText::decode("caf\xc3\xa9"), QStringLiteral("caf\u00e9"));
    // Not UTF-8: read as Latin-1, nothing lost.
    QCOMPARE(IrcText::decode("caf\xe9"), QStringLiteral("caf\u00e9"));
    QCOMPARE(IrcText::decode("\xff\xfe"), QStringLiteral("\u00ff\u00fe"));
    QCOMPARE(IrcText::decode("\xf0\x9f\x98\x80"), QStringLiteral("\U0001F600"));
}

void TestIrcText::sanitize_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QStringLiteral("hello") << QStringLiteral("hello");
    QTest::newRow("CSI colour") << QStringLiteral("\x1b[31mred\x1b[0m") << QStringLiteral("^[[31mred^[[0m");
    QTest::newRow("clear screen") << QStringLiteral("\x1b[2J\x1b[H") << QStringLiteral("^[[2J^[[H");
    QTest::newRow("OSC title") << QStringLiteral("\x1b]0;owned\x07") << QStringLiteral("^[]0;owned^G");
    QTest::newRow("CR overwrites") << QStringLiteral("safe\rEVIL") << QStringLiteral("safe^MEVIL");
    QTest::newRow("backspace") << QStringLiteral("abc\b\b\b") << QStringLiteral("abc^H^H^H");
    QTest::newRow("DEL") << QStringLiteral("a\x7f") << QStringLiteral("a^?");
    QTest::newRow("C1 CSI") << QStringLiteral("a\u009b31m") << QStringLiteral("a<9b>31m");
    QTest::newRow("bidi override") << QStringLiteral("a\u202eb") << QStringLiteral("a<U+202E>b");
    QTest::newRow("tab becomes space") << QStringLiteral("a\tb") << QStringLiteral("a b");
    QTest::newRow("irc bold and colour removed") << QStringLiteral("\x02" "bold\x02 \x03" "4,12red\x03 x")
                                                 << QStringLiteral("bold red x");
    QTest::newRow("wide and emoji kept") << QStringLiteral("\u4f60\u597d \U0001F600") << QStringLiteral("\u4f60\u597d \U0001F600");
}

void TestIrcText::sanitize()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const QString out = IrcText::sanitize(input);
    QCOMPARE(out, expected);
    for (const QChar c : out)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f && (c.unicode() < 0x80 || c.unicode() >= 0xa0),
                 "a control character survived");
}

void TestIrcText::markedStyle()
{
    const QChar mark(IrcText::ControlMark);
    QCOMPARE(IrcText::sanitize(QStringLiteral("a\x1b[1mb"), IrcText::Style::Marked),
             QString(u'a') + mark + u'[' + QStringLiteral("[1mb"));
    QCOMPARE(IrcText::sanitize(QStringLiteral("\u009b"), IrcText::Style::Marked),
             QString(mark) + u'<' + mark + u'9' + mark + u'b' + mark + u'>');
    // A peer cannot forge a mark: a literal one becomes a placeholder itself.
    const QString forged = IrcText::sanitize(QString(mark) + u'X', IrcText::Style::Marked);
    QVERIFY(!forged.startsWith(QString(mark) + u'X'));
    QVERIFY(forged.endsWith(u'X'));
    QVERIFY(QString(forged).remove(mark).contains(QStringLiteral("<U+E000>")));
}

void TestIrcText::stripFormatting_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("colour fg") << QStringLiteral("\x03" "12blue") << QStringLiteral("blue");
    QTest::newRow("colour fg,bg") << QStringLiteral("\x03" "1,2x") << QStringLiteral("x");
    QTest::newRow("colour then digits kept") << QStringLiteral("\x03" "04" "5") << QStringLiteral("5");
    QTest::newRow("bare colour reset") << QStringLiteral("a\x03" "b") << QStringLiteral("ab");
    QTest::newRow("comma not a colour") << QStringLiteral("\x03" "4,x") << QStringLiteral(",x");
    QTest::newRow("hex colour") << QStringLiteral("\x04" "ff0000red") << QStringLiteral("red");
    QTest::newRow("control kept") << QStringLiteral("\x1b[1m") << QStringLiteral("\x1b[1m");
}

void TestIrcText::stripFormatting()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(IrcText::stripFormatting(input), expected);
}

QTEST_GUILESS_MAIN(TestIrcText)
#include "tst_irctext.moc"
