// Experiment summaries: grouping by scenario x benchmark x language x sweep point, aggregation of complete runs only,
// catalogue metric order, the confidence-interval columns, pivots, and the exact CSV text.
#include "analysis/summary.h"

#include <QtTest>
#include <cmath>
#include <sstream>

using namespace faaswb;
using namespace faaswb::analysis;

namespace {

SummaryInput run(const std::string& scenario, nlohmann::json sweep, const std::string& status,
                 std::vector<std::pair<std::string, std::optional<double>>> metrics) {
    SummaryInput input;
    input.scenario = scenario;
    input.scenarioType = "workflow-chain";
    input.benchmark = "700.chain";
    input.language = "python";
    input.status = status;
    input.sweepValues = std::move(sweep);
    RunMetrics values;
    for (const auto& [name, value] : metrics)
        values.set(name, value);
    input.metrics = values.values();
    return input;
}

ThresholdResult threshold(bool passed) {
    return ThresholdResult{"p99 < 200ms", "p99", 100, passed, {}};
}

std::vector<std::string> splitCsvLine(const std::string& line) { // no quoted fields in the lines this test splits
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');)
        fields.push_back(field);
    return fields;
}

} // namespace

class TestSummary : public QObject {
    Q_OBJECT

private slots:
    void groupsAndAggregatesCompleteRunsOnly() {
        const nlohmann::json slow{{"rate", 10}};
        std::vector<SummaryInput> runs{
            run("chain", slow, "complete",
                {{"handover_p50.hop10", 1}, {"p99", 10}, {"max_pods", std::nullopt}, {"handover_p50.hop2", 2}}),
            run("chain", nlohmann::json{{"rate", 20.5}}, "complete", {{"p99", 30}}),
            run("chain", slow, "complete", {{"p99", 20}}),
            run("chain", slow, "failed", {{"p99", 1000}, {"errors", 3}}),
            run("other", slow, "complete", {{"p99", 5}}),
        };
        runs[1].language = "nodejs";
        runs[2].thresholds = {threshold(true), threshold(false)};
        runs[0].thresholds = {threshold(true)};
        const SummaryTable table = summarize(runs);

        QCOMPARE(table.rows.size(), std::size_t(3));
        QCOMPARE(table.sweepKeys, std::vector<std::string>{"rate"});
        const std::vector<std::string> order{"p99", "max_pods", "handover_p50.hop2", "handover_p50.hop10"};
        QCOMPARE(table.metricNames, order); // "errors" only in a failed run: not aggregated

        const SummaryRow& first = table.rows[0];
        QCOMPARE(first.scenario, std::string("chain"));
        QCOMPARE(first.language, std::string("python"));
        QCOMPARE(first.runs, 2);
        QCOMPARE(first.failedRuns, 1);
        QCOMPARE(first.thresholdFailures, 1);
        const SampleStats& p99 = first.metrics.at("p99");
        QCOMPARE(p99.n, 2);
        QCOMPARE(p99.mean, 15.0);
        QVERIFY(!first.metrics.count("max_pods")); // no value in any run: no statistics, not zeros
        QCOMPARE(table.rows[1].language, std::string("nodejs"));
        QCOMPARE(table.rows[1].sweepValues, (nlohmann::json{{"rate", 20.5}}));
        QCOMPARE(table.rows[2].scenario, std::string("other"));
    }

