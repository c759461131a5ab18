// trace-replay: the arrivals of a trace file (arrival_trace.h) driven as one open-loop load with explicit intended
// send times, so latency counts from when the trace wanted each request sent.
#include "engine/arrival_trace.h"
#include "engine/scenario_driver.h"

#include <memory>

namespace faaswb::engine {
namespace {

class ReplayDriver final : public ScenarioDriver {
public:
    Status run(CellContext& cell) override {
        auto trace = loadArrivalTrace(cell.scenario().replay);
        if (!trace)
            return trace.error();
        cell.metrics().set("arrivals_scheduled", static_cast<double>(trace->arrivals.size()));
        cell.metrics().set("replayed_seconds", trace->replayedSeconds);
        if (trace->arrivals.empty())
            return invalidInput("the trace asks for no invocations in what is replayed (" + trace->source + ")");
        load::OpenLoop open;
        open.arrivals = std::make_shared<const std::vector<load::Nanos>>(std::move(trace->arrivals));
        const load::LoadModel model{open, std::nullopt};
        cell.phase("replay", model.duration());
        auto measured = cell.drive(cell.request(), model, {});
        return measured ? Status{} : Status(measured.error());
    }
};

} // namespace

std::unique_ptr<ScenarioDriver> makeReplayDriver() {
    return std::make_unique<ReplayDriver>();
}

} // namespace faaswb::engine
