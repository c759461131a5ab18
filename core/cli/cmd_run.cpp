#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load_report.h"
#include "cli/progress.h"
#include "common/paths.h"
#include "common/units.h"
#include "engine/cell_plan.h"
#include "engine/runner.h"
#include "model/experiment_loader.h"
#include "platform/platform_factory.h"
#include "results/csv_export.h"
#include "results/result_store.h"
#include "results/results_writer.h"

#include <filesystem>
#include <iostream>

namespace faaswb::cli {
namespace {

void printSummary(const std::vector<engine::CellResult>& results, const results::ResultsWriter& writer) {
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
            std::cout << "\n    latency " << percentileLine(s.latency) << "\n";
        }
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

Status exportRuns(const std::string& dbPath, const std::vector<std::int64_t>& ids, const std::string& outDir) {
    auto store = results::ResultStore::open(dbPath, true);
    if (!store)
        return store.error();
    if (Status csv = results::exportCsv(*store, ids, outDir); !csv)
        return csv;
    for (const auto id : ids)
        if (Status hlog = results::exportHlog(*store, id, outDir + "/run-" + std::to_string(id) + ".hlog"); !hlog)
            return hlog;
    if (!frontEnd().exportCharts)
        return {};
    for (const char* format : {"png", "html"})
        if (Status charts = frontEnd().exportCharts(*store, ids, format, outDir); !charts)
            return charts;
    return {};
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
    const int cells = static_cast<int>(engine::planCells(*experiment).size());
    TerminalProgress progress(stderr, cells, args.has("quiet"));
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
    printSummary(results, writer);
    if (Status written = writer.lastError(); !written)
        return fail(written.error());
    std::cout << "\nResults: " << dbPath << "\n";
    if (auto out = args.value("out")) {
        if (Status exported = exportRuns(dbPath, runIds(results, writer), *out); !exported)
            return fail(exported.error());
        std::cout << "Exports: " << *out << "/summary.csv, intervals.csv, requests.csv, scale_events.csv, run-*.hlog";
        if (frontEnd().exportCharts)
            std::cout << ", run-*-*.png charts";
        std::cout << "\n";
        if (frontEnd().exportCharts)
            std::cout << "Report: " << *out << "/report.html\n";
    }
    return engine::exitCodeFor(results);
}

} // namespace faaswb::cli
