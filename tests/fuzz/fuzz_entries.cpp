// Entry functions of the fuzz targets. Properties checked beyond "no crash": the watch-stream parser yields the same
// events however the bytes are split (watch.h promises "any split"), and the experiment loader never reports an
// "internal error" (it turns escaping exceptions into one, which would hide bugs from the fuzzer).
#include "fuzz_entries.h"

#include "fuzz_internal.h"
#include "kube/kubeconfig.h"
#include "kube/watch.h"
#include "localplatform/broker.h"
#include "model/experiment_loader.h"
#include "trace/zipkin_json.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace faaswb::fuzz {

namespace {

constexpr std::array<std::pair<Target, std::string_view>, 6> kNames{{
    {Target::ExperimentYaml, "experiment_yaml"},
    {Target::KubeconfigYaml, "kubeconfig"},
    {Target::Cloudevent, "cloudevent"},
    {Target::Spans, "spans"},
    {Target::GatewayRequest, "gateway_request"},
    {Target::WatchStream, "watch_stream"},
}};

// Paths under a folder that does not exist, so relative file references in the input resolve to nothing.
const std::string kFuzzFolder = "/nonexistent-faaswb-fuzz/";

void experimentYaml(std::string_view input) {
    auto report = model::loadExperimentText(std::string(input), kFuzzFolder + "experiment.yaml");
    for (const auto& issue : report.issues) {
        if (issue.message.starts_with("internal error"))
            propertyFailed("experiment loader: " + issue.message);
    }
}

void kubeconfigYaml(std::string_view input) {
    auto config = kube::Kubeconfig::parse(input, kFuzzFolder + "kubeconfig");
    if (!config)
        return;
    (void)config->context();
    for (const auto& name : config->contextNames())
        (void)config->context(name);
}

// Input: "Name: value" header lines, an empty line, then the body (what the broker's HTTP server hands over).
localplatform::HttpRequest cloudEventRequest(std::string_view input) {
    localplatform::HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/default/default";
    while (!input.empty()) {
        auto end = input.find('\n');
        auto line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            break;
        auto colon = line.find(':');
        auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    request.body = std::string(input);
    return request;
}

void cloudEvent(std::string_view input) {
    const auto request = cloudEventRequest(input);
    (void)localplatform::isCloudEventMessage(request.headers);
    auto event = localplatform::parseCloudEvent(request);
    if (!event)
        return;
    // The broker forwards what it accepted in both modes; serialising an accepted event must not fail.
    (void)localplatform::parseCloudEvent(localplatform::binaryCloudEventRequest(*event));
    (void)localplatform::parseCloudEvent(localplatform::structuredCloudEventRequest(*event));
}

void spans(std::string_view input) {
    if (auto zipkin = trace::parseZipkinSpans(input))
        (void)trace::parseZipkinSpans(trace::toZipkinJson(*zipkin).dump());
    if (auto otlp = trace::parseOtlpJson(input))
        (void)trace::toZipkinJson(*otlp).dump();
}

std::vector<std::pair<kube::WatchEventType, nlohmann::json>> watchEvents(std::string_view input, std::size_t chunk) {
    kube::WatchStreamParser parser;
    std::vector<std::pair<kube::WatchEventType, nlohmann::json>> all;
    auto take = [&all](std::vector<kube::WatchEvent> events) {
        for (auto& event : events)
            all.emplace_back(event.type, std::move(event.object));
    };
    for (std::size_t at = 0; at < input.size(); at += chunk)
        take(parser.feed(input.substr(at, chunk)));
    take(parser.finish());
    return all;
}

void watchStream(std::string_view input) {
    auto whole = watchEvents(input, input.size() + 1);
    if (watchEvents(input, 1) != whole || watchEvents(input, 7) != whole)
        propertyFailed("watch stream: the events depend on how the bytes were split");
}

} // namespace

void propertyFailed(const std::string& what) {
    std::fprintf(stderr, "fuzz property failed: %s\n", what.c_str());
    std::abort();
}

std::string_view targetName(Target target) {
    for (const auto& [value, name] : kNames) {
        if (value == target)
            return name;
    }
    return {};
}

std::optional<Target> targetNamed(std::string_view name) {
    for (const auto& [value, known] : kNames) {
        if (known == name)
            return value;
    }
    return std::nullopt;
}

const std::vector<Target>& allTargets() {
    static const std::vector<Target> targets = [] {
        std::vector<Target> all;
        for (const auto& entry : kNames)
            all.push_back(entry.first);
        return all;
    }();
    return targets;
}

void run(Target target, std::string_view input) {
    switch (target) {
    case Target::ExperimentYaml:
        return experimentYaml(input);
    case Target::KubeconfigYaml:
        return kubeconfigYaml(input);
    case Target::Cloudevent:
        return cloudEvent(input);
    case Target::Spans:
        return spans(input);
    case Target::GatewayRequest:
        return gatewayRequest(input);
    case Target::WatchStream:
        return watchStream(input);
    }
}

} // namespace faaswb::fuzz
