// Benchmark entries with `source:` (a SeBS-layout directory): defaults from config.json, relative paths resolved from
// the experiment file's folder, and an issue at benchmarks[i].source (or .languages) for every broken layout.
#include "model/experiment_loader.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace faaswb;
using namespace faaswb::model;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

void addSebsBenchmark(const fs::path& dir, const std::string& config) {
    write(dir / "config.json", config);
    write(dir / "python" / "function.py", "def handler(event):\n    return {'result': 1}\n");
}

QString describe(const LoadReport& report) {
    QString text;
    for (const ValidationIssue& issue : report.issues)
        text += QString::fromStdString(issue.format()) + QLatin1Char('\n');
    return text;
}

std::string experimentWith(const std::string& benchmark) {
    return "name: sebs\nbenchmarks:\n  - " + benchmark +
           "\nscenarios:\n  - {name: w, type: warm-latency, rate: 1, "
           "duration: 1s}\n";
}

} // namespace

class TestSebsSource : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    fs::path m_base;

    // Loads the benchmark entry as if from <base>/experiments/x.yaml, so relative sources resolve from there.
    LoadReport load(const std::string& benchmark) const {
        return loadExperimentText(experimentWith(benchmark), (m_base / "experiments" / "x.yaml").string());
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_base = fs::canonical(m_dir.path().toStdString());
        fs::create_directories(m_base / "experiments");
        addSebsBenchmark(m_base / "sebs" / "110.dynamic-html",
                         R"({"timeout": 10, "memory": 128, "languages": ["python", "nodejs"]})");
        addSebsBenchmark(m_base / "sebs" / "311.node-only",
                         R"({"timeout": 10, "memory": 128, "languages": ["nodejs"]})");
        addSebsBenchmark(m_base / "sebs" / "broken-json", "{not json");
        write(m_base / "sebs" / "no-config" / "python" / "function.py", "def handler(event): return 1\n");
        write(m_base / "sebs" / "no-function" / "config.json", "{}");
    }

    void acceptsRelativeSourceWithDefaults() {
        const LoadReport report = load("{source: ../sebs/110.dynamic-html}");
        QVERIFY2(report.experiment, qPrintable(describe(report)));
        const BenchmarkConfig& benchmark = report.experiment->benchmarks.at(0);
        QCOMPARE(benchmark.source, (m_base / "sebs" / "110.dynamic-html").string());
        QCOMPARE(benchmark.id, std::string("110.dynamic-html"));
        QCOMPARE(benchmark.languages, std::vector<std::string>{"python"});
        QCOMPARE(benchmark.timeoutSeconds, std::optional<int>(10));
        QCOMPARE(benchmark.memory, std::optional<std::string>("128Mi"));
    }

    void explicitValuesWin() {
        const std::string source = (m_base / "sebs" / "110.dynamic-html").string();
        const LoadReport report =
            load("{source: " + source + ", id: 111.html, languages: [python], timeoutSeconds: 5, memory: 1Gi}");
        QVERIFY2(report.experiment, qPrintable(describe(report)));
        const BenchmarkConfig& benchmark = report.experiment->benchmarks.at(0);
        QCOMPARE(benchmark.source, source);
        QCOMPARE(benchmark.id, std::string("111.html"));
        QCOMPARE(benchmark.timeoutSeconds, std::optional<int>(5));
        QCOMPARE(benchmark.memory, std::optional<std::string>("1Gi"));
    }

    void reportsBrokenSources_data() {
        QTest::addColumn<QString>("benchmark");
        QTest::addColumn<QString>("expected");
        QTest::addRow("missing dir") << "{source: ../sebs/nope}"
                                     << "x.yaml:3:14: benchmarks[0].source: SeBS benchmark: directory";
        QTest::addRow("missing config.json")
            << "{source: ../sebs/no-config}"
            << "benchmarks[0].source: SeBS benchmark: " +
                   QString::fromStdString((m_base / "sebs" / "no-config").string()) + "/config.json not found";
        QTest::addRow("missing function.py") << "{source: ../sebs/no-function}"
                                             << "python/function.py not found";
        QTest::addRow("config not JSON") << "{source: ../sebs/broken-json}"
                                         << "config.json is not a JSON object";
        QTest::addRow("other language") << "{source: ../sebs/110.dynamic-html, languages: [nodejs]}"
                                        << "benchmarks[0].languages: SeBS sources run with the Python wrapper only";
        QTest::addRow("config without python") << "{source: ../sebs/311.node-only}"
                                               << "benchmarks[0].source: SeBS sources run with the Python wrapper only";
        QTest::addRow("neither id nor source") << "{languages: [python]}"
                                               << "missing required key 'id' (or 'source', a SeBS benchmark directory)";
    }

    void reportsBrokenSources() {
        QFETCH(QString, benchmark);
        QFETCH(QString, expected);
        const LoadReport report = load(benchmark.toStdString());
        QVERIFY(!report.experiment);
        QVERIFY2(describe(report).contains(expected), qPrintable(describe(report)));
    }

    void exampleExperimentValidates() {
        const LoadReport report =
            loadExperimentFile(test::sourcePath(QStringLiteral("resources/experiments/sebs-local.yaml")).toStdString());
        QVERIFY2(report.experiment, qPrintable(describe(report)));
        const BenchmarkConfig& benchmark = report.experiment->benchmarks.at(0);
        QCOMPARE(benchmark.id, std::string("120.hello"));
        QVERIFY(fs::exists(fs::path(benchmark.source) / "python" / "function.py"));
    }
};

QTEST_GUILESS_MAIN(TestSebsSource)
#include "tst_sebs_source.moc"
