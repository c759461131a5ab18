// bench_load_engine: drives the load engine against a URL and prints wrk-style figures, for tests/perf scripts.
//   bench_load_engine URL (--connections C | --rate R) --duration D [--threads N] [--connections C with --rate]
// Closed loop with --connections alone (C virtual users, as wrk -c); open loop with --rate (C = most in flight).
#include "common/units.h"
#include "load/load_generator.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace {

using namespace faaswb;

class NullSink final : public load::LoadSink {
public:
    void onInterval(const load::IntervalSnapshot& snapshot, std::vector<load::RequestRecord>&&) override {
        saturated = saturated || snapshot.generatorSaturated;
    }
    bool saturated = false;
};

std::map<std::string, std::string> parseFlags(int argc, char** argv) {
    std::map<std::string, std::string> flags;
    for (int i = 2; i + 1 < argc; i += 2)
        flags[argv[i]] = argv[i + 1];
    return flags;
}

int usage() {
    std::fputs("usage: bench_load_engine URL (--connections C | --rate R) --duration D [--threads N]\n", stderr);
    return 2;
}

void printPercentiles(const char* label, const load::LatencyHistogram& histogram) {
    const auto p = load::LatencyPercentiles::of(histogram);
    std::printf("%s p50/p90/p99/p99.9/max: %s %s %s %s %s\n", label, formatMicros(double(p.p50)).c_str(),
                formatMicros(double(p.p90)).c_str(), formatMicros(double(p.p99)).c_str(),
                formatMicros(double(p.p999)).c_str(), formatMicros(double(p.max)).c_str());
}

void printSummary(const load::LoadSummary& summary, bool saturated) {
    std::printf("%llu requests in %.2fs, %llu errors\n", static_cast<unsigned long long>(summary.requests),
                summary.elapsedSeconds, static_cast<unsigned long long>(summary.errors));
    std::printf("Requests/sec: %.2f\n", summary.achievedRate);
    printPercentiles("Latency", summary.latency);
    printPercentiles("Service time", summary.serviceTime);
    if (summary.targetRate > 0)
        std::printf("Target rate: %.2f  Achieved: %.2f  Ratio: %.4f%s\n", summary.targetRate, summary.achievedRate,
                    summary.achievedRate / summary.targetRate, saturated ? "  (generator saturated)" : "");
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4 || argv[1][0] == '-')
        return usage();
    auto flags = parseFlags(argc, argv);
    const auto duration = parseDuration(flags["--duration"]);
    if (!duration)
        return usage();
    load::RequestSpec request;
    request.url = argv[1];
    load::LoadOptions options;
    options.threads = flags.count("--threads") ? std::stoi(flags["--threads"]) : 0;
    options.connections = flags.count("--connections") ? std::stoi(flags["--connections"]) : 0;
    options.maxRequestRecords = 0;
    load::LoadModel model = load::LoadModel::virtualUsers(options.connections, *duration);
    if (flags.count("--rate")) {
        const auto rate = parseRate(flags["--rate"]);
        if (!rate)
            return usage();
        model = load::LoadModel::constantRate(*rate, *duration);
    } else if (options.connections <= 0) {
        return usage();
    }
    load::LoadGenerator generator(request, model, options);
    NullSink sink;
    CancellationToken cancel;
    const auto summary = generator.run(sink, cancel);
    if (!summary) {
        std::fprintf(stderr, "bench_load_engine: %s\n", summary.error().message.c_str());
        return 3;
    }
    printSummary(*summary, sink.saturated);
    return 0;
}
