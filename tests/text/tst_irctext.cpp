// SPDX-License-Identifier: MIT
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
    void spans_data();
    void spans();
    void colours_data();
    void colours();
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
    QTest::newRow("irc bold and colour removed") << QStringLiteral("\x02"
                                                                   "bold\x02 \x03"
                                                                   "4,12red\x03 x")
                                                 << QStringLiteral("bold red x");
    QTest::newRow("wide and emoji kept") << QStringLiteral("\u4f60\u597d \U0001F600")
                                         << QStringLiteral("\u4f60\u597d \U0001F600");
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
    QTest::newRow("colour fg") << QStringLiteral("\x03"
                                                 "12blue")
                               << QStringLiteral("blue");
    QTest::newRow("colour fg,bg") << QStringLiteral("\x03"
                                                    "1,2x")
                                  << QStringLiteral("x");
    QTest::newRow("colour then digits kept") << QStringLiteral("\x03"
                                                               "04"
                                                               "5")
                                             << QStringLiteral("5");
    QTest::newRow("bare colour reset") << QStringLiteral("a\x03"
                                                         "b")
                                       << QStringLiteral("ab");
    QTest::newRow("comma not a colour") << QStringLiteral("\x03"
                                                          "4,x")
                                        << QStringLiteral(",x");
    QTest::newRow("hex colour") << QStringLiteral("\x04"
                                                  "ff0000red")
                                << QStringLiteral("red");
    QTest::newRow("control kept") << QStringLiteral("\x1b[1m") << QStringLiteral("\x1b[1m");
}

void TestIrcText::stripFormatting()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(IrcText::stripFormatting(input), expected);
}

void TestIrcText::spans_data()
{
    // Each span written as "text|flags|fg,bg" with flags from b i u s m r.
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("plain") << QString("hello") << QStringList {"hello||-1,-1"};
    QTest::newRow("bold toggles") << QString("a\x02"
                                             "b\x02"
                                             "c")
                                  << QStringList {"a||-1,-1", "b|b|-1,-1", "c||-1,-1"};
    QTest::newRow("all the flags") << QString("\x02\x1d\x1f\x1e\x11\x16x") << QStringList {"x|biusmr|-1,-1"};
    QTest::newRow("reset") << QString("\x02\x1d"
                                      "a\x0f"
                                      "b")
                           << QStringList {"a|bi|-1,-1", "b||-1,-1"};
    QTest::newRow("colour fg") << QString("\x03"
                                          "4red")
                               << QStringList {"red||4,-1"};
    QTest::newRow("colour fg,bg two digits") << QString("\x03"
                                                        "04,12x")
                                             << QStringList {"x||4,12"};
    QTest::newRow("three digits: the third is text") << QString("\x03"
                                                                "123")
                                                     << QStringList {"3||12,-1"};
    QTest::newRow("comma without a digit is text") << QString("\x03"
                                                              "5,x")
                                                   << QStringList {",x||5,-1"};
    QTest::newRow("^C alone ends colours") << QString("\x03"
                                                      "3,4a\x03"
                                                      "b")
                                           << QStringList {"a||3,4", "b||-1,-1"};
    QTest::newRow("fg only keeps bg") << QString("\x03"
                                                 "3,4a\x03"
                                                 "5b")
                                      << QStringList {"a||3,4", "b||5,4"};
    QTest::newRow("99 is the default") << QString("\x03"
                                                  "99,99x")
                                       << QStringList {"x||-1,-1"};
    QTest::newRow("extended colours") << QString("\x03"
                                                 "52,98x")
                                      << QStringList {"x||52,98"};
    QTest::newRow("hex colour removed") << QString("\x04"
                                                   "ff0000,00ff00x")
                                        << QStringList {"x||-1,-1"};
    QTest::newRow("same format merges") << QString("a\x02\x02"
                                                   "b")
                                        << QStringList {"ab||-1,-1"};
    QTest::newRow("controls stay for sanitize") << QString("\x02\x1b[2J") << QStringList {"\x1b[2J|b|-1,-1"};
    QTest::newRow("only codes") << QString("\x02\x03"
                                           "4\x0f")
                                << QStringList {};
}

void TestIrcText::spans()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QStringList got;
    for (const IrcText::Span &s : IrcText::spans(text)) {
        const IrcText::Format &f = s.format;
        QString flags;
        for (auto [on, letter] : {std::pair {f.bold, 'b'},
                                  {f.italic, 'i'},
                                  {f.underline, 'u'},
                                  {f.strikethrough, 's'},
                                  {f.monospace, 'm'},
                                  {f.reverse, 'r'}})
            if (on)
                flags += QLatin1Char(letter);
        got.append(QStringLiteral("%1|%2|%3,%4").arg(s.text, flags).arg(f.foreground).arg(f.background));
    }
    QCOMPARE(got, expected);
}

void TestIrcText::colours_data()
{
    QTest::addColumn<int>("mirc");
    QTest::addColumn<int>("xterm");
    QTest::addColumn<qint64>("rgb");
    QTest::addColumn<int>("classic");
    QTest::newRow("white") << 0 << 15 << qint64(0xffffff) << 0;
    QTest::newRow("red") << 4 << 9 << qint64(0xff0000) << 4;
    QTest::newRow("light grey") << 15 << 7 << qint64(0xd2d2d2) << 15;
    QTest::newRow("16: darkest red") << 16 << 52 << qint64(0x5f0000) << 5;
    QTest::newRow("52: red") << 52 << 196 << qint64(0xff0000) << 4;
    QTest::newRow("62: magenta") << 62 << 201 << qint64(0xff00ff) << 13;
    QTest::newRow("88: black") << 88 << 16 << qint64(0x000000) << 1;
    QTest::newRow("93: a grey") << 93 << 241 << qint64(0x626262) << 14;
    QTest::newRow("98: white") << 98 << 231 << qint64(0xffffff) << 0;
    QTest::newRow("99 is the default") << 99 << -1 << qint64(-1) << -1;
    QTest::newRow("-1 is the default") << -1 << -1 << qint64(-1) << -1;
}

void TestIrcText::colours()
{
    QFETCH(int, mirc);
    QFETCH(int, xterm);
    QFETCH(qint64, rgb);
    QFETCH(int, classic);
    QCOMPARE(IrcText::mircToXterm256(mirc), xterm);
    QCOMPARE(IrcText::mircToRgb(mirc), rgb);
    if (mirc <= 98)
        QCOMPARE(IrcText::mircNearestClassic(mirc), classic);
}

QTEST_GUILESS_MAIN(TestIrcText)
#include "tst_irctext.moc"