    void confidenceIntervalColumns() {
        std::vector<SummaryInput> runs;
        for (double p99 : {10.0, 20.0})
            runs.push_back(run("two", nlohmann::json::object(), "complete", {{"p99", p99}}));
        for (double p99 : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0})
            runs.push_back(run("six", nlohmann::json::object(), "complete", {{"p99", p99}}));
        std::ostringstream out;
        writeSummaryCsv(summarize(runs), out);
        std::istringstream lines(out.str());
        std::string header, two, six;
        std::getline(lines, header);
        std::getline(lines, two);
        std::getline(lines, six);
        QVERIFY(header.ends_with("p99_mean [ms],p99_median [ms],p99_ci95_low [ms],p99_ci95_high [ms],"
                                 "p99_median_ci95_low [ms],p99_median_ci95_high [ms],p99_n\r"));
        const auto twoFields = splitCsvLine(two.substr(0, two.size() - 1));
        QCOMPARE(twoFields.size(), std::size_t(14));
        // mean 15, s = 7.0711, t(0.975, 1) = 12.7062 -> 15 -/+ 63.531; no median CI below 6 runs
        const double halfWidth = 12.7062047 * std::sqrt(50.0) / std::sqrt(2.0);
        QCOMPARE(twoFields[7], std::string("15"));
        QVERIFY(std::abs(std::stod(twoFields[9]) - (15 - halfWidth)) < 1e-4);
        QVERIFY(std::abs(std::stod(twoFields[10]) - (15 + halfWidth)) < 1e-4);
        QCOMPARE(twoFields[11], std::string());
        QCOMPARE(twoFields[13], std::string("2"));
        const auto sixFields = splitCsvLine(six.substr(0, six.size() - 1));
        QCOMPARE(sixFields[8], std::string("3.5")); // median
        QCOMPARE(sixFields[11], std::string("1"));  // (x1, x6) for n = 6
        QCOMPARE(sixFields[12], std::string("6"));
    }

    void csvTextExact() {
        std::vector<SummaryInput> runs{
            run("chain one", {{"mechanism", "direct"}, {"payloadSize", 1024}}, "complete",
                {{"p99", 12.5}, {"error_rate", std::nullopt}}),
            run("chain one", {{"mechanism", "a,\"b\""}, {"payloadSize", 2.50}}, "failed", {{"p99", 3}}),
        };
        runs[1].thresholds = {threshold(false)};
        std::ostringstream out;
        writeSummaryCsv(summarize(runs), out);
        const std::string expected =
            "scenario,type,benchmark,language,mechanism,payloadSize,runs,failed_runs,threshold_failures,"
            "error_rate_mean [%],error_rate_median [%],error_rate_ci95_low [%],error_rate_ci95_high [%],"
            "error_rate_median_ci95_low [%],error_rate_median_ci95_high [%],error_rate_n,"
            "p99_mean [ms],p99_median [ms],p99_ci95_low [ms],p99_ci95_high [ms],p99_median_ci95_low [ms],"
            "p99_median_ci95_high [ms],p99_n\r\n"
            "chain one,workflow-chain,700.chain,python,direct,1024,1,0,0,,,,,,,0,12.5,12.5,,,,,1\r\n"
            "chain one,workflow-chain,700.chain,python,\"a,\"\"b\"\"\",2.5,0,1,1,,,,,,,0,,,,,,,0\r\n";
        QCOMPARE(out.str(), expected);
    }

    void pivotOfMediansByTwoSweepKeys() {
        std::vector<SummaryInput> runs;
        const auto add = [&](const char* scenario, const char* mechanism, int payload, double value) {
            runs.push_back(run(scenario, {{"mechanism", mechanism}, {"payloadSize", payload}}, "complete",
                               {{"handover_sum_p50", value}}));
        };
        add("chain", "direct", 1024, 1);
        add("chain", "direct", 1024, 2);
        add("chain", "direct", 10240, 2);
        add("chain", "serving", 1024, 3);
        add("elsewhere", "eventing", 1024, 99);
        runs.push_back(
            run("chain", {{"mechanism", "serving"}, {"payloadSize", 10240}}, "failed", {{"handover_sum_p50", 50}}));
        const PivotTable table = pivot(summarize(runs), "chain", "handover_sum_p50", "mechanism", "payloadSize");
        QCOMPARE(table.unit, std::string("ms"));
        QCOMPARE(table.rowValues, (std::vector<nlohmann::json>{"direct", "serving"}));
        QCOMPARE(table.columnValues, (std::vector<nlohmann::json>{1024, 10240}));
        QCOMPARE(table.cells[0][0], std::optional<double>(1.5));
        QCOMPARE(table.cells[1][1], std::optional<double>()); // only a failed run
        std::ostringstream out;
        writePivotCsv(table, out);
        QCOMPARE(out.str(), std::string("handover_sum_p50 [ms]: mechanism \\ payloadSize,1024,10240\r\n"
                                        "direct,1.5,2\r\n"
                                        "serving,3,\r\n"));
    }

    void pivotByLanguage() {
        std::vector<SummaryInput> runs{run("chain", {{"steps", 2}}, "complete", {{"end_to_end_p50", 4}}),
                                       run("chain", {{"steps", 2}}, "complete", {{"end_to_end_p50", 6}})};
        runs[1].language = "nodejs";
        const PivotTable table = pivot(summarize(runs), "chain", "end_to_end_p50", "language", "steps");
        QCOMPARE(table.rowValues, (std::vector<nlohmann::json>{"python", "nodejs"}));
        QCOMPARE(table.cells[1][0], std::optional<double>(6));
    }
};

QTEST_GUILESS_MAIN(TestSummary)
#include "tst_summary.moc"
