// Prints a LoadSummary the way wrk does, plus what wrk leaves out (corrected latency, achieved vs target rate,
// errors by kind), so scripts written for wrk keep working. Pure formatting.
#pragma once

#include "load/snapshot.h"

#include <ostream>
#include <string>

namespace faaswb::cli {

struct LoadReportHeader {
    std::string url;
    int threads = 0;
    std::string concurrency; // "64 connections" or "200 req/s open loop"
};

void printLoadReport(std::ostream& out, const LoadReportHeader& header, const load::LoadSummary& summary);
// "p50 0.41ms  p90 0.80ms  p99 1.20ms  p99.9 2.00ms  max 5.00ms"
std::string percentileLine(const load::LatencyHistogram& histogram);

} // namespace faaswb::cli
