// Where the program finds its data (benchmarks/, resources/) and keeps its results, in the build tree and
// installed alike. Pure lookups of the environment and the file system; thread-safe.
#pragma once

#include <string>

namespace faaswb {

// The folder holding benchmarks/ and resources/: $FAASWB_DATA_DIR, else <exe>/../share/faas-workbench when it
// exists (installed), else the source tree the program was built from.
std::string dataRoot();
std::string benchmarksRoot(); // dataRoot()/benchmarks
// $XDG_DATA_HOME/faas-workbench/results.db (~/.local/share/... by default); the folder is created when missing.
std::string defaultDatabasePath();

} // namespace faaswb
