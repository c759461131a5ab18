// Arrival traces for trace-replay (docs/scenarios/trace-replay.md): the Azure Functions per-minute invocation
// counts or a list of timestamps, turned into explicit intended send times (load::OpenLoop::arrivals). Pure
// functions of their input and the seed, so a replay is the same on every machine and standard library.
#pragma once

#include "common/result.h"
#include "load/load_model.h"
#include "model/experiment.h"

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::engine {

struct ArrivalTrace {
    std::vector<load::Nanos> arrivals; // ascending, since the start of the replay, after timeScale
    double replayedSeconds = 0; // the replayed window: azure minutes x 60 s, or up to the last timestamp; / timeScale
    std::string source;         // what was replayed: "function 9f1c... (row 2), minutes 1-3"
};

// Reads config.file and builds the arrivals. Errors name the file, line and column ("trace.csv:3:57: ...").
Result<ArrivalTrace> loadArrivalTrace(const model::ReplayConfig& config);

// The pieces, for tests. `fileName` only appears in messages.
struct MinuteCounts {
    std::vector<std::uint64_t> perMinute; // invocations in minute 1, 2, ... of the chosen row
    std::string function;                 // its HashFunction
    std::size_t row = 0;                  // 1-based among the data rows
};
// Azure Functions format: header HashOwner,HashApp,HashFunction,Trigger,1,2,...; the row whose HashFunction is
// `function`, else the 1-based data row of that number; empty = the first row. `minutes` keeps the first N.
Result<MinuteCounts> readAzureCounts(std::istream& in, const std::string& fileName, const std::string& function,
                                     std::optional<int> minutes);
// One column of seconds since the start (a `timestamp` header line is allowed); returned sorted.
Result<std::vector<double>> readTimestamps(std::istream& in, const std::string& fileName);
// Seconds since the start of minute 1 for each minute's count:
//   equidistant  count c at m*60 + j*60/c, j = 0..c-1
//   uniform      c sorted uniform draws within the minute (a Poisson process given its count)
//   exponential  exponential gaps at the minute's rate c/60 from its start, the arrivals past its end dropped (a
//                Poisson process at that rate: the count per minute varies around c)
std::vector<double> placeArrivals(const std::vector<std::uint64_t>& perMinute,
                                  model::ReplayConfig::Distribution distribution, std::uint64_t seed);

} // namespace faaswb::engine
