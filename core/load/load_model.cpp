#include "load/load_model.h"

namespace faaswb::load {
namespace {
template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
} // namespace

Nanos LoadModel::duration() const {
    return std::visit(Overloaded{[](const OpenLoop& open) {
                                     Nanos total{0};
                                     for (const RateStage& stage : open.stages)
                                         total += stage.duration;
                                     return total;
                                 },
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
