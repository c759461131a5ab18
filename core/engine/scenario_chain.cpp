// workflow-chain: handover latency between the steps of a 700.chain workflow (seed 004), per mechanism: direct
// (instance to instance), serving (through the platform's routing), eventing (Broker -> Trigger -> instance) and
// eventing-serving (Broker -> Trigger -> Service). One user sends `warmupRequests`, then `requests` chain
// invocations one after the other. Synchronous chains report their hops in step 1's answer; asynchronous ones are
// read from the steps' function spans once every chain has reached its last step. docs/scenarios/workflow-chain.md.
#include "engine/chain_metrics.h"
#include "engine/chain_setup.h"
#include "engine/scenario_driver.h"

#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

namespace faaswb::engine {
namespace {

using chain::Mechanism;
using Clock = std::chrono::system_clock;

constexpr auto kSpanPoll = std::chrono::milliseconds(250);
constexpr auto kChainSlack = std::chrono::seconds(30); // beyond the request timeout, for the last steps to report

// Keeps step 1's answers (synchronous chains) by request index. Called from load workers.
class AnswerCollector final : public load::RequestVariation {
public:
    explicit AnswerCollector(std::string body)
        : m_body(std::move(body)) {}

    bool prepare(std::uint64_t, std::string& body, std::vector<std::pair<std::string, std::string>>&) override {
        body = m_body;
        return true;
    }
    bool wantsResponses() const override { return true; }
    void onResponse(std::uint64_t index, int status, load::ErrorKind, std::string_view body) override {
        if (status != 200)
            return;
        std::lock_guard lock(m_mutex);
        m_answers[index] = std::string(body);
    }
    std::map<std::uint64_t, std::string> answers() const {
        std::lock_guard lock(m_mutex);
        return m_answers;
    }

private:
    const std::string m_body;
    mutable std::mutex m_mutex;
    std::map<std::uint64_t, std::string> m_answers;
};

load::LoadModel sequentialRequests(std::uint64_t count, std::chrono::milliseconds timeout) {
    load::LoadModel model =
        load::LoadModel::virtualUsers(1, (timeout + std::chrono::seconds(1)) * static_cast<long>(count));
    model.maxRequests = count;
    return model;
}

// What step 1 gets: a synchronous chain names the steps after it, an asynchronous one how many hops to forward.
std::string chainBody(const model::ChainConfig& config, const std::vector<std::string>& next) {
    nlohmann::json body{{"work_ms", std::llround(config.workMs)}, {"payload_size", config.payloadBytes}};
    if (chain::isAsynchronous(config.mechanism))
        body["forward"] = config.steps - 1;
    else
        body["next"] = next;
    return body.dump();
}

std::map<std::string, std::vector<trace::Span>> byTrace(std::span<const trace::Span> spans) {
    std::map<std::string, std::vector<trace::Span>> traces;
    std::set<std::pair<std::string, std::string>> seen; // the runner's spans and ours overlap
    for (const trace::Span& span : spans)
        if (seen.emplace(span.traceId, span.spanId).second)
            traces[span.traceId].push_back(span);
    return traces;
}

class ChainDriver final : public ScenarioDriver {
public:
    // Step 1 reports its spans under its own name, so an asynchronous chain's steps can be told apart.
    void prepare(platform::FunctionSpec& function) override { function.env[chain::kServiceNameEnv] = function.name; }

    Status run(CellContext& cell) override {
        const model::ChainConfig& config = cell.scenario().chain;
        m_steps = config.steps;
        if (Status usable = chain::checkPlatform(cell, config.mechanism); !usable)
            return usable;
        auto steps = chain::deploySteps(cell);
        if (!steps)
            return steps.error();
        for (const auto& step : *steps)
            m_stepServices.push_back(step.name);
        auto next = wire(cell, *steps);
        if (!next)
            return next.error();
        load::RequestSpec request = cell.request();
        request.method = "POST";
        request.body = chainBody(config, *next);
        if (Status warm = warmUp(cell, request, config.warmupRequests); !warm)
            return warm;
        return chain::isAsynchronous(config.mechanism) ? measureAsync(cell, request, config.requests)
                                                       : measureSync(cell, request, config.requests);
    }

    void summarize(CellContext& cell, std::span<const trace::Span> spans) override {
        if (!m_asynchronous) {
            chain::setChainMetrics(cell.metrics(), m_samples, m_steps);
            return;
        }
        std::vector<trace::Span> all(spans.begin(), spans.end());
        all.insert(all.end(), m_spans.begin(), m_spans.end());
        const auto traces = byTrace(all);
        std::vector<chain::ChainSample> samples;
        for (const std::string& id : m_traceIds)
            if (auto it = traces.find(id); it != traces.end())
                if (auto sample = chain::sampleFromTrace(it->second, m_stepServices))
                    samples.push_back(std::move(sample).value());
        chain::setChainMetrics(cell.metrics(), samples, m_steps);
    }

