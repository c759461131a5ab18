// The front end handed to the command line (cli::FrontEnd): the desktop GUI and offscreen chart exports.
// Main thread only.
#pragma once

#include "cli/cli.h"

namespace faaswb::ui {

cli::FrontEnd frontEnd();

// Runs the desktop workbench until its window closes; returns the exit code. `experimentFile` is opened when given,
// `databasePath` overrides the remembered results DB.
int runGui(int argc, char** argv, const std::string& experimentFile, const std::string& databasePath);

// exportRunCharts (ui/export/chart_export.h) for a process without a window: creates an offscreen
// QGuiApplication first when none exists.
Status exportChartsHeadless(results::ResultStore& store, const std::vector<std::int64_t>& runIds,
                            const std::string& format, const std::string& outDir);

} // namespace faaswb::ui
