// Every metric of model/metric_catalog.h has its row in docs/scenarios.md's metric table, with the catalogue's unit,
// and the table names no metric the catalogue does not have.
#include "model/metric_catalog.h"
#include "testutils.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

using namespace faaswb;

class TestMetricDocs : public QObject {
    Q_OBJECT

private slots:
    void everyMetricIsDocumentedWithItsUnit() {
        QFile file(test::sourcePath(QStringLiteral("docs/scenarios.md")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString all = QString::fromUtf8(file.readAll());
        const auto section = all.indexOf(QStringLiteral("\n## Metrics\n"));
        QVERIFY(section >= 0);
        const QString text = all.mid(section);
        QMap<QString, QString> documented; // name -> unit
        const QRegularExpression row(QStringLiteral(R"(^\| `([a-z0-9_]+)(?:\.[a-zA-Z]+)?` \| ([^|]+) \|)"),
                                     QRegularExpression::MultilineOption);
        for (auto match = row.globalMatch(text); match.hasNext();) {
            const auto m = match.next();
            documented.insert(m.captured(1), m.captured(2).trimmed());
        }
        for (const auto& info : model::metricCatalog()) {
            const QString name = QString::fromLatin1(info.name.data(), qsizetype(info.name.size()));
            QVERIFY2(documented.contains(name), qPrintable(name + " is missing from docs/scenarios.md"));
            QCOMPARE(documented.value(name), QString::fromLatin1(model::metricUnitName(info.unit)));
        }
        for (const auto& name : documented.keys())
            QVERIFY2(model::findMetric(name.toStdString()), qPrintable(name + " is documented but unknown"));
    }
};

QTEST_GUILESS_MAIN(TestMetricDocs)
#include "tst_metric_docs.moc"
