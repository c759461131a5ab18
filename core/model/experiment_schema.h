// The shape of an experiment file as the validator knows it: every section and the keys its reader accepts, taken
// from the readers' own key lists, so a reference page can be checked against it. Pure data; callable from any thread.
#pragma once

#include <string>
#include <vector>

namespace faaswb::model {

struct SchemaSection {
    // Where the section sits, written like a validation path: "" (top level), "settings", "platforms.NAME",
    // "platforms.NAME.auth", "benchmarks[]", "benchmarks[].autoscaling", "scenarios[]", "scenarios[].stages[]",
    // "scenarios[].stages[].sine", "scenarios[].trace", "scenarios[].source", "scenarios[].sink".
    std::string path;
    std::vector<std::string> keys; // in the reader's order
};

// Every section with fixed keys. Free-form mappings (`headers`, `env`, `input`, a platform's `autoscaler`) and the
// per-type applicability of scenario keys (which the validator also checks) are not part of it.
const std::vector<SchemaSection>& experimentSchema();

} // namespace faaswb::model
