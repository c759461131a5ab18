#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load_report.h"
#include "cli/progress.h"
#include "common/paths.h"
#include "common/units.h"
#include "engine/cell_plan.h"
#include "engine/runner.h"
#include "model/experiment_loader.h"
#include "model/metric_catalog.h"
#include "platform/platform_factory.h"
#include "results/csv_export.h"
#include "results/result_store.h"
#include "results/results_writer.h"

#include <filesystem>
#include <iostream>
#include <map>

namespace faaswb::cli {
namespace {

// The metrics that tell most about a cell of each scenario type, in the order printed; a family name (handover_p50)
// stands for all its members. Other types print their first metrics.
std::vector<std::string> headlineMetrics(model::ScenarioType scenarioType) {
    using enum model::ScenarioType;
    const std::vector<std::pair<model::ScenarioType, std::vector<std::string>>> byType = {
        {ColdStart, {"cold_start_p50", "warm_p50", "cold_warm_ratio", "cold_init_p50", "cold_activator_wait_p50"}},
        {PerfCost, {"memory_limit", "memory_enforced", "cold_start_p50", "warm_p50", "peak_memory"}},
        {Autoscaling,
         {"time_to_first_response", "time_to_steady_pods", "steady_pods", "panic_seconds", "overprovisioning",
          "scaleup_p99", "steady_p99", "scale_down_seconds"}},
        {Batch, {"records", "failed_records", "records_per_second", "completion_seconds", "sink_rows"}},
        {WorkflowChain, {"end_to_end_p50", "end_to_end_p99", "handover_sum_p50", "handover_p50"}},
        {Eventing,
         {"events_delivered", "events_lost", "events_duplicated", "loss_rate", "delivery_p50", "delivery_p99"}},
        {TraceReplay, {"arrivals_scheduled", "replayed_seconds", "error_rate", "p50", "p99", "max_pods"}},
    };
    for (const auto& [type, names] : byType)
        if (scenarioType == type)
            return names;
    return {"error_rate", "throughput", "p50", "p99", "mean", "cold_starts", "max_pods", "queue_wait_p50"};
}

bool isMemberOf(const std::string& metric, const std::string& family) {
    return metric == family || (metric.size() > family.size() && metric.compare(0, family.size(), family) == 0 &&
                                metric[family.size()] == '.');
}

// "p50 1.20ms  p99 3.40ms  error_rate 0%  max_pods n/a"; the report's first eight when none of the headline
// metrics is there.
std::string metricsLine(model::ScenarioType scenarioType, const analysis::RunMetricsReport& report) {
    std::string line;
    const auto add = [&](const analysis::MetricValue& metric) {
        line += (line.empty() ? "" : "  ") + metric.name + " " + formatMetric(metric.value, metric.unit);
    };
    for (const auto& name : headlineMetrics(scenarioType))
        for (const auto& metric : report.metrics)
            if (isMemberOf(metric.name, name))
                add(metric);
    for (std::size_t n = 0; line.empty() && n < report.metrics.size() && n < 8; ++n)
        add(report.metrics[n]);
    return line;
}

std::string unitOf(const std::string& metric) {
    const auto* info = model::findMetric(metric);
    return info ? model::metricUnitName(info->unit) : "";
}

void printMetrics(const engine::CellResult& result, model::ScenarioType scenarioType) {
    const auto& report = result.metrics;
    if (!report.metrics.empty())
        std::cout << "    metrics: " << metricsLine(scenarioType, report) << "\n";
    for (const auto& threshold : report.thresholds) {
        std::cout << "    " << (threshold.passed ? "PASS" : "FAIL") << "  " << threshold.text << "  ("
                  << threshold.metric << " = " << formatMetric(threshold.value, unitOf(threshold.metric));
        if (!threshold.note.empty())
            std::cout << "; " << threshold.note;
        std::cout << ")\n";
    }
}

// The scenario type of each planned cell, by cell number.
std::map<int, model::ScenarioType> scenarioTypes(const std::vector<engine::CellPlan>& cells) {
    std::map<int, model::ScenarioType> types;
    for (const auto& cell : cells)
        if (cell.scenario)
            types[cell.cell] = cell.scenario->type;
    return types;
}

void printSummary(const std::vector<engine::CellResult>& results, const std::vector<engine::CellPlan>& cells,
                  const results::ResultsWriter& writer) {
    const auto types = scenarioTypes(cells);
    std::cout << "\n";
    for (const auto& result : results) {
        const auto runId = writer.runIdForCell(result.cell);
        std::cout << "run " << (runId ? std::to_string(*runId) : std::string("?")) << "  " << result.label << "  "
                  << engine::runStatusName(result.status) << "\n";
        if (result.summary) {
            const auto& s = *result.summary;
            std::cout << "    " << s.requests << " requests, " << s.errors << " errors, " << formatCount(s.achievedRate)
                      << " req/s";
            if (s.targetRate > 0)
                std::cout << " (target " << formatCount(s.targetRate) << ")";
            if (s.aborted() > 0)
                std::cout << ", " << s.aborted() << " aborted unanswered at the end";
            std::cout << "\n    latency " << percentileLine(s.latency) << "\n";
        }
        const auto type = types.find(result.cell);
        printMetrics(result, type != types.end() ? type->second : model::ScenarioType::WarmLatency);
        if (!result.message.empty())
            std::cout << "    " << result.message << "\n";
    }
}

std::vector<std::int64_t> runIds(const std::vector<engine::CellResult>& results, const results::ResultsWriter& writer) {
    std::vector<std::int64_t> ids;
    for (const auto& result : results)
        if (auto id = writer.runIdForCell(result.cell))
            ids.push_back(*id);
    return ids;
}

// The files `run --out` wrote, by kind, as names inside the output folder.
struct ExportedFiles {
    std::vector<std::string> csv;
    std::vector<std::string> hlog;
    std::vector<std::string> scenarios;
    std::vector<std::string> summaryCharts;
    bool runCharts = false; // run-<id>-<chart>.png and report.html
};

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

void addNames(std::vector<std::string>& into, const std::vector<std::string>& paths) {
    for (const auto& path : paths)
        into.push_back(std::filesystem::path(path).filename().string());
}

Status exportSummaryCharts(results::ResultStore& store, const std::vector<std::int64_t>& ids, const std::string& outDir,
                           ExportedFiles& files) {
    if (!frontEnd().exportSummaryCharts)
        return {};
    for (const char* format : {"png", "svg"}) {
        auto charts = frontEnd().exportSummaryCharts(store, ids, format, outDir);
        if (!charts)
            return charts.error();
        addNames(files.summaryCharts, *charts);
    }
    return {};
}

Result<ExportedFiles> exportRuns(const std::string& dbPath, const std::vector<std::int64_t>& ids,
                                 const std::string& outDir) {
    ExportedFiles files;
    auto store = results::ResultStore::open(dbPath, true);
    if (!store)
        return store.error();
    if (Status csv = results::exportCsv(*store, ids, outDir); !csv)
        return csv.error();
    files.csv.assign(std::begin(results::kCsvFileNames), std::end(results::kCsvFileNames));
    for (const auto id : ids) {
        const std::string name = "run-" + std::to_string(id) + ".hlog";
        if (Status hlog = results::exportHlog(*store, id, outDir + "/" + name); !hlog)
            return hlog.error();
        files.hlog.push_back(name);
    }
    auto scenarios = results::exportScenarioSummary(*store, ids, outDir);
    if (!scenarios)
        return scenarios.error();
    addNames(files.scenarios, *scenarios);
    if (frontEnd().exportCharts) {
        for (const char* format : {"png", "html"})
            if (Status charts = frontEnd().exportCharts(*store, ids, format, outDir); !charts)
                return charts.error();
        files.runCharts = true;
    }
    if (Status charts = exportSummaryCharts(*store, ids, outDir, files); !charts)
        return charts.error();
    return files;
}

void printExports(const std::string& outDir, const ExportedFiles& files) {
    std::cout << "Exports in " << outDir << ":\n  " << joined(files.csv) << "\n";
    for (const auto* group : {&files.hlog, &files.scenarios, &files.summaryCharts})
        if (!group->empty())
            std::cout << "  " << joined(*group) << "\n";
    if (files.runCharts)
        std::cout << "  run-<id>-<chart>.png charts\nReport: " << outDir << "/report.html\n";
}

} // namespace

int runExperiment(const Arguments& args) {
    auto experiment = model::loadExperiment(args.positionals().front());
    if (!experiment)
        return fail(experiment.error());
    auto platformConfig = platform::choosePlatform(*experiment, args.value("platform").value_or(experiment->platform));
    if (!platformConfig)
        return fail(platformConfig.error());
    experiment->platform = platformConfig->name;
    const std::string dbPath = args.value("db").value_or(defaultDatabasePath());
    if (Status writable = results::ResultsWriter::checkWritable(dbPath); !writable)
        return fail(writable.error());
    auto platform = platform::createPlatform(*platformConfig);
    if (!platform)
        return fail(platform.error());

    results::ResultsWriter writer(dbPath);
    const auto cells = engine::planCells(*experiment);
    TerminalProgress progress(stderr, static_cast<int>(cells.size()), args.has("quiet"));
    engine::RunnerOptions options;
    options.keepDeployed = args.has("keep-deployed");
    options.healthCheck = [&writer] { return writer.lastError(); };
    engine::Runner runner(*experiment, **platform, options);
    runner.addObserver(&writer);
    runner.addObserver(&progress);

    CancellationToken cancel;
    std::vector<engine::CellResult> results;
    {
        InterruptScope interrupt(cancel);
        results = runner.run(cancel);
    }
    (void)writer.flush(); // its outcome is lastError(), checked below after the summary
    printSummary(results, cells, writer);
    if (Status written = writer.lastError(); !written)
        return fail(written.error());
    std::cout << "\nResults: " << dbPath << "\n";
    if (auto out = args.value("out")) {
        auto exported = exportRuns(dbPath, runIds(results, writer), *out);
        if (!exported)
            return fail(exported.error());
        printExports(*out, *exported);
    }
    return engine::exitCodeFor(results);
}

} // namespace faaswb::cli
