#include "platform/http_platform.h"

namespace faaswb::platform {

HttpPlatform::HttpPlatform(model::PlatformConfig config) : m_config(std::move(config)) {}

PlatformInfo HttpPlatform::describe() {
    PlatformInfo info;
    info.kind = "http";
    info.details = {{"name", m_config.name}, {"url", m_config.url}};
    return info;
}

bool HttpPlatform::supports(Capability capability) const { return capability == Capability::Deploy; }

Result<Deployment> HttpPlatform::deploy(const FunctionSpec& spec, const CancellationToken&) {
    Deployment deployment;
    deployment.name = spec.name;
    deployment.url = m_config.url;
    for (const auto& [name, value] : m_config.headers)
        deployment.headers.emplace_back(name, value);
    return deployment;
}

Status HttpPlatform::remove(const Deployment&) { return {}; }

Error HttpPlatform::unsupported(const char* what) const {
    return platformError("platform '" + m_config.name + "' (type http) cannot " + what +
                         ": it is a plain endpoint the workbench does not control");
}

Status HttpPlatform::forceColdStart(const Deployment&, const CancellationToken&) {
    return unsupported("force cold starts");
}

Result<std::unique_ptr<ScaleWatch>> HttpPlatform::watchScale(const Deployment&,
                                                              std::function<void(const ScaleSample&)>) {
    return unsupported("report pod counts");
}

Result<std::vector<PodMetricsSample>> HttpPlatform::podMetrics(const Deployment&) {
    return unsupported("report pod CPU and memory");
}

Result<std::vector<trace::Span>> HttpPlatform::fetchSpans(const TimeWindow&) { return unsupported("serve traces"); }

} // namespace faaswb::platform
