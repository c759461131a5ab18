// The Prometheus text exposition format 0.0.4: every line parses, HELP/TYPE once per family, label escaping,
// NaN/Inf spelling and cumulative histogram buckets.
#include "localplatform/prometheus_text.h"

#include <QtTest>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace faaswb::localplatform;

namespace {

struct Sample {
    std::string name;
    std::string labels; // the raw {...} part, without braces
    std::string value;
};

// A small parser of the text format: comment lines must be well formed HELP/TYPE lines (each at most once per
// family, TYPE before the family's samples), and every other line must match the sample grammar.
struct Parsed {
    std::vector<Sample> samples;
    std::map<std::string, std::string> types;
    std::map<std::string, std::string> help;
    QString failure;
};

Parsed parse(const std::string& text) {
    static const std::regex helpRe(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))");
    static const std::regex typeRe(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    static const std::regex sampleRe(
        R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? )re"
        R"re((NaN|[+-]Inf|[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?))re");
    Parsed parsed;
    if (!text.empty() && text.back() != '\n')
        parsed.failure = QStringLiteral("output does not end with a newline");
    std::istringstream lines(text);
    std::string line;
    std::set<std::string> familiesWithSamples;
    while (std::getline(lines, line)) {
        std::smatch match;
        if (std::regex_match(line, match, helpRe)) {
            if (!parsed.help.emplace(match[1], match[2]).second)
                parsed.failure = QStringLiteral("second HELP for ") + QString::fromStdString(match[1]);
        } else if (std::regex_match(line, match, typeRe)) {
            if (!parsed.types.emplace(match[1], match[2]).second || familiesWithSamples.count(match[1]))
                parsed.failure = QStringLiteral("misplaced TYPE for ") + QString::fromStdString(match[1]);
        } else if (std::regex_match(line, match, sampleRe)) {
            parsed.samples.push_back({match[1], match[3], match[4]});
            std::string family = match[1];
            for (const char* suffix : {"_bucket", "_sum", "_count"})
                if (!parsed.types.count(family) && family.size() > std::strlen(suffix) &&
                    family.compare(family.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
                    family.resize(family.size() - std::strlen(suffix));
            if (!parsed.types.count(family))
                parsed.failure = QStringLiteral("sample without TYPE: ") + QString::fromStdString(line);
            familiesWithSamples.insert(family);
        } else {
            parsed.failure = QStringLiteral("bad line: ") + QString::fromStdString(line);
        }
    }
    return parsed;
}

} // namespace

class TestPrometheusText : public QObject {
    Q_OBJECT
private slots:
    void everyLineParses() {
        PrometheusText text;
        MetricLabels revision = {{"namespace_name", "default"}, {"revision_name", "hello-00001"}};
        text.gauge("autoscaler_desired_pods", "Number of pods autoscaler wants to allocate", revision, 3);
        text.gauge("autoscaler_desired_pods", "ignored second help", {{"revision_name", "other-00001"}}, 0);
        text.counter("activator_request_count", "Requests\nthrough the activator \\ total", revision, 12345);
        text.gauge("kn.revision.panic.mode", "Panic mode", revision, 1);
        text.histogram("activator_request_latencies", "Latency in ms", revision, {1, 5, 10.5}, {2, 3, 0}, 4, 99.25);
        text.gauge("plain", "No labels", {}, -0.5);
        auto output = text.str();
        auto parsed = parse(output);
        QVERIFY2(parsed.failure.isEmpty(),
                 qPrintable(parsed.failure + QStringLiteral("\n") + QString::fromStdString(output)));
        QCOMPARE(parsed.types.size(), std::size_t(5));
        QCOMPARE(parsed.types.at("autoscaler_desired_pods"), std::string("gauge"));
        QCOMPARE(parsed.types.at("activator_request_count"), std::string("counter"));
        QCOMPARE(parsed.types.at("activator_request_latencies"), std::string("histogram"));
        QCOMPARE(parsed.types.at("kn_revision_panic_mode"), std::string("gauge")); // dots are not allowed
        QCOMPARE(parsed.help.at("autoscaler_desired_pods"), std::string("Number of pods autoscaler wants to allocate"));
        QCOMPARE(parsed.help.at("activator_request_count"), std::string("Requests\\nthrough the activator \\\\ total"));
        QCOMPARE(parsed.samples.size(), std::size_t(2 + 1 + 1 + 6 + 1));
        QVERIFY(output.find("plain -0.5\n") != std::string::npos);
        QVERIFY(output.find("activator_request_count{namespace_name=\"default\",revision_name=\"hello-00001\"} "
                            "12345\n") != std::string::npos);
        // Families come out in first-added order, each as one block.
        QVERIFY(output.find("# TYPE autoscaler_desired_pods") < output.find("# TYPE activator_request_count"));
        QVERIFY(output.find("revision_name=\"other-00001\"") < output.find("# HELP activator_request_count"));
    }