    void teardown(CellContext& cell) override {
        if (m_asynchronous && cell.platform().eventing())
            (void)cell.platform().eventing()->removeAll(); // the runner reports nothing of it; the objects are ours
    }

private:
    // The URLs of steps 2..N for a synchronous chain; eventing objects for an asynchronous one.
    Result<std::vector<std::string>> wire(CellContext& cell, const std::vector<platform::Deployment>& steps) {
        const Mechanism mechanism = cell.scenario().chain.mechanism;
        m_asynchronous = chain::isAsynchronous(mechanism);
        if (m_asynchronous) {
            if (Status wired = chain::wireEventing(cell, steps, mechanism); !wired)
                return wired.error();
            return std::vector<std::string>{};
        }
        std::vector<std::string> next;
        for (std::size_t i = 1; i < steps.size(); ++i) {
            auto url = chain::stepUrl(cell, steps[i], mechanism);
            if (!url)
                return url.error();
            next.push_back(std::move(url).value());
        }
        return next;
    }

    Status warmUp(CellContext& cell, const load::RequestSpec& request, std::uint64_t count) {
        if (count == 0)
            return {};
        cell.phase("warm-up");
        DriveOptions options;
        options.warmup = true;
        options.threads = 1;
        auto warm = cell.drive(request, sequentialRequests(count, request.timeout), options);
        return warm ? Status{} : Status{warm.error()};
    }

    Status measureSync(CellContext& cell, load::RequestSpec request, std::uint64_t count) {
        auto collector = std::make_shared<AnswerCollector>(request.body);
        request.variation = collector;
        cell.phase("chains");
        DriveOptions options;
        options.threads = 1;
        auto drive = cell.drive(request, sequentialRequests(count, request.timeout), options);
        if (!drive)
            return drive.error();
        std::string firstProblem;
        for (const auto& [index, body] : collector->answers()) {
            auto sample = chain::sampleFromAnswer(body, m_steps);
            if (sample)
                m_samples.push_back(std::move(sample).value());
            else if (firstProblem.empty())
                firstProblem = sample.error().message;
        }
        if (m_samples.empty() && !drive->summary.cancelled)
            return platformError("no chain invocation answered with its hops" +
                                 (firstProblem.empty() ? std::string() : ": " + firstProblem));
        return {};
    }

    Status measureAsync(CellContext& cell, const load::RequestSpec& request, std::uint64_t count) {
        cell.phase("chains");
        DriveOptions options;
        options.threads = 1;
        options.keepRecords = true;
        const auto from = Clock::now() - std::chrono::seconds(1);
        auto drive = cell.drive(request, sequentialRequests(count, request.timeout), options);
        if (!drive)
            return drive.error();
        for (const auto& record : drive->records)
            if (record.status / 100 == 2 && !record.traceId.empty())
                m_traceIds.push_back(record.traceId);
        if (m_traceIds.empty())
            return drive->summary.cancelled ? Status{} : platformError("no chain invocation was accepted by step 1");
        return waitForChains(cell, from, request.timeout + kChainSlack);
    }

    // The steps after step 1 run after its answer: wait until every accepted chain's last step has reported.
    Status waitForChains(CellContext& cell, Clock::time_point from, std::chrono::milliseconds limit) {
        cell.phase("waiting for the chains' last steps");
        const auto deadline = std::chrono::steady_clock::now() + limit;
        std::size_t incomplete = m_traceIds.size();
        std::string lastProblem;
        while (true) {
            auto spans = cell.platform().fetchSpans(platform::TimeWindow{from, Clock::now() + std::chrono::seconds(1)});
            if (spans) {
                m_spans = std::move(spans).value();
                std::tie(incomplete, lastProblem) = countIncomplete();
            } else {
                lastProblem = spans.error().message;
            }
            if (incomplete == 0)
                return {};
            if (std::chrono::steady_clock::now() >= deadline)
                return platformError(std::to_string(incomplete) + " of " + std::to_string(m_traceIds.size()) +
                                     " chains did not reach step " + std::to_string(m_steps) + " within " +
                                     std::to_string(limit.count() / 1000) + " s (" + lastProblem + ")");
            if (cell.stop().waitFor(kSpanPoll))
                return {}; // cancelled: summarize what arrived
        }
    }

    std::pair<std::size_t, std::string> countIncomplete() const {
        const auto traces = byTrace(m_spans);
        std::size_t incomplete = 0;
        std::string problem;
        for (const std::string& id : m_traceIds) {
            const auto it = traces.find(id);
            auto sample = it == traces.end() ? Result<chain::ChainSample>(platformError("no spans of trace " + id))
                                             : chain::sampleFromTrace(it->second, m_stepServices);
            if (!sample) {
                ++incomplete;
                problem = sample.error().message;
            }
        }
        return {incomplete, problem};
    }

    int m_steps = 0;
    bool m_asynchronous = false;
    std::vector<std::string> m_stepServices;   // span service of step k (its deployment's name)
    std::vector<chain::ChainSample> m_samples; // synchronous chains
    std::vector<std::string> m_traceIds;       // asynchronous chains step 1 accepted
    std::vector<trace::Span> m_spans;          // asynchronous: what waitForChains read last
};

} // namespace

std::unique_ptr<ScenarioDriver> makeChainDriver() {
    return std::make_unique<ChainDriver>();
}

} // namespace faaswb::engine
