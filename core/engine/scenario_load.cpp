// warm-latency, concurrency-one and load: an optional warm-up at the starting level, then the scenario's load model.
// concurrency-one's containerConcurrency 1 is part of the cell's function (cell_plan.cpp), so runs record it.
#include "engine/scenario_load.h"

namespace faaswb::engine {

// The warm-up drives the same kind of load as the measured phase at its starting level.
load::LoadModel warmupModel(const model::ScenarioConfig& scenario) {
    const load::LoadModel measured = scenario.loadModel();
    if (const auto* closed = std::get_if<load::ClosedLoop>(&measured.shape))
        return load::LoadModel::virtualUsers(closed->virtualUsers, scenario.warmup, closed->thinkTime);
    const auto& open = std::get<load::OpenLoop>(measured.shape);
    double rate = open.stages.empty() ? 0 : open.stages.front().fromRps;
    if (rate <= 0 && !open.stages.empty())
        rate = open.stages.front().toRps;
    return load::LoadModel::constantRate(rate, scenario.warmup);
}

Result<DriveResult> warmUpThenMeasure(CellContext& cell, const DriveOptions& measure) {
    const auto& scenario = cell.scenario();
    const load::RequestSpec request = cell.request();
    if (scenario.warmup.count() > 0) {
        cell.phase("warmup", scenario.warmup);
        if (auto warm = cell.drive(request, warmupModel(scenario), warmupDrive()); !warm)
            return warm.error();
    }
    const load::LoadModel model = scenario.loadModel();
    cell.phase("measure", model.duration());
    return cell.drive(request, model, measure);
}

namespace {

class LoadDriver final : public ScenarioDriver {
public:
    Status run(CellContext& cell) override {
        auto measured = warmUpThenMeasure(cell);
        return measured ? Status{} : Status(measured.error());
    }
};

} // namespace

std::unique_ptr<ScenarioDriver> makeLoadDriver() {
    return std::make_unique<LoadDriver>();
}

} // namespace faaswb::engine
