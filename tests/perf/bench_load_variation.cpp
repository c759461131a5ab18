// bench_load_variation: the cost of per-request variation (RequestSpec::variation) in the load engine. Drives a
// closed loop against a URL with a variation that gives each request its own small body and header (the batch and
// eventing drivers' shape), optionally keeping the response bodies, and prints requests/s and requests per
// CPU-second of the whole process, so runs compare on a shared machine.
//   bench_load_variation URL --mode plain|vary|responses --connections C --duration D [--threads N]
#include "common/units.h"
#include "load/load_generator.h"

#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <sys/resource.h>

namespace {

using namespace faaswb;

class NullSink final : public load::LoadSink {
public:
    void onInterval(const load::IntervalSnapshot&, std::vector<load::RequestRecord>&&) override {}
};

// What a batch or eventing driver does per request: format a small body and an id header; count the responses.
class SmallVariation final : public load::RequestVariation {
public:
    explicit SmallVariation(bool keepResponses)
        : m_keepResponses(keepResponses) {}
    bool prepare(std::uint64_t index, std::string& body,
                 std::vector<std::pair<std::string, std::string>>& headers) override {
        body.append(R"({"records":[{"id":)").append(std::to_string(index)).append(R"(,"text":"hello"}]})");
        headers.emplace_back("Ce-Id", std::to_string(index));
        return true;
    }
    bool wantsResponses() const override { return m_keepResponses; }
    void onResponse(std::uint64_t, int, load::ErrorKind, std::string_view body) override {
        m_bytes.fetch_add(body.size(), std::memory_order_relaxed);
    }

private:
    bool m_keepResponses;
    std::atomic<std::uint64_t> m_bytes{0};
};

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int usage() {
    std::fputs("usage: bench_load_variation URL --mode plain|vary|responses --connections C --duration D "
               "[--threads N]\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4 || argv[1][0] == '-')
        return usage();
    std::map<std::string, std::string> flags;
    for (int i = 2; i + 1 < argc; i += 2)
        flags[argv[i]] = argv[i + 1];
    const auto duration = parseDuration(flags["--duration"]);
    const std::string mode = flags["--mode"];
    if (!duration || !flags.count("--connections") || (mode != "plain" && mode != "vary" && mode != "responses"))
        return usage();
    load::RequestSpec request;
    request.url = argv[1];
    request.method = "POST";
    if (mode != "plain")
        request.variation = std::make_shared<SmallVariation>(mode == "responses");
    load::LoadOptions options;
    options.threads = flags.count("--threads") ? std::stoi(flags["--threads"]) : 1;
    options.maxRequestRecords = 0;
    const auto model = load::LoadModel::virtualUsers(std::stoi(flags["--connections"]), *duration);
    load::LoadGenerator generator(request, model, options);
    NullSink sink;
    CancellationToken cancel;
    const auto summary = generator.run(sink, cancel);
    if (!summary) {
        std::fprintf(stderr, "bench_load_variation: %s\n", summary.error().message.c_str());
        return 3;
    }
    const double cpu = cpuSeconds();
    std::printf("mode %s: %llu requests, %llu errors\n", mode.c_str(),
                static_cast<unsigned long long>(summary->requests), static_cast<unsigned long long>(summary->errors));
    std::printf("Requests/sec: %.0f\nRequests/CPU-sec: %.0f\n", summary->achievedRate,
                cpu > 0 ? double(summary->requests) / cpu : 0.0);
    return 0;
}
