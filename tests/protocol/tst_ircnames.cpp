// SPDX-License-Identifier: MIT
#include "protocol/ircnames.h"

#include <QTest>

class TestIrcNames : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nicks_data();
    void nicks();
    void channels_data();
    void channels();
    void caseMapping();
    void masks();
};

void TestIrcNames::nicks_data()
{
    QTest::addColumn<QByteArray>("nick");
    QTest::addColumn<bool>("valid");
    QTest::newRow("letters") << QByteArray("alice") << true;
    QTest::newRow("specials") << QByteArray("[bob]_^{|}`\\") << true;
    QTest::newRow("digits and dash inside") << QByteArray("a1-2") << true;
    QTest::newRow("max length") << QByteArray(IrcNames::NickLen, 'a') << true;
    QTest::newRow("too long") << QByteArray(IrcNames::NickLen + 1, 'a') << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("leading digit") << QByteArray("1abc") << false;
    QTest::newRow("leading dash") << QByteArray("-abc") << false;
    QTest::newRow("space") << QByteArray("a b") << false;
    QTest::newRow("channel-like") << QByteArray("#abc") << false;
    QTest::newRow("colon") << QByteArray(":abc") << false;
    QTest::newRow("bang") << QByteArray("a!b") << false;
    QTest::newRow("at") << QByteArray("a@b") << false;
    QTest::newRow("comma") << QByteArray("a,b") << false;
    QTest::newRow("utf-8") << QByteArray("j\xc3\xb6rg") << false;
    QTest::newRow("control") << QByteArray("a\x1b[2J") << false;
}

void TestIrcNames::nicks()
{
    QFETCH(QByteArray, nick);
    QFETCH(bool, valid);
    QCOMPARE(IrcNames::isValidNick(nick), valid);
}

void TestIrcNames::channels_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << QByteArray("#lobby") << true;
    QTest::newRow("utf-8") << QByteArray("#caf\xc3\xa9") << true;
    QTest::newRow("max length") << "#" + QByteArray(IrcNames::ChannelLen - 1, 'c') << true;
    QTest::newRow("too long") << "#" + QByteArray(IrcNames::ChannelLen, 'c') << false;
    QTest::newRow("just prefix") << QByteArray("#") << false;
    QTest::newRow("no prefix") << QByteArray("lobby") << false;
    QTest::newRow("other prefix") << QByteArray("&lobby") << false;
    QTest::newRow("space") << QByteArray("#a b") << false;
    QTest::newRow("comma") << QByteArray("#a,b") << false;
    QTest::newRow("colon") << QByteArray("#a:b") << false;
    QTest::newRow("bell") << QByteArray("#a\ab") << false;
}

void TestIrcNames::channels()
{
    QFETCH(QByteArray, name);
    QFETCH(bool, valid);
    QCOMPARE(IrcNames::isValidChannel(name), valid);
}

void TestIrcNames::caseMapping()
{
    QCOMPARE(QByteArray(IrcNames::CaseMapping), QByteArray("ascii"));
    QVERIFY(IrcNames::equals("Alice", "aLICE"));
    QCOMPARE(IrcNames::fold("#LoBBy"), QByteArray("#lobby"));
    // ascii mapping: the rfc1459 pairs are distinct characters.
    QVERIFY(!IrcNames::equals("a[", "a{"));
    QVERIFY(!IrcNames::equals("a", "ab"));
    QCOMPARE(IrcNames::fold("\xc3\x89"), QByteArray("\xc3\x89"));
}

void TestIrcNames::masks()
{
    QVERIFY(IrcNames::matchesMask("*", "anything"));
    QVERIFY(IrcNames::matchesMask("a*", "Alice"));
    QVERIFY(IrcNames::matchesMask("*ce", "alice"));
    QVERIFY(IrcNames::matchesMask("a?i*e", "alice"));
    QVERIFY(!IrcNames::matchesMask("b*", "alice"));
    QVERIFY(!IrcNames::matchesMask("alice?", "alice"));
    QVERIFY(IrcNames::matchesMask("**a**", "a"));
    // Pathological pattern stays fast (no exponential backtracking).
    QVERIFY(!IrcNames::matchesMask("*a*a*a*a*a*a*a*a*b", QByteArray(30, 'a')));
}

QTEST_GUILESS_MAIN(TestIrcNames)
#include "tst_ircnames.moc"
