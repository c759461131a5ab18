// LoadGenerator: drives one LoadModel against one RequestSpec with N worker threads (each its own libcurl multi
// handle, histograms and counters) and a collector thread that publishes an IntervalSnapshot every interval.
// run() blocks the calling thread; the sink is called from the collector thread only and must not block for long.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "load/load_model.h"
#include "load/request.h"
#include "load/snapshot.h"

#include <memory>
#include <vector>

namespace faaswb::load {

class LoadSink {
public:
    virtual ~LoadSink() = default;
    // Once per interval, in order, from the collector thread. `requests` are the raw records completed in the
    // interval (up to LoadOptions::maxRequestRecords over the run); the sink may keep them.
    virtual void onInterval(const IntervalSnapshot& snapshot, std::vector<RequestRecord>&& requests) = 0;
};

class LoadGenerator {
public:
    LoadGenerator(RequestSpec request, LoadModel model, LoadOptions options);
    ~LoadGenerator();
    LoadGenerator(const LoadGenerator&) = delete;
    LoadGenerator& operator=(const LoadGenerator&) = delete;

    // Runs the whole model; the calling thread is the collector thread. Cancellation stops within ~100 ms and still
    // publishes the last partial interval; the summary then has cancelled = true. Errors only for setup failures
    // (bad URL, no curl). Requests in flight when sending ends get min(their timeout, 2 s) to finish and are
    // counted in the last interval; those still running then (and all in flight at a cancel) are aborted and not
    // counted: IntervalSnapshot::sent minus requests tells how many.
    Result<LoadSummary> run(LoadSink& sink, const CancellationToken& cancel);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::load
