// The subcommands of the headless command line. Each takes the arguments after its name and returns the exit code.
// Called from cli::main on the main thread.
#pragma once

#include "cli/arguments.h"
#include "cli/cli.h"

#include <optional>
#include <string>
#include <vector>

namespace faaswb::cli {

struct Command {
    CommandSpec spec;
    int (*execute)(const Arguments& args);
};

const std::vector<Command>& commands();

int runExperiment(const Arguments& args);
int validateExperiment(const Arguments& args);
int listRuns(const Arguments& args);
int summarizeRuns(const Arguments& args);
int exportRun(const Arguments& args);
int loadUrl(const Arguments& args);
int listBenchmarks(const Arguments& args);
int localPlatform(const Arguments& args);
int openGui(const Arguments& args);

// The front end main() was given (GUI launcher, chart renderer); members may be unset.
const FrontEnd& frontEnd();

// A metric value with its catalogue unit for the terminal: "850us", "12.30ms", "1.20s", "0.1%", "20/s", "3",
// "2.50x", "256MiB", "yes"; "n/a" when unavailable.
std::string formatMetric(const std::optional<double>& value, const std::string& unit);

// Prints "error: message" to stderr and returns the exit code for the error.
int fail(const Error& error);

} // namespace faaswb::cli
