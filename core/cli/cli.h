// The headless command line (ARCHITECTURE.md, "Command line"): run, validate, runs, export, load, benchmarks.
// Called once from main(); installs a SIGINT handler for the duration of a run.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace faaswb::results {
class ResultStore;
}

namespace faaswb::cli {

// What the executable adds to the Qt-free command line: the desktop GUI and the chart renderer live in faaswb_ui,
// which core cannot link, so app/main.cpp hands them in. Unset members make those features report that this build
// lacks them.
struct FrontEnd {
    // The GUI, for `faas-workbench` without arguments, `faas-workbench FILE.yaml` and `faas-workbench gui ...`.
    // Receives the experiment file to open (may be empty) and the results DB (empty = default).
    std::function<int(int argc, char** argv, const std::string& experimentFile, const std::string& dbPath)> gui;
    // Chart exports of stored runs: format png | svg | pdf | html.
    std::function<Status(results::ResultStore& store, const std::vector<std::int64_t>& runIds,
                         const std::string& format, const std::string& outDir)>
        exportCharts;
    // The scenario summary charts (one metric per scenario against its sweep variable, with 95% CI bars; the
    // workflow-chain medians by mechanism x payload size) as `summary-<scenario>-<metric>.<format>` (png|svg).
    // Returns the files written.
    std::function<Result<std::vector<std::string>>(results::ResultStore& store, const std::vector<std::int64_t>& runIds,
                                                   const std::string& format, const std::string& outDir)>
        exportSummaryCharts;
};

// Returns the process exit code: 0 ok, 2 invalid input, 3 platform/target error, 4 a threshold failed, 130 cancelled.
int main(int argc, char** argv, const FrontEnd& frontEnd = {});

} // namespace faaswb::cli
