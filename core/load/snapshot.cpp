#include "load/snapshot.h"

namespace faaswb::load {

LatencyPercentiles LatencyPercentiles::of(const LatencyHistogram& histogram) {
    return LatencyPercentiles{histogram.valueAtPercentile(50.0), histogram.valueAtPercentile(90.0),
                              histogram.valueAtPercentile(99.0), histogram.valueAtPercentile(99.9), histogram.max()};
}

} // namespace faaswb::load
