// SPDX-License-Identifier: MIT
// A scrollback line packed and unpacked again: the same segments, attributes, id, time and marker.

#include "packedline.h"

#include <QTest>

class TestPackedLine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void plainLineHasNoTimeOrId();
    void segmentLongerThanARun();
};

namespace {
bool sameSegments(const ScreenLine &a, const ScreenLine &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const ScreenSegment &x = a.at(i), &y = b.at(i);
        if (x.text != y.text || x.color != y.color || x.bold != y.bold || x.dim != y.dim || x.reverse != y.reverse
            || x.italic != y.italic || x.underline != y.underline)
            return false;
    }
    return true;
}
} // namespace

void TestPackedLine::roundTrip()
{
    ScreenLine line;
    line.append(ScreenSegment {QStringLiteral("12:34 "), 3, false, true});
    line.append(ScreenSegment {QStringLiteral("<"), 0});
    line.append(ScreenSegment {QStringLiteral("zoë"), 517, true});
    line.append(ScreenSegment {QStringLiteral("> "), 0});
    line.append(ScreenSegment {QString(), 2}); // an empty piece stays a piece
    line.append(ScreenSegment {QStringLiteral("héllo 🙂 wörld, e\u0301"), 9, false, false, true, true, true});
    line.indent = 13;
    line.msgid = QStringLiteral("lx0a1b-3kq9-7f");
    line.time = QDateTime::fromMSecsSinceEpoch(1764488400123, Qt::UTC);
    line.marker = true;

    const PackedLine packed(line);
    const ScreenLine back = packed.unpack();
    QVERIFY(sameSegments(back, line));
    QCOMPARE(back.indent, 13);
    QCOMPARE(back.msgid, line.msgid);
    QCOMPARE(back.time, line.time);
    QVERIFY(back.marker);
    QVERIFY(packed.isMarker());
    QVERIFY(packed.hasTime());
    QCOMPARE(packed.time(), line.time);
    QCOMPARE(packed.msgid(), QByteArray("lx0a1b-3kq9-7f"));
    QCOMPARE(packed.text(), QStringLiteral("12:34 <zoë> héllo 🙂 wörld, e\u0301"));
}

void TestPackedLine::plainLineHasNoTimeOrId()
{
    ScreenLine line;
    line.append(ScreenSegment {QStringLiteral("--- a notice"), 1});
    const PackedLine packed(line);
    QVERIFY(!packed.hasTime());
    QVERIFY(!packed.time().isValid());
    QVERIFY(packed.msgid().isEmpty());
    QVERIFY(!packed.isMarker());
    const ScreenLine back = packed.unpack();
    QVERIFY(sameSegments(back, line));
    QVERIFY(!back.time.isValid());
    QVERIFY(back.msgid.isEmpty());

    const PackedLine empty;
    QVERIFY(empty.unpack().isEmpty());
    QVERIFY(empty.text().isEmpty());
}

void TestPackedLine::segmentLongerThanARun()
{
    // More than a run's 65,535 UTF-16 units: it comes back whole, in pieces of the same look.
    ScreenLine line;
    const QString longText = QString(70000, u'x') + QStringLiteral("end");
    line.append(ScreenSegment {longText, 4, true});
    line.append(ScreenSegment {QStringLiteral(" after"), 5});
    const ScreenLine back = PackedLine(line).unpack();
    QString whole;
    for (const ScreenSegment &s : back) {
        if (s.text.endsWith(u"after"))
            break;
        QCOMPARE(s.color, short(4));
        QVERIFY(s.bold);
        whole += s.text;
    }
    QCOMPARE(whole, longText);
    QCOMPARE(back.last().text, QStringLiteral(" after"));
    QCOMPARE(back.last().color, short(5));
}

QTEST_GUILESS_MAIN(TestPackedLine)
#include "tst_packedline.moc"
