// Loads and validates experiment YAML files into model::Experiment. Every problem is reported with
// file:line:column and what was expected; unknown keys get a "did you mean" suggestion. Reads only the
// file system (benchmark `source` directories, resolved from the file's folder); thread-safe.
#pragma once

#include "common/result.h"
#include "model/experiment.h"

#include <string>
#include <vector>

namespace faaswb::model {

struct ValidationIssue {
    std::string file;
    SourceLocation where;
    std::string message;        // "scenarios[0].rate: expected a rate such as 200 or 1.5k/s, got 'fast'"
    std::string format() const; // "file:line:column: message"
};

// All issues found (not just the first); empty when the experiment is valid.
struct LoadReport {
    std::optional<Experiment> experiment; // set when there were no issues
    std::vector<ValidationIssue> issues;
};

LoadReport loadExperimentFile(const std::string& path);
LoadReport loadExperimentText(const std::string& text, const std::string& sourceName);

// Convenience: the experiment, or an InvalidInput error whose message lists every issue, one per line.
Result<Experiment> loadExperiment(const std::string& path);

} // namespace faaswb::model
