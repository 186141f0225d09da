// SPDX-License-Identifier: MIT
// The delivery stages' histogram: bucket bounds within an eighth, percentiles by rank, merging.

#include "net/latencyhistogram.h"

#include <QTest>

class TestLatencyHistogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bucketsHoldTheirValuesWithinAnEighth();
    void percentilesByRank();
    void mergeAddsCounts();
    void emptyIsZero();
};

void TestLatencyHistogram::bucketsHoldTheirValuesWithinAnEighth()
{
    // Exact below 16 ns, then every bucket's bound is at most 12.5 % above what it holds.
    for (qint64 v : {0LL, 1LL, 7LL, 8LL, 15LL})
        QCOMPARE(LatencyHistogram::upperBound(LatencyHistogram::bucketOf(v)), v);
    for (qint64 v = 16; v < (qint64(1) << 50); v = v * 3 / 2 + 1) {
        const qint64 bound = LatencyHistogram::upperBound(LatencyHistogram::bucketOf(v));
        QVERIFY2(bound >= v && double(bound) <= double(v) * 1.125 + 1, qPrintable(QString::number(v)));
        // The bucket's bound is its own: one more is the next bucket.
        QCOMPARE(LatencyHistogram::bucketOf(bound + 1), LatencyHistogram::bucketOf(bound) + 1);
    }
    QVERIFY(LatencyHistogram::upperBound(LatencyHistogram::bucketOf(std::numeric_limits<qint64>::max())) > 0);
}

void TestLatencyHistogram::percentilesByRank()
{
    LatencyHistogram h;
    for (int i = 1; i <= 1000; ++i)
        h.record(i * 1000); // 1 us .. 1 ms
    QCOMPARE(h.count(), 1000);
    QCOMPARE(h.max(), 1000000);
    const qint64 p50 = h.percentile(0.5);
    QVERIFY2(p50 >= 500000 && p50 <= 500000 * 1.125, qPrintable(QString::number(p50)));
    const qint64 p99 = h.percentile(0.99);
    QVERIFY2(p99 >= 990000 && p99 <= 1000000, qPrintable(QString::number(p99)));
    QCOMPARE(h.percentile(1.0), 1000000); // never above the largest seen
}

void TestLatencyHistogram::mergeAddsCounts()
{
    LatencyHistogram fast, slow, total;
    for (int i = 0; i < 90; ++i)
        fast.record(1000);
    for (int i = 0; i < 10; ++i)
        slow.record(1000000);
    total.merge(fast);
    total.merge(slow);
    total.merge(LatencyHistogram()); // one that never recorded
    QCOMPARE(total.count(), 100);
    QCOMPARE(total.max(), 1000000);
    QVERIFY(total.percentile(0.9) <= 1125);
    QVERIFY(total.percentile(0.91) >= 1000000 * 7 / 8);
}

void TestLatencyHistogram::emptyIsZero()
{
    const LatencyHistogram h;
    QCOMPARE(h.count(), 0);
    QCOMPARE(h.percentile(0.99), 0);
}

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latencyhistogram.moc"
