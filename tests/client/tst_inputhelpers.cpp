// SPDX-License-Identifier: MIT
// The input-line logic both clients share: history and nick completion.

#include "client/inputhistory.h"
#include "client/nickcompleter.h"

#include <QTest>

class TestInputHelpers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void historyWalksAndKeepsTheDraft();
    void historySkipsBlanksAndRepeats();
    void completionAtLineStart();
    void completionMidLineCycles();
    void completionWithoutMatch();
};

void TestInputHelpers::historyWalksAndKeepsTheDraft()
{
    InputHistory h;
    QCOMPARE(h.older(QStringLiteral("x")), std::nullopt);
    h.add(QStringLiteral("one"));
    h.add(QStringLiteral("two"));
    QCOMPARE(h.older(QStringLiteral("draft")), QStringLiteral("two"));
    QCOMPARE(h.older(QStringLiteral("two")), QStringLiteral("one"));
    QCOMPARE(h.older(QStringLiteral("one")), std::nullopt); // oldest reached
    QCOMPARE(h.newer(), QStringLiteral("two"));
    QCOMPARE(h.newer(), QStringLiteral("draft")); // back to what was being typed
    QCOMPARE(h.newer(), std::nullopt);
}

void TestInputHelpers::historySkipsBlanksAndRepeats()
{
    InputHistory h;
    h.add(QStringLiteral("same"));
    h.add(QStringLiteral("same"));
    h.add(QStringLiteral("   "));
    QCOMPARE(h.older(QString()), QStringLiteral("same"));
    QCOMPARE(h.older(QString()), std::nullopt);
}

void TestInputHelpers::completionAtLineStart()
{
    NickCompleter c;
    const auto r = c.complete(QStringLiteral("bo"), 2, {QStringLiteral("alice"), QStringLiteral("Bob")});
    QVERIFY(r);
    QCOMPARE(r->text, QStringLiteral("Bob: "));
    QCOMPARE(r->cursor, 5);
}

void TestInputHelpers::completionMidLineCycles()
{
    NickCompleter c;
    const QStringList nicks {QStringLiteral("carol"), QStringLiteral("caroline"), QStringLiteral("bob")};
    const QString text = QStringLiteral("hi car, bye");
    auto r = c.complete(text, 6, nicks);
    QVERIFY(r);
    QCOMPARE(r->text, QStringLiteral("hi carol , bye"));
    r = c.complete(r->text, r->cursor, nicks); // Tab again: the next match replaces it
    QVERIFY(r);
    QCOMPARE(r->text, QStringLiteral("hi caroline , bye"));
    r = c.complete(r->text, r->cursor, nicks); // and wraps around
    QCOMPARE(r->text, QStringLiteral("hi carol , bye"));
    c.reset();
    r = c.complete(QStringLiteral("b"), 1, nicks); // a new word after reset
    QCOMPARE(r->text, QStringLiteral("bob: "));
}

void TestInputHelpers::completionWithoutMatch()
{
    NickCompleter c;
    QCOMPARE(c.complete(QStringLiteral("zz"), 2, {QStringLiteral("alice")}), std::nullopt);
    QCOMPARE(c.complete(QStringLiteral("hi "), 3, {QStringLiteral("alice")}), std::nullopt); // empty word
}

QTEST_GUILESS_MAIN(TestInputHelpers)
#include "tst_inputhelpers.moc"
