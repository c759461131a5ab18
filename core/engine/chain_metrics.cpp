#include "engine/chain_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

namespace faaswb::engine::chain {

namespace {

using nlohmann::json;

std::optional<std::int64_t> micros(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_number())
        return std::nullopt;
    return object[key].get<std::int64_t>();
}

double millis(std::int64_t us) {
    return double(us) / 1000.0;
}

Error badAnswer(const std::string& what) {
    return platformError("700.chain answer: " + what);
}

// The earliest span whose parent is `parent` (the platform's first record of what the step sent on).
const trace::Span* firstChild(std::span<const trace::Span> trace, const trace::Span& parent) {
    const trace::Span* first = nullptr;
    for (const trace::Span& span : trace)
        if (span.parentId == parent.spanId && (!first || span.startUs < first->startUs))
            first = &span;
    return first;
}

} // namespace

std::optional<double> percentile(std::vector<double> values, double p) {
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const double rank = p / 100.0 * double(values.size() - 1);
    const auto low = static_cast<std::size_t>(std::floor(rank));
    const auto high = static_cast<std::size_t>(std::ceil(rank));
    return values[low] + (values[high] - values[low]) * (rank - double(low));
}

Result<ChainSample> sampleFromAnswer(std::string_view body, int steps) {
    const json answer = json::parse(body, nullptr, false);
    if (!answer.is_object() || !answer.contains("result") || !answer["result"].is_object())
        return badAnswer("not a JSON object with a result");
    const json hops = answer["result"].value("hops", json());
    if (!hops.is_array() || hops.size() != std::size_t(steps))
        return badAnswer("expected " + std::to_string(steps) + " hops, got " +
                         (hops.is_array() ? std::to_string(hops.size()) : std::string("none")));
    const auto begin = micros(answer, "begin_us");
    const auto end = micros(answer, "end_us");
    if (!begin || !end)
        return badAnswer("no begin_us/end_us");
    ChainSample sample;
    sample.endToEndMs = millis(*end - *begin);
    for (int i = 0; i + 1 < steps; ++i) {
        const auto sent = micros(hops[std::size_t(i)], "sent_us");
        const auto received = micros(hops[std::size_t(i) + 1], "received_us");
        if (!sent || !received)
            return badAnswer("hop " + std::to_string(i + 1) + " lacks sent_us or the next received_us");
        sample.handoverMs.push_back(millis(*received - *sent));
    }
    return sample;
}

Result<ChainSample> sampleFromTrace(std::span<const trace::Span> trace, const std::vector<std::string>& stepServices) {
    std::vector<const trace::Span*> steps(stepServices.size(), nullptr);
    for (const trace::Span& span : trace) {
        if (span.name != "function")
            continue;
        const auto it = std::find(stepServices.begin(), stepServices.end(), span.service);
        if (it == stepServices.end())
            continue;
        auto& slot = steps[std::size_t(it - stepServices.begin())];
        // A redelivered event runs a step twice: the first run is the handover we measure.
        if (!slot || span.startUs < slot->startUs)
            slot = &span;
    }
    for (std::size_t k = 0; k < steps.size(); ++k)
        if (!steps[k])
            return platformError("no span of step " + std::to_string(k + 1) + " (" + stepServices[k] + ")");
    ChainSample sample;
    sample.endToEndMs = millis(steps.back()->startUs + steps.back()->durationUs - steps.front()->startUs);
    for (std::size_t k = 0; k + 1 < steps.size(); ++k) {
        const trace::Span* sent = firstChild(trace, *steps[k]);
        if (!sent)
            return platformError("no span of the event step " + std::to_string(k + 1) + " sent on");
        sample.handoverMs.push_back(millis(steps[k + 1]->startUs - sent->startUs));
    }
    return sample;
}

void setChainMetrics(analysis::RunMetrics& metrics, const std::vector<ChainSample>& samples, int steps) {
    std::vector<double> endToEnd;
    for (const ChainSample& sample : samples)
        endToEnd.push_back(sample.endToEndMs);
    metrics.set("end_to_end_p50", percentile(endToEnd, 50));
    metrics.set("end_to_end_p99", percentile(endToEnd, 99));
    std::optional<double> sum = samples.empty() ? std::nullopt : std::optional<double>(0.0);
    for (int hop = 1; hop < steps; ++hop) {
        std::vector<double> values;
        for (const ChainSample& sample : samples)
            if (std::size_t(hop) <= sample.handoverMs.size())
                values.push_back(sample.handoverMs[std::size_t(hop) - 1]);
        const auto median = percentile(std::move(values), 50);
        metrics.set("handover_p50.hop" + std::to_string(hop), median);
        sum = sum && median ? std::optional<double>(*sum + *median) : std::nullopt;
    }
    metrics.set("handover_sum_p50", sum);
}

} // namespace faaswb::engine::chain
