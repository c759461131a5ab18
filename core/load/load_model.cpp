#include "load/load_model.h"

namespace faaswb::load {
namespace {
template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>; // clang 14 (the fuzz build) does not deduce aggregates without it

// Explicit arrivals end just past the last one, as in ArrivalSchedule.
Nanos openLoopDuration(const OpenLoop& open) {
    if (open.arrivals)
        return open.arrivals->empty() ? Nanos{0} : open.arrivals->back() + Nanos{1};
    Nanos total{0};
    for (const RateStage& stage : open.stages)
        total += stage.duration;
    return total;
}

} // namespace

Nanos LoadModel::duration() const {
    return std::visit(Overloaded{[](const OpenLoop& open) { return openLoopDuration(open); },
                                 [](const ClosedLoop& closed) { return closed.duration; }},
                      shape);
}

LoadModel LoadModel::constantRate(double rps, Nanos duration) {
    return LoadModel{OpenLoop{{RateStage{rps, rps, duration}}, false}, std::nullopt};
}

LoadModel LoadModel::virtualUsers(int users, Nanos duration, Nanos thinkTime) {
    return LoadModel{ClosedLoop{users, thinkTime, duration}, std::nullopt};
}

} // namespace faaswb::load
