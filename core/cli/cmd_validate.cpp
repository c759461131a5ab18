#include "cli/commands.h"
#include "engine/cell_plan.h"
#include "model/experiment_loader.h"

#include <iostream>

namespace faaswb::cli {

int validateExperiment(const Arguments& args) {
    const std::string& path = args.positionals().front();
    const model::LoadReport report = model::loadExperimentFile(path);
    for (const auto& issue : report.issues)
        std::cerr << issue.format() << "\n";
    if (!report.experiment) {
        std::cerr << path << ": " << report.issues.size() << (report.issues.size() == 1 ? " problem" : " problems")
                  << "\n";
        return static_cast<int>(ErrorCode::InvalidInput);
    }
    const auto& experiment = *report.experiment;
    std::cout << path << ": ok — experiment '" << experiment.name << "', " << experiment.benchmarks.size()
              << " benchmark(s), " << experiment.scenarios.size() << " scenario(s), "
              << engine::planCells(experiment).size() << " run(s) on platform '" << experiment.platform << "'\n";
    return 0;
}

} // namespace faaswb::cli
