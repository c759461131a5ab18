#include "kube/quantity.h"

#include <QtTest>

using namespace faaswb;

class TestQuantity : public QObject {
    Q_OBJECT
private slots:
    void quantities_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("value");
        QTest::addRow("plain") << "3" << 3.0;
        QTest::addRow("decimal") << "1.5" << 1.5;
        QTest::addRow("leading point") << ".5" << 0.5;
        QTest::addRow("trailing point") << "2." << 2.0;
        QTest::addRow("plus sign") << "+4" << 4.0;
        QTest::addRow("negative") << "-250m" << -0.25;
        QTest::addRow("nano") << "5n" << 5e-9;
        QTest::addRow("micro") << "250u" << 250e-6;
        QTest::addRow("milli") << "12m" << 0.012;
        QTest::addRow("kilo") << "2k" << 2000.0;
        QTest::addRow("mega") << "3M" << 3e6;
        QTest::addRow("giga") << "1G" << 1e9;
        QTest::addRow("tera") << "2T" << 2e12;
        QTest::addRow("peta") << "1P" << 1e15;
        QTest::addRow("exa") << "1E" << 1e18;
        QTest::addRow("kibi") << "10240Ki" << 10485760.0;
        QTest::addRow("mebi") << "128Mi" << 134217728.0;
        QTest::addRow("gibi") << "1.5Gi" << 1610612736.0;
        QTest::addRow("tebi") << "1Ti" << 1099511627776.0;
        QTest::addRow("pebi") << "1Pi" << 1125899906842624.0;
        QTest::addRow("exbi") << "1Ei" << 1152921504606846976.0;
        QTest::addRow("exponent") << "1e3" << 1000.0;
        QTest::addRow("upper exponent") << "5E2" << 500.0;
        QTest::addRow("negative exponent") << "25e-2" << 0.25;
        QTest::addRow("plus exponent") << "1e+2" << 100.0;
        QTest::addRow("zero") << "0" << 0.0;
    }
    void quantities() {
        QFETCH(QString, text);
        QFETCH(double, value);
        const auto parsed = kube::parseQuantity(text.toStdString());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QVERIFY2(qFuzzyCompare(1.0 + *parsed, 1.0 + value), qPrintable(QString::number(*parsed, 'g', 17)));
    }
    void garbage_data() {
        QTest::addColumn<QString>("text");
        QTest::addRow("empty") << "";
        QTest::addRow("words") << "lots";
        QTest::addRow("unknown suffix") << "5x";
        QTest::addRow("upper kilo") << "5K";
        QTest::addRow("two suffixes") << "1Gi5";
        QTest::addRow("lone point") << ".";
        QTest::addRow("two points") << "1.2.3";
        QTest::addRow("dangling exponent") << "1e";
        QTest::addRow("exponent with fraction") << "1e2.5";
        QTest::addRow("space") << "1 Gi";
        QTest::addRow("sign only") << "-";
        QTest::addRow("double sign") << "--1";
    }
    void garbage() {
        QFETCH(QString, text);
        const auto parsed = kube::parseQuantity(text.toStdString());
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(QStringLiteral("invalid quantity")),
                 parsed.error().message.c_str());
    }
    void cpuAndMemory() {
        QCOMPARE(*kube::cpuMillicores("12m"), 12.0);
        QCOMPARE(*kube::cpuMillicores("1"), 1000.0);
        QCOMPARE(*kube::cpuMillicores("1.5"), 1500.0);
        QCOMPARE(*kube::cpuMillicores("250000u"), 250.0);
        QCOMPARE(*kube::bytes("10240Ki"), 10485760.0);
        QCOMPARE(*kube::bytes("1G"), 1e9);
        QVERIFY(!kube::cpuMillicores("fast").ok());
        QVERIFY(!kube::bytes("12 parsecs").ok());
    }
};

QTEST_GUILESS_MAIN(TestQuantity)
#include "tst_quantity.moc"
