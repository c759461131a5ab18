// Student-t quantiles against published table values, the mean's confidence interval, and the median's binomial
// order-statistic interval against Le Boudec's Table A.1 and an independent binomial sum.
#include "analysis/stats.h"

#include <QtTest>
#include <cmath>
#include <limits>
#include <vector>

using namespace faaswb::analysis;

namespace {

// P(j <= B <= n-j) for B ~ Binomial(n, 1/2): the coverage of [x_(j), x_(n+1-j)], by summing the pmf term by term.
double binomialCoverage(int n, int j) {
    double term = std::pow(0.5, n); // P(B = 0)
    double coverage = 0;
    for (int i = 0; i <= n; ++i) {
        if (i >= j && i <= n - j)
            coverage += term;
        term = term * (n - i) / (i + 1);
    }
    return coverage;
}

std::vector<double> ascending(int n) {
    std::vector<double> values;
    for (int i = n; i >= 1; --i) // given in descending order: describeSample must sort
        values.push_back(i * 10.0);
    return values;
}

} // namespace

class TestStats : public QObject {
    Q_OBJECT

private slots:
    void studentTQuantiles_data() {
        QTest::addColumn<double>("p");
        QTest::addColumn<int>("nu");
        QTest::addColumn<double>("expected");
        // Published two-sided 95% critical values (e.g. NIST/SEMATECH e-Handbook, Table 1.3.6.7.2), and others.
        QTest::addRow("0.975,1") << 0.975 << 1 << 12.7062047;
        QTest::addRow("0.975,2") << 0.975 << 2 << 4.30265273;
        QTest::addRow("0.975,4") << 0.975 << 4 << 2.77644511;
        QTest::addRow("0.975,9") << 0.975 << 9 << 2.26215716;
        QTest::addRow("0.975,30") << 0.975 << 30 << 2.04227246;
        QTest::addRow("0.975,1000") << 0.975 << 1000 << 1.96233908;
        QTest::addRow("0.95,10") << 0.95 << 10 << 1.81246112;
        QTest::addRow("0.995,5") << 0.995 << 5 << 4.03214298;
        QTest::addRow("0.75,1") << 0.75 << 1 << 1.0; // Cauchy: tan(π/4)
        QTest::addRow("0.025,4") << 0.025 << 4 << -2.77644511;
    }
    void studentTQuantiles() {
        QFETCH(double, p);
        QFETCH(int, nu);
        QFETCH(double, expected);
        const double t = studentTQuantile(p, nu);
        QVERIFY2(std::abs(t - expected) < 1e-6, qPrintable(QString::number(t, 'g', 12)));
    }

    void studentTQuantileMedianIsZeroAndBadInputsAreNan() {
        QCOMPARE(studentTQuantile(0.5, 7), 0.0);
        QVERIFY(std::isnan(studentTQuantile(0, 3)));
        QVERIFY(std::isnan(studentTQuantile(1, 3)));
        QVERIFY(std::isnan(studentTQuantile(0.9, 0)));
    }

    void medianIntervalRanks_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("low");  // 1-based rank
        QTest::addColumn<int>("high"); // 1-based rank
        QTest::addRow("n=6") << 6 << 1 << 6;
        QTest::addRow("n=8") << 8 << 1 << 8;
        QTest::addRow("n=9") << 9 << 2 << 8;
        QTest::addRow("n=10") << 10 << 2 << 9;
        QTest::addRow("n=20") << 20 << 6 << 15;
        QTest::addRow("n=100") << 100 << 40 << 61;
    }
    void medianIntervalRanks() {
        QFETCH(int, n);
        QFETCH(int, low);
        QFETCH(int, high);
        // The table entry is the tightest symmetric pair with coverage >= 95%: check it independently.
        QCOMPARE(high, n + 1 - low);
        QVERIFY(binomialCoverage(n, low) >= 0.95);
        QVERIFY(binomialCoverage(n, low + 1) < 0.95);

        const SampleStats stats = describeSample(ascending(n));
        QVERIFY(stats.medianCiLow && stats.medianCiHigh);
        QCOMPARE(*stats.medianCiLow, low * 10.0);
        QCOMPARE(*stats.medianCiHigh, high * 10.0);
    }

    void noMedianIntervalBelowSixValues() {
        QVERIFY(binomialCoverage(5, 1) < 0.95);
        const SampleStats stats = describeSample(ascending(5));
        QVERIFY(!stats.medianCiLow && !stats.medianCiHigh);
        QCOMPARE(stats.median, 30.0);
    }

    void meanIntervalUsesStudentT() {
        const std::vector<double> values{5, 1, 4, 2, 3};
        const SampleStats stats = describeSample(values);
        QCOMPARE(stats.n, 5);
        QCOMPARE(stats.mean, 3.0);
        QCOMPARE(stats.median, 3.0);
        QCOMPARE(stats.min, 1.0);
        QCOMPARE(stats.max, 5.0);
        QVERIFY(stats.stddev && std::abs(*stats.stddev - std::sqrt(2.5)) < 1e-12);
        const double halfWidth = 2.77644511 * std::sqrt(2.5) / std::sqrt(5.0); // t(0.975, 4) s / sqrt(n)
        QVERIFY(stats.meanCiLow && std::abs(*stats.meanCiLow - (3 - halfWidth)) < 1e-6);
        QVERIFY(stats.meanCiHigh && std::abs(*stats.meanCiHigh - (3 + halfWidth)) < 1e-6);
    }

    void evenCountMedianAveragesTheMiddlePair() {
        const std::vector<double> values{4, 1, 3, 2};
        QCOMPARE(describeSample(values).median, 2.5);
    }

    void nonFiniteValuesAreIgnored() {
        const std::vector<double> values{std::numeric_limits<double>::quiet_NaN(), 2, 4,
                                         std::numeric_limits<double>::infinity()};
        const SampleStats stats = describeSample(values);
        QCOMPARE(stats.n, 2);
        QCOMPARE(stats.mean, 3.0);
    }

    void singleAndEmptySamples() {
        const std::vector<double> one{7};
        const SampleStats single = describeSample(one);
        QCOMPARE(single.n, 1);
        QCOMPARE(single.mean, 7.0);
        QVERIFY(!single.stddev && !single.meanCiLow && !single.meanCiHigh);
        const SampleStats empty = describeSample({});
        QCOMPARE(empty.n, 0);
        QCOMPARE(empty.mean, 0.0);
        QVERIFY(!empty.stddev && !empty.medianCiLow);
    }
};

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
