#include "load/hdr_codec.h"

#include <QtTest>
#include <cmath>
#include <random>
#include <sstream>
#include <zlib.h>

using namespace faaswb;
using namespace faaswb::load;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytesOf(const QByteArray& text) {
    return Bytes(text.begin(), text.end());
}

QByteArray textOf(const Bytes& bytes) {
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

bool sameCounts(const LatencyHistogram& a, const LatencyHistogram& b) {
    if (a.lowestDiscernibleValue() != b.lowestDiscernibleValue() ||
        a.highestTrackableValue() != b.highestTrackableValue() || a.significantDigits() != b.significantDigits() ||
        a.totalCount() != b.totalCount())
        return false;
    for (std::size_t i = 0; i < a.countsLength(); ++i)
        if (a.countAtIndex(i) != b.countAtIndex(i))
            return false;
    return a.min() == b.min() && a.max() == b.max();
}

LatencyHistogram lognormalSample(int n, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::lognormal_distribution<double> latency(std::log(20'000.0), 1.5);
    LatencyHistogram histogram;
    for (int i = 0; i < n; ++i)
        histogram.record(std::llround(latency(random)));
    return histogram;
}

void putBigEndian(Bytes& out, std::uint64_t value, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8)
        out.push_back(std::uint8_t(value >> shift));
}

// A compressed V2 histogram built by hand around `payload`, for inputs our encoder never produces.
Bytes handMade(const Bytes& payload, std::int32_t digits = 3) {
    Bytes plain;
    putBigEndian(plain, 0x1c849313, 4);
    putBigEndian(plain, payload.size(), 4);
    putBigEndian(plain, 0, 4);
    putBigEndian(plain, std::uint64_t(digits), 4);
    putBigEndian(plain, 1, 8);
    putBigEndian(plain, 3'600'000'000, 8);
    putBigEndian(plain, 0x3ff0000000000000, 8);
    plain.insert(plain.end(), payload.begin(), payload.end());
    uLongf deflatedSize = compressBound(uLong(plain.size()));
    Bytes deflated(deflatedSize);
    compress(deflated.data(), &deflatedSize, plain.data(), uLong(plain.size()));
    Bytes out;
    putBigEndian(out, 0x1c849314, 4);
    putBigEndian(out, deflatedSize, 4);
    out.insert(out.end(), deflated.begin(), deflated.begin() + std::ptrdiff_t(deflatedSize));
    return out;
}

Result<LatencyHistogram> decodeBase64(std::string_view text) {
    auto bytes = base64Decode(text);
    if (!bytes)
        return bytes.error();
    return decodeCompressed(bytes->data(), bytes->size());
}

// Produced with hdr-histogram-js 3.0.1 (npm), the JavaScript port of HdrHistogram, in a scratch folder:
//   const h = hdr.build({lowestDiscernibleValue: 1, highestTrackableValue: 3600000000,
//                        numberOfSignificantValueDigits: 3, bitBucketSize: 64, useWebAssembly: false});
//   for (const v of [1, 2, 2, 999, 1000, 2047, 2048, 2049, 12345, 123456, 1000000, 3599999999]) h.recordValue(v);
//   h.recordValueWithCount(5000, 40);
//   console.log(hdr.encodeIntoCompressedBase64(h));
// It printed total 52, min 1, max 3599999999, p50 5003, p99 3600809983.
constexpr std::string_view kHdrHistogramJsEncoded =
    "HISTFAAAAD54nJNpmSzMwMAgzcDAwMjAwMDMAAEgNsO1yUsY4HwmluP8TEyrBZhYDgoHHBdhajRjWmvAtHgPIxMA+3wKEQ==";

} // namespace

class TestHdrCodec : public QObject {
    Q_OBJECT
private slots:
    // RFC 4648, section 10.
    void base64KnownVectors_data() {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QByteArray>("encoded");
        QTest::addRow("empty") << QByteArray("") << QByteArray("");
        QTest::addRow("f") << QByteArray("f") << QByteArray("Zg==");
        QTest::addRow("fo") << QByteArray("fo") << QByteArray("Zm8=");
        QTest::addRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
        QTest::addRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg==");
        QTest::addRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE=");
        QTest::addRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
        QTest::addRow("high bits") << QByteArray("\xfb\xff\xbf") << QByteArray("+/+/");
    }
    void base64KnownVectors() {
        QFETCH(QByteArray, plain);
        QFETCH(QByteArray, encoded);
        QCOMPARE(QByteArray::fromStdString(base64Encode(bytesOf(plain))), encoded);
        const auto decoded = base64Decode(encoded.toStdString());
        QVERIFY(decoded.ok());
        QCOMPARE(textOf(*decoded), plain);
    }

    void base64RoundTripsEveryByte() {
        Bytes all(256);
        for (std::size_t i = 0; i < all.size(); ++i)
            all[i] = std::uint8_t(i);
        for (std::size_t length = 0; length <= all.size(); length += 37) {
            const Bytes prefix(all.begin(), all.begin() + std::ptrdiff_t(length));
            const auto decoded = base64Decode(base64Encode(prefix));
            QVERIFY(decoded.ok());
            QVERIFY(*decoded == prefix);
        }
    }

    void base64RejectsGarbage_data() {
        QTest::addColumn<QString>("text");
        QTest::addRow("bad character") << "Zm9v!mFy";
        QTest::addRow("padding inside") << "Zg==Zm8=";
        QTest::addRow("impossible length") << "Zm9vY";
        QTest::addRow("space") << "Zm9 v";
    }
    void base64RejectsGarbage() {
        QFETCH(QString, text);
        const auto decoded = base64Decode(text.toStdString());
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::InvalidInput);
    }

    void encodeDecodeRoundTrip_data() {
        QTest::addColumn<qint64>("lowest");
        QTest::addColumn<qint64>("highest");
        QTest::addColumn<int>("digits");
        QTest::addColumn<QString>("content");
        QTest::addRow("empty") << qint64(1) << qint64(3'600'000'000) << 3 << "empty";
        QTest::addRow("single") << qint64(1) << qint64(3'600'000'000) << 3 << "single";
        QTest::addRow("lognormal") << qint64(1) << qint64(3'600'000'000) << 3 << "lognormal";
        QTest::addRow("highest") << qint64(1) << qint64(3'600'000'000) << 3 << "highest";
        QTest::addRow("huge counts") << qint64(1) << qint64(3'600'000'000) << 3 << "huge";
        QTest::addRow("zero value") << qint64(1) << qint64(3'600'000'000) << 3 << "zero";
        QTest::addRow("other layout") << qint64(1000) << qint64(60'000'000) << 2 << "lognormal";
        QTest::addRow("5 digits") << qint64(1) << qint64(3'600'000'000) << 5 << "lognormal";
    }
    void encodeDecodeRoundTrip() {
        QFETCH(qint64, lowest);
        QFETCH(qint64, highest);
        QFETCH(int, digits);
        QFETCH(QString, content);
        LatencyHistogram histogram(lowest, highest, digits);
        if (content == QLatin1String("single"))
            histogram.record(4242);
        if (content == QLatin1String("lognormal")) {
            const LatencyHistogram sample = lognormalSample(100'000, 7);
            sample.forEachBucket(
                [&](std::int64_t low, std::int64_t, std::int64_t count) { histogram.record(low, count); });
        }
        if (content == QLatin1String("highest"))
            histogram.record(highest);
        if (content == QLatin1String("zero"))
            histogram.record(0, 3);
        if (content == QLatin1String("huge")) {
            // Counts that need the 8th and 9th varint bytes.
            histogram.record(10, std::int64_t{1} << 55);
            histogram.record(20, (std::int64_t{1} << 62) - 1);
        }
        const Bytes encoded = encodeCompressed(histogram);
        QVERIFY(!encoded.empty());
        const auto decoded = decodeCompressed(encoded.data(), encoded.size());
        QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().message.c_str());
        QVERIFY(sameCounts(*decoded, histogram));
    }

    void cookiesAreHdrHistogramV2() {
        const Bytes encoded = encodeCompressed(lognormalSample(10, 1));
        QCOMPARE(QByteArray::fromStdString(base64Encode(encoded)).left(8), QByteArray("HISTFAAA"));
    }

    void decodesHdrHistogramJs() {
        const auto decoded = decodeBase64(kHdrHistogramJsEncoded);
        QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().message.c_str());
        const LatencyHistogram& h = *decoded;
        QCOMPARE(h.lowestDiscernibleValue(), std::int64_t(1));
        QCOMPARE(h.highestTrackableValue(), std::int64_t(3'600'000'000));
        QCOMPARE(h.significantDigits(), 3);
        QCOMPARE(qint64(h.totalCount()), qint64(52));
        QCOMPARE(qint64(h.min()), qint64(1));
        QCOMPARE(qint64(h.max()), qint64(3'600'809'983));
        QCOMPARE(qint64(h.valueAtPercentile(50)), qint64(5003));
        QCOMPARE(qint64(h.valueAtPercentile(99)), qint64(3'600'809'983));
        LatencyHistogram expected;
        for (std::int64_t v : std::initializer_list<std::int64_t>{1, 2, 2, 999, 1000, 2047, 2048, 2049, 12345, 123456,
                                                                  1000000, 3599999999})
            expected.record(v);
        expected.record(5000, 40);
        QVERIFY(sameCounts(h, expected));
    }

    void rejectsCorruptInput_data() {
        QTest::addColumn<QByteArray>("data");
        const Bytes good = encodeCompressed(lognormalSample(1000, 3));
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("header only") << textOf(good).left(8);
        QTest::addRow("truncated") << textOf(good).left(qsizetype(good.size()) / 2);
        QByteArray wrongCookie = textOf(good);
        wrongCookie[3] = char(0x13);
        QTest::addRow("wrong cookie") << wrongCookie;
        QByteArray longLength = textOf(good);
        longLength[4] = char(0x7f);
        QTest::addRow("length beyond data") << longLength;
        QByteArray flipped = textOf(good);
        flipped[20] = char(flipped[20] ^ 0x55);
        QTest::addRow("corrupt deflate") << flipped;
        QTest::addRow("not zlib") << QByteArray("\x1c\x84\x93\x14\x00\x00\x00\x04"
                                                "abcd",
                                                12);
    }
    void rejectsCorruptInput() {
        QFETCH(QByteArray, data);
        const auto decoded =
            decodeCompressed(reinterpret_cast<const std::uint8_t*>(data.constData()), std::size_t(data.size()));
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::InvalidInput);
    }

    // Payload bytes are ZigZag LEB128: 0x02 is a count of 1, 0x01 a run of one empty bucket, 0x7f a run of 64.
    void decodesHandMadePayloads_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("digits");
        QTest::addColumn<bool>("valid");
        QTest::addRow("count at 0 and 2") << QByteArray("\x02\x01\x02") << 3 << true;
        QTest::addRow("literal zero counts") << QByteArray("\x00\x00\x02", 3) << 3 << true;
        QTest::addRow("zero digits") << QByteArray("\x02") << 0 << false;
        QTest::addRow("six digits") << QByteArray("\x02") << 6 << false;
        QTest::addRow("truncated varint") << QByteArray("\x02\x80") << 3 << false;
        QTest::addRow("run beyond layout") << QByteArray("\xff\xff\x07\x02") << 3 << false; // 65536 empty buckets
        QTest::addRow("total overflows") << QByteArray(18, char(0xff)).replace(8, 1, "\xfe").replace(17, 1, "\xfe") << 3
                                         << false;
    }
    void decodesHandMadePayloads() {
        QFETCH(QByteArray, payload);
        QFETCH(int, digits);
        QFETCH(bool, valid);
        const Bytes encoded = handMade(bytesOf(payload), digits);
        const auto decoded = decodeCompressed(encoded.data(), encoded.size());
        QCOMPARE(decoded.ok(), valid);
        if (!valid)
            QCOMPARE(decoded.error().code, ErrorCode::InvalidInput);
    }

    void hlogRoundTrip() {
        const std::vector<LatencyHistogram> intervals{lognormalSample(5000, 11), LatencyHistogram(),
                                                      lognormalSample(300, 12)};
        std::ostringstream out;
        HlogWriter writer(out);
        writer.writeHeader(1'700'000'000.25, "faas-workbench run 42");
        for (std::size_t i = 0; i < intervals.size(); ++i)
            writer.writeInterval(1.0 * double(i), 1.0, intervals[i]);
        std::istringstream in(out.str());
        const auto log = readHlog(in);
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        QCOMPARE(log->startTimeEpochSeconds, 1'700'000'000.25);
        QCOMPARE(log->intervals.size(), intervals.size());
        for (std::size_t i = 0; i < intervals.size(); ++i) {
            QCOMPARE(log->intervals[i].startSeconds, double(i));
            QCOMPARE(log->intervals[i].lengthSeconds, 1.0);
            QVERIFY(sameCounts(log->intervals[i].histogram, intervals[i]));
        }
    }

    void hlogHeaderAndLineFormat() {
        LatencyHistogram histogram;
        histogram.record(12'345);
        std::ostringstream out;
        HlogWriter writer(out);
        writer.writeHeader(1'700'000'000.25, "faas-workbench");
        writer.writeInterval(0.5, 1.0, histogram);
        const QStringList lines = QString::fromStdString(out.str()).split(QLatin1Char('\n'));
        QCOMPARE(lines.value(0), QStringLiteral("#[faas-workbench]"));
        QCOMPARE(lines.value(1), QStringLiteral("#[Histogram log format version 1.3]"));
        QCOMPARE(lines.value(2),
                 QStringLiteral("#[StartTime: 1700000000.250 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]"));
        QCOMPARE(lines.value(3),
                 QStringLiteral(
                     "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""));
        // Max in milliseconds (ratio 1000): the highest equivalent value of 12345 us is 12351 us.
        QVERIFY2(lines.value(4).startsWith(QStringLiteral("0.500,1.000,12.351,HISTFAAA")), qPrintable(lines.value(4)));
    }

    // A log as HdrHistogram's Java tools write it: tags, absolute timestamps, CRLF line ends, extra comments.
    void hlogReadsForeignLogs() {
        const std::string line = "1700000010.000,2.500,3600.810," + std::string(kHdrHistogramJsEncoded);
        const std::string text =
            "#[Logged with jHiccup version 2.0.7]\r\n"
            "#[Histogram log format version 1.3]\r\n"
            "#[StartTime: 1700000000.000 (seconds since epoch), Tue Nov 14 22:13:20 GMT 2023]\r\n"
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\r\n"
            "Tag=checkout," +
            line + "\r\n" + line + "\r\n\r\n";
        std::istringstream in(text);
        const auto log = readHlog(in);
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        QCOMPARE(log->intervals.size(), std::size_t(2));
        for (const HlogInterval& interval : log->intervals) {
            QCOMPARE(interval.startSeconds, 10.0);
            QCOMPARE(interval.lengthSeconds, 2.5);
            QCOMPARE(qint64(interval.histogram.totalCount()), qint64(52));
        }
    }

    void hlogReportsBadLines() {
        std::istringstream in("#[Histogram log format version 1.3]\n0.000,1.000,0.0,@@@@\n");
        const auto log = readHlog(in);
        QVERIFY(!log.ok());
        QCOMPARE(log.error().code, ErrorCode::InvalidInput);
        QVERIFY2(log.error().message.find("line 2") != std::string::npos, log.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestHdrCodec)
#include "tst_hdr_codec.moc"
