#include "common/units.h"

#include <QtTest>

using namespace faaswb;
using namespace std::chrono_literals;

class TestUnits : public QObject {
    Q_OBJECT
private slots:
    void durations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("nanos");
        QTest::addRow("ms") << "500ms" << qint64(500'000'000);
        QTest::addRow("s") << "30s" << qint64(30'000'000'000);
        QTest::addRow("m") << "2m" << qint64(120'000'000'000);
        QTest::addRow("h") << "1h" << qint64(3'600'000'000'000);
        QTest::addRow("compound") << "1m30s" << qint64(90'000'000'000);
        QTest::addRow("fraction") << "1.5s" << qint64(1'500'000'000);
        QTest::addRow("us") << "250us" << qint64(250'000);
        QTest::addRow("zero") << "0" << qint64(0);
        QTest::addRow("spaces") << " 10s " << qint64(10'000'000'000);
    }
    void durations() {
        QFETCH(QString, text);
        QFETCH(qint64, nanos);
        const auto parsed = parseDuration(text.toStdString());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(qint64(parsed->count()), nanos);
    }
    void badDurations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("messagePart");
        QTest::addRow("no unit") << "30" << "unit";
        QTest::addRow("unknown unit") << "30x" << "unknown unit";
        QTest::addRow("negative") << "-5s" << "invalid duration";
        QTest::addRow("empty") << "" << "empty duration";
        QTest::addRow("words") << "soon" << "expected a duration";
    }
    void badDurations() {
        QFETCH(QString, text);
        QFETCH(QString, messagePart);
        const auto parsed = parseDuration(text.toStdString());
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(messagePart),
                 parsed.error().message.c_str());
    }
    void rates_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("rps");
        QTest::addRow("plain") << "200" << 200.0;
        QTest::addRow("per second") << "200/s" << 200.0;
        QTest::addRow("kilo") << "1.5k/s" << 1500.0;
        QTest::addRow("per minute") << "3000/m" << 50.0;
        QTest::addRow("per hour") << "36/h" << 0.01;
        QTest::addRow("rps") << "12krps" << 12000.0;
    }
    void rates() {
        QFETCH(QString, text);
        QFETCH(double, rps);
        const auto parsed = parseRate(text.toStdString());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(*parsed, rps);
    }
    void badRates() {
        QVERIFY(!parseRate("fast").ok());
        QVERIFY(!parseRate("-3").ok());
        QVERIFY(!parseRate("10/d").ok());
    }
    void sizes() {
        QCOMPARE(*parseByteSize("512"), 512ull);
        QCOMPARE(*parseByteSize("1KB"), 1000ull);
        QCOMPARE(*parseByteSize("2MiB"), 2ull * 1024 * 1024);
        QVERIFY(!parseByteSize("2 parsecs").ok());
        QVERIFY(!parseByteSize("1e30GB").ok()); // beyond what llround can represent
        QCOMPARE(*parseByteSize("1e18"), 1000000000000000000ull);
    }
    void formatting() {
        QCOMPARE(formatDuration(1500ms), std::string("1.5s"));
        QCOMPARE(formatDuration(90s), std::string("1m30s"));
        QCOMPARE(formatDuration(250ms), std::string("250ms"));
        QCOMPARE(formatMicros(850), std::string("850us"));
        QCOMPARE(formatMicros(12'345), std::string("12.35ms"));
        QCOMPARE(formatMicros(1'200'000), std::string("1.20s"));
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
