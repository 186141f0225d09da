// SPDX-License-Identifier: MIT
#include "protocol/linereader.h"

#include <QRandomGenerator>
#include <QTest>

class TestLineReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void crlfAndBareLf();
    void splitAcrossEveryByte();
    void randomChunking();
    void limitsWithoutTags();
    void limitsWithTags();
    void overlongLineIsDroppedAndReaderRecovers();
    void overlongWithoutTerminatorIsBounded();
    void emptyLines();
    void squeezeFreesOnlyAnEmptyBuffer();

private:
    static QList<QByteArray> drain(LineReader &r, int *tooLong = nullptr);
};

QList<QByteArray> TestLineReader::drain(LineReader &r, int *tooLong)
{
    QList<QByteArray> lines;
    QByteArray line;
    for (;;) {
        const LineReader::Result res = r.next(&line);
        if (res == LineReader::Result::NeedMore)
            break;
        if (res == LineReader::Result::TooLong) {
            if (tooLong)
                ++*tooLong;
            continue;
        }
        lines.append(line);
    }
    return lines;
}

void TestLineReader::crlfAndBareLf()
{
    LineReader r;
    r.append("NICK a\r\nUSER b\nPING x\r\nPART");
    QCOMPARE(drain(r), (QList<QByteArray> {"NICK a", "USER b", "PING x"}));
    r.append(" #c\r\n");
    QCOMPARE(drain(r), QList<QByteArray> {"PART #c"});
    QCOMPARE(r.buffered(), 0);
}

void TestLineReader::splitAcrossEveryByte()
{
    const QByteArray stream = "@a=b :src PRIVMSG #c :hello\r\nQUIT\r\n";
    LineReader r;
    QList<QByteArray> lines;
    for (char c : stream) {
        r.append(QByteArrayView(&c, 1));
        lines += drain(r);
    }
    QCOMPARE(lines, (QList<QByteArray> {"@a=b :src PRIVMSG #c :hello", "QUIT"}));
}

void TestLineReader::randomChunking()
{
    QList<QByteArray> expected;
    QByteArray stream;
    for (int i = 0; i < 500; ++i) {
        const QByteArray line = "PRIVMSG #c :message " + QByteArray::number(i) + QByteArray(i % 50, 'x');
        expected.append(line);
        stream += line + (i % 3 ? "\r\n" : "\n");
    }
    auto *rng = QRandomGenerator::global();
    LineReader r;
    QList<QByteArray> got;
    for (qsizetype pos = 0; pos < stream.size();) {
        const qsizetype n = std::min<qsizetype>(rng->bounded(1, 300), stream.size() - pos);
        r.append(QByteArrayView(stream).sliced(pos, n));
        pos += n;
        got += drain(r);
        if (rng->bounded(2)) // as the server does after every read: it must not lose a partial line
            r.squeeze();
    }
    QCOMPARE(got, expected);
}

void TestLineReader::limitsWithoutTags()
{
    // 510 bytes + CR LF is exactly 512: allowed. One more byte is not.
    const QByteArray ok = "PRIVMSG #c :" + QByteArray(510 - 12, 'a');
    QCOMPARE(ok.size(), 510);
    QVERIFY(LineReader::fitsLimits(ok));
    QVERIFY(!LineReader::fitsLimits(ok + 'a'));

    LineReader r;
    int tooLong = 0;
    r.append(ok + "\r\n" + ok + "a\r\n" + "PING x\r\n");
    QCOMPARE(drain(r, &tooLong), (QList<QByteArray> {ok, "PING x"}));
    QCOMPARE(tooLong, 1);
}

void TestLineReader::limitsWithTags()
{
    // Tags get 4096 bytes of their own ("@" and the trailing space included), on top of 512.
    const QByteArray tags = "@+x=" + QByteArray(4096 - 5, 'v') + ' ';
    QCOMPARE(tags.size(), 4096);
    const QByteArray body = "PRIVMSG #c :" + QByteArray(510 - 12, 'a');
    QVERIFY(LineReader::fitsLimits(tags + body));
    QVERIFY(!LineReader::fitsLimits(tags + body + 'a'));
    QVERIFY(!LineReader::fitsLimits("@+x=" + QByteArray(4096 - 4, 'v') + ' ' + "PING x"));

    LineReader r;
    int tooLong = 0;
    r.append(tags + body + "\r\n");
    QCOMPARE(drain(r, &tooLong), QList<QByteArray> {tags + body});
    QCOMPARE(tooLong, 0);
}

void TestLineReader::overlongLineIsDroppedAndReaderRecovers()
{
    LineReader r;
    int tooLong = 0;
    r.append("PING before\r\n");
    r.append("PRIVMSG #c :" + QByteArray(3000, 'z'));
    r.append(QByteArray(3000, 'z'));
    r.append(QByteArray(3000, 'z') + "\r\nPING after\r\n");
    QCOMPARE(drain(r, &tooLong), (QList<QByteArray> {"PING before", "PING after"}));
    QCOMPARE(tooLong, 1); // reported once, however many reads the line took
}

void TestLineReader::overlongWithoutTerminatorIsBounded()
{
    LineReader r;
    int tooLong = 0;
    for (int i = 0; i < 1000; ++i) {
        r.append(QByteArray(1024, 'q'));
        drain(r, &tooLong);
        QVERIFY2(r.buffered() <= LineReader::MaxLineBytes + 1024, "buffer must stay bounded");
    }
    QCOMPARE(tooLong, 1);
    r.append("\nPING ok\n");
    QCOMPARE(drain(r, &tooLong), QList<QByteArray> {"PING ok"});
}

void TestLineReader::emptyLines()
{
    LineReader r;
    r.append("\r\n\n\r\nPING x\r\n");
    QCOMPARE(drain(r), (QList<QByteArray> {"", "", "", "PING x"}));
}

void TestLineReader::squeezeFreesOnlyAnEmptyBuffer()
{
    LineReader r;
    r.append("NICK a\r\nUSER");
    QCOMPARE(drain(r), QList<QByteArray> {"NICK a"});
    r.squeeze();
    QCOMPARE(r.buffered(), 4); // "USER" waits for the rest of its line
    QVERIFY(r.capacity() > 0);
    r.append(" b 0 * :x\r\n");
    QCOMPARE(drain(r), QList<QByteArray> {"USER b 0 * :x"});
    QVERIFY(r.capacity() > 0); // kept until asked, so a busy reader does not allocate per read
    r.squeeze();
    QCOMPARE(r.capacity(), 0);
    r.append("PING x\r\n");
    QCOMPARE(drain(r), QList<QByteArray> {"PING x"});
}

QTEST_GUILESS_MAIN(TestLineReader)
#include "tst_linereader.moc"