    void histogramBucketsAreCumulative() {
        PrometheusText text;
        text.histogram("latency", "h", {{"revision_name", "r"}}, {0.005, 0.1, 1}, {1, 2, 3}, 4, 12.5);
        auto parsed = parse(text.str());
        QVERIFY2(parsed.failure.isEmpty(), qPrintable(parsed.failure));
        std::vector<std::pair<std::string, std::string>> buckets;
        std::map<std::string, std::string> others;
        for (const auto& sample : parsed.samples) {
            if (sample.name == "latency_bucket") {
                std::smatch match;
                static const std::regex leRe("le=\"([^\"]*)\"");
                QVERIFY(std::regex_search(sample.labels, match, leRe));
                QVERIFY(sample.labels.find("revision_name=\"r\"") != std::string::npos);
                buckets.emplace_back(match[1], sample.value);
            } else {
                others[sample.name] = sample.value;
            }
        }
        QCOMPARE(buckets, (std::vector<std::pair<std::string, std::string>>{
                              {"0.005", "1"}, {"0.1", "3"}, {"1", "6"}, {"+Inf", "10"}}));
        QCOMPARE(others.at("latency_sum"), std::string("12.5"));
        QCOMPARE(others.at("latency_count"), std::string("10"));
    }

    void labelValuesAreEscaped() {
        PrometheusText text;
        text.gauge("g", "h", {{"path", "C:\\dir\n\"quoted\""}}, 1);
        auto output = text.str();
        const std::string expected = "g{path=\"C:\\\\dir\\n\\\"quoted\\\"\"} 1\n";
        QVERIFY2(output.find(expected) != std::string::npos, output.c_str());
        QVERIFY(parse(output).failure.isEmpty());
    }

    void specialValues_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("spelled");
        QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "NaN";
        QTest::addRow("+Inf") << std::numeric_limits<double>::infinity() << "+Inf";
        QTest::addRow("-Inf") << -std::numeric_limits<double>::infinity() << "-Inf";
        QTest::addRow("integer") << 42.0 << "42";
        QTest::addRow("fraction") << 0.7 << "0.7";
        QTest::addRow("large") << 1.5e300 << "1.5e+300";
        QTest::addRow("tiny") << 2.5e-9 << "2.5e-09";
    }
    void specialValues() {
        QFETCH(double, value);
        QFETCH(QString, spelled);
        PrometheusText text;
        text.gauge("g", "h", {}, value);
        auto parsed = parse(text.str());
        QVERIFY2(parsed.failure.isEmpty(), qPrintable(parsed.failure));
        QCOMPARE(QString::fromStdString(parsed.samples.at(0).value), spelled);
    }

    void emptyIsEmpty() { QCOMPARE(PrometheusText().str(), std::string()); }
};

QTEST_GUILESS_MAIN(TestPrometheusText)
#include "tst_prometheus_text.moc"
