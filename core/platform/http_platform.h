// HttpPlatform: an existing HTTP endpoint. Deploy is a no-op that returns the configured URL; nothing else can be
// observed there, and supports() says so. Called from the runner thread.
#pragma once

#include "model/experiment.h"
#include "platform/platform.h"

namespace faaswb::platform {

class HttpPlatform final : public Platform {
public:
    explicit HttpPlatform(model::PlatformConfig config);

    PlatformInfo describe() override;
    bool supports(Capability capability) const override;
    Result<Deployment> deploy(const FunctionSpec& spec, const CancellationToken& cancel) override;
    Status remove(const Deployment& deployment) override;
    Status forceColdStart(const Deployment& deployment, const CancellationToken& cancel) override;
    Result<std::unique_ptr<ScaleWatch>> watchScale(const Deployment& deployment,
                                                    std::function<void(const ScaleSample&)> sink) override;
    Result<std::vector<PodMetricsSample>> podMetrics(const Deployment& deployment) override;
    Result<std::vector<trace::Span>> fetchSpans(const TimeWindow& window) override;

private:
    Error unsupported(const char* what) const;
    model::PlatformConfig m_config;
};

} // namespace faaswb::platform
