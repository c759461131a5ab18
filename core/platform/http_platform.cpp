#include "platform/http_platform.h"

#include "model/redact.h"

namespace faaswb::platform {
namespace {

// The configured credentials as the load engine applies them.
load::RequestAuth requestAuth(const model::AuthConfig& config) {
    load::RequestAuth auth;
    switch (config.type) {
    case model::AuthType::Bearer:
        auth.kind = load::RequestAuth::Kind::Bearer;
        auth.secret = config.token;
        break;
    case model::AuthType::Basic:
        auth.kind = load::RequestAuth::Kind::Basic;
        auth.username = config.username;
        auth.secret = config.password;
        break;
    case model::AuthType::AwsSigV4:
        auth.kind = load::RequestAuth::Kind::AwsSigV4;
        auth.username = config.accessKeyId;
        auth.secret = config.secretAccessKey;
        auth.sigv4 = "aws:amz:" + config.region + ":" + config.service;
        auth.sessionToken = config.sessionToken;
        break;
    case model::AuthType::None:
        break;
    }
    return auth;
}

} // namespace

HttpPlatform::HttpPlatform(model::PlatformConfig config)
    : m_config(std::move(config)) {}

PlatformInfo HttpPlatform::describe() {
    PlatformInfo info;
    info.kind = "http";
    // Only what identifies the endpoint: header values and credentials are secrets, so they are left out; the auth
    // type alone says how requests authenticated.
    info.details = {{"name", m_config.name},
                    {"url", model::redactUrl(m_config.url)},
                    {"auth", model::authTypeName(m_config.auth.type)},
                    {"tlsVerify", !m_config.insecureSkipTlsVerify}};
    return info;
}

bool HttpPlatform::supports(Capability capability) const {
    return capability == Capability::Deploy;
}

Result<Deployment> HttpPlatform::deploy(const FunctionSpec& spec, const CancellationToken&) {
    Deployment deployment;
    deployment.name = spec.name;
    deployment.url = m_config.url;
    for (const auto& [name, value] : m_config.headers)
        deployment.headers.emplace_back(name, value);
    deployment.auth = requestAuth(m_config.auth);
    deployment.skipTlsVerify = m_config.insecureSkipTlsVerify;
    return deployment;
}

Status HttpPlatform::remove(const Deployment&) {
    return {};
}

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

Result<std::vector<trace::Span>> HttpPlatform::fetchSpans(const TimeWindow&) {
    return unsupported("serve traces");
}

} // namespace faaswb::platform
