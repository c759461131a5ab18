// The headless command line (ARCHITECTURE.md, "Command line"): run, validate, runs, export, load, benchmarks.
// Called once from main(); installs a SIGINT handler for the duration of a run.
#pragma once

namespace faaswb::cli {

// Returns the process exit code: 0 ok, 2 invalid input, 3 platform/target error, 130 cancelled.
int main(int argc, char** argv);

} // namespace faaswb::cli
