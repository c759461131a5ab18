#include "platform/openwhisk_platform.h"

#include "common/paths.h"
#include "platform/openwhisk_action.h"
#include "platform/openwhisk_client.h"
#include "platform/openwhisk_spans.h"

#include <chrono>
#include <set>

namespace faaswb::platform {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kDeployTimeout = std::chrono::seconds(120);
constexpr auto kActivationPoll = milliseconds(250);
constexpr int kPageSize = 200;   // OpenWhisk's largest activation page
constexpr int kMaxPages = 10000; // 2 M activations per action: a runaway listing, not a run
constexpr const char* kApplicationError = "application error";

std::int64_t epochMs(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

milliseconds deployTimeoutOf(const model::PlatformConfig& config) {
    return config.deployTimeout ? std::chrono::duration_cast<milliseconds>(*config.deployTimeout)
                                : milliseconds(kDeployTimeout);
}

// "ow.example:31001 build 2024-05-01T12:00:00Z" -> the build stamp; "" when the API info has none.
std::string buildOf(const json& apiInfo) {
    std::string build = jsonText(apiInfo, "build");
    const std::string number = jsonText(apiInfo, "buildno");
    if (!number.empty() && number != build)
        build += build.empty() ? number : " (" + number + ")";
    return build;
}

// The error text an activation's result carries ({"error": "..."} or a structured error), for messages.
std::string activationError(const json& activation) {
    const json* response =
        activation.is_object() && activation.contains("response") ? &activation["response"] : nullptr;
    if (!response || !response->is_object() || !response->contains("result"))
        return "no result";
    const json& result = (*response)["result"];
    if (result.is_object() && result.contains("error"))
        return result["error"].is_string() ? result["error"].get<std::string>() : result["error"].dump();
    return result.dump();
}

class OpenWhiskPlatform final : public Platform {
public:
    OpenWhiskPlatform(model::PlatformConfig config, std::unique_ptr<OpenWhiskClient> client, json apiInfo)
        : m_config(std::move(config))
        , m_client(std::move(client))
        , m_apiInfo(std::move(apiInfo)) {}

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
    std::string actionPath(const std::string& name) const;
    std::string where(const std::string& method, const std::string& pathAndQuery) const;
    Result<OpenWhiskReply> call(OpenWhiskCall request) const;
    Result<bool> checkOwnership(const std::string& name, const CancellationToken& cancel) const;
    Result<std::string> putAction(const std::string& name, const json& body, const CancellationToken& cancel) const;
    Status checkRuns(const std::string& name, const CancellationToken& cancel) const;
    Result<json> awaitActivation(const std::string& id, SteadyClock::time_point deadline,
                                 const CancellationToken& cancel) const;
    Status judgeFirstActivation(const std::string& name, const json& activation) const;
    Result<json> currentAction(const std::string& name, const CancellationToken& cancel) const;
    Status listActivations(const std::string& name, const TimeWindow& window, std::vector<json>& out) const;
    Deployment deploymentFor(const std::string& name, const std::string& revision) const;

    model::PlatformConfig m_config;
    std::unique_ptr<OpenWhiskClient> m_client;
    json m_apiInfo;
    std::map<std::string, json> m_actions; // name -> the body we last PUT (forceColdStart re-PUTs it)
    std::set<std::string> m_traced;        // actions whose activations fetchSpans lists (kept after remove)
    std::uint64_t m_coldStartCount = 0;
};

std::string OpenWhiskPlatform::actionPath(const std::string& name) const {
    return m_client->namespacePath() + "/actions/" + encodePathSegment(name);
}

std::string OpenWhiskPlatform::where(const std::string& method, const std::string& pathAndQuery) const {
    return "platform '" + m_config.name + "': " + method + " " + m_client->apiHost() + pathAndQuery;
}

// Every call names the platform, the method and URL in its error (the transport's message for no answer).
Result<OpenWhiskReply> OpenWhiskPlatform::call(OpenWhiskCall request) const {
    auto reply = m_client->call(request);
    if (!reply)
        return Error{reply.error().code, "platform '" + m_config.name + "': " + reply.error().message};
    return reply;
}

PlatformInfo OpenWhiskPlatform::describe() {
    PlatformInfo info;
    info.kind = "openwhisk";
    info.version = buildOf(m_apiInfo);
    info.details = json{{"apiHost", m_client->apiHost()},
                        {"namespace", m_client->namespaceName()},
                        {"tlsVerify", !m_config.insecureSkipTlsVerify}};
    return info;
}

bool OpenWhiskPlatform::supports(Capability capability) const {
    switch (capability) {
    case Capability::Deploy:
    case Capability::ForceColdStart:
    case Capability::Traces:
        return true;
    case Capability::WatchScale:
    case Capability::PodMetrics:
    case Capability::Eventing:
    case Capability::InstanceUrls:
        return false;
    }
    return false;
}

// An action that exists without our annotation belongs to someone else: overwriting it would destroy their code.
Result<bool> OpenWhiskPlatform::checkOwnership(const std::string& name, const CancellationToken& cancel) const {
    const std::string path = actionPath(name) + "?code=false";
    auto reply = call({"GET", path, {}, milliseconds(30000), &cancel});
    if (!reply)
        return reply.error();
    if (reply->status == 404)
        return false;
    if (reply->status != 200)
        return platformError(where("GET", path) + ": " + describeFailure(*reply));
    const auto createdBy = annotationValue(reply->body, kOwCreatedByKey);
    if (!createdBy || *createdBy != kOwCreatedByValue)
        return invalidInput("platform '" + m_config.name + "': OpenWhisk action '" + name + "' in namespace '" +
                            m_client->namespaceName() + "' exists and was not created by faas-workbench (no " +
                            kOwCreatedByKey + " annotation); delete it (wsk action delete " + name +
                            ") or deploy to another namespace");
    return true;
}

// PUT with overwrite; the answer is the stored action, whose version serves as the revision.
Result<std::string> OpenWhiskPlatform::putAction(const std::string& name, const json& body,
                                                 const CancellationToken& cancel) const {
    const std::string path = actionPath(name) + "?overwrite=true";
    auto reply = call({"PUT", path, body.dump(), milliseconds(60000), &cancel});
    if (!reply)
        return reply.error();
    if (reply->status != 200 && reply->status != 201)
        return platformError(where("PUT", path) + ": " + describeFailure(*reply));
    return jsonText(reply->body, "version");
}

Result<json> OpenWhiskPlatform::awaitActivation(const std::string& id, SteadyClock::time_point deadline,
                                                const CancellationToken& cancel) const {
    const std::string path = m_client->namespacePath() + "/activations/" + encodePathSegment(id);
    while (true) {
        auto reply = call({"GET", path, {}, milliseconds(30000), &cancel});
        if (!reply)
            return reply.error();
        if (reply->status == 200)
            return reply->body;
        if (reply->status != 404)
            return platformError(where("GET", path) + ": " + describeFailure(*reply));
        if (SteadyClock::now() >= deadline)
            return platformError("platform '" + m_config.name + "': activation " + id +
                                 " did not finish within the deploy timeout of " +
                                 std::to_string(deployTimeoutOf(m_config).count() / 1000) +
                                 " s; raise deployTimeout if the action's first start is slower");
        if (cancel.waitFor(kActivationPoll))
            return cancelled("platform '" + m_config.name + "': deploy cancelled");
    }
}

// A handler rejecting the empty event (010.sleep needs `ms`) is an application error: the action ran. A developer or
// internal error means it could not start or crashed (wrong image, code that does not load).
Status OpenWhiskPlatform::judgeFirstActivation(const std::string& name, const json& activation) const {
    const json* response =
        activation.is_object() && activation.contains("response") ? &activation["response"] : nullptr;
    if (response && response->is_object() && response->contains("success") && (*response)["success"] == true)
        return {};
    const std::string status = response ? jsonText(*response, "status") : std::string();
    if (status == kApplicationError)
        return {};
    return platformError("platform '" + m_config.name + "': OpenWhisk action '" + name +
                         "' failed its first invocation (" + (status.empty() ? "no status" : status) +
                         "): " + activationError(activation));
}

Status OpenWhiskPlatform::checkRuns(const std::string& name, const CancellationToken& cancel) const {
    const auto timeout = deployTimeoutOf(m_config);
    const auto deadline = SteadyClock::now() + timeout;
    const std::string path = actionPath(name) + "?blocking=true";
    auto reply = call({"POST", path, "{}", timeout, &cancel});
    if (!reply)
        return reply.error();
    if (reply->status == 200 || reply->status == 502)
        return judgeFirstActivation(name, reply->body);
    if (reply->status != 202)
        return platformError(where("POST", path) + ": " + describeFailure(*reply));
    // Outlasted the blocking wait (a slow first start): the record appears once the activation ends.
    const std::string id = jsonText(reply->body, "activationId");
    if (id.empty())
        return platformError(where("POST", path) + ": 202 without an activationId");
    auto activation = awaitActivation(id, deadline, cancel);
    if (!activation)
        return activation.error();
    return judgeFirstActivation(name, *activation);
}

Deployment OpenWhiskPlatform::deploymentFor(const std::string& name, const std::string& revision) const {
    Deployment deployment;
    deployment.name = name;
    deployment.url = m_client->apiHost() + actionPath(name) + "?blocking=true";
    deployment.revision = revision;
    deployment.auth.kind = load::RequestAuth::Kind::Basic;
    deployment.auth.username = m_client->username();
    deployment.auth.secret = m_client->secret();
    deployment.skipTlsVerify = m_config.insecureSkipTlsVerify;
    deployment.createdByUs = true;
    return deployment;
}

Result<Deployment> OpenWhiskPlatform::deploy(const FunctionSpec& spec, const CancellationToken& cancel) {
    const ActionSettings settings{m_config.name, m_config.images, benchmarksRoot()};
    auto exec = actionExec(spec, settings);
    if (!exec)
        return exec.error();
    auto limits = actionLimits(spec);
    if (!limits)
        return limits.error();
    auto existed = checkOwnership(spec.name, cancel);
    if (!existed)
        return existed.error();
    json body = actionBody(spec, m_client->namespaceName(), std::move(*exec), std::move(*limits));
    auto revision = putAction(spec.name, body, cancel);
    if (!revision)
        return revision.error();
    m_actions[spec.name] = body;
    m_traced.insert(spec.name);
    if (auto runs = checkRuns(spec.name, cancel); !runs) {
        if (!*existed)
            (void)remove(deploymentFor(spec.name, *revision)); // leave nothing behind we just created
        return runs.error();
    }
    return deploymentFor(spec.name, *revision);
}

Status OpenWhiskPlatform::remove(const Deployment& deployment) {
    if (!deployment.createdByUs)
        return {};
    const std::string path = actionPath(deployment.name);
    auto reply = call({"DELETE", path, {}, milliseconds(30000), nullptr});
    if (!reply)
        return reply.error();
    if (reply->status != 200 && reply->status != 404)
        return platformError(where("DELETE", path) + ": " + describeFailure(*reply));
    m_actions.erase(deployment.name);
    return {};
}

// OpenWhisk has no scale-to-zero call, but updating an action makes invokers drop its warm containers (they run
// the old revision), so the next activation initialises a fresh one. A changed annotation is the smallest update.
Status OpenWhiskPlatform::forceColdStart(const Deployment& deployment, const CancellationToken& cancel) {
    if (cancel.isCancelled())
        return cancelled("platform '" + m_config.name + "': forced cold start cancelled");
    auto stored = m_actions.find(deployment.name);
    if (stored == m_actions.end()) {
        auto current = currentAction(deployment.name, cancel);
        if (!current)
            return current.error();
        stored = m_actions.emplace(deployment.name, std::move(*current)).first;
    }
    const std::string nonce =
        std::to_string(++m_coldStartCount) + "-" + std::to_string(epochMs(std::chrono::system_clock::now()));
    setAnnotation(stored->second, kOwColdStartNonceKey, nonce);
    auto revision = putAction(deployment.name, stored->second, cancel);
    return revision ? Status() : Status(revision.error());
}

// An action deployed before this adapter was created (kept deployed): its stored definition, to PUT back.
Result<json> OpenWhiskPlatform::currentAction(const std::string& name, const CancellationToken& cancel) const {
    const std::string path = actionPath(name);
    auto reply = call({"GET", path, {}, milliseconds(30000), &cancel});
    if (!reply)
        return reply.error();
    if (reply->status != 200 || !reply->body.is_object())
        return platformError(where("GET", path) + ": " + describeFailure(*reply));
    json body = json::object();
    for (const char* key : {"namespace", "name", "exec", "limits", "parameters", "annotations", "publish"})
        if (reply->body.contains(key))
            body[key] = reply->body[key];
    return body;
}

Result<std::unique_ptr<ScaleWatch>> OpenWhiskPlatform::watchScale(const Deployment&,
                                                                  std::function<void(const ScaleSample&)>) {
    return platformError("OpenWhisk does not expose pod counts: platform '" + m_config.name +
                         "' cannot watch scale (stored as NULL)");
}

Result<std::vector<PodMetricsSample>> OpenWhiskPlatform::podMetrics(const Deployment&) {
    return platformError("OpenWhisk does not expose pod metrics: platform '" + m_config.name +
                         "' has no CPU or memory per container (stored as NULL)");
}

// Pages newest-first through the window. Activations arriving while we page shift later pages, so the caller
// de-duplicates by activation id.
Status OpenWhiskPlatform::listActivations(const std::string& name, const TimeWindow& window,
                                          std::vector<json>& out) const {
    const std::string base = m_client->namespacePath() + "/activations?name=" + encodePathSegment(name) +
                             "&since=" + std::to_string(epochMs(window.from)) +
                             "&upto=" + std::to_string(epochMs(window.to)) + "&limit=" + std::to_string(kPageSize) +
                             "&docs=true&skip=";
    for (int page = 0; page < kMaxPages; ++page) {
        const std::string path = base + std::to_string(page * kPageSize);
        auto reply = call({"GET", path, {}, milliseconds(60000), nullptr});
        if (!reply)
            return reply.error();
        if (reply->status != 200 || !reply->body.is_array())
            return platformError(
                where("GET", path) + ": " +
                (reply->status == 200 ? "the answer is not a list of activations" : describeFailure(*reply)));
        for (auto& activation : reply->body)
            out.push_back(std::move(activation));
        if (reply->body.size() < static_cast<std::size_t>(kPageSize))
            return {};
    }
    return {};
}

Result<std::vector<trace::Span>> OpenWhiskPlatform::fetchSpans(const TimeWindow& window) {
    std::vector<json> activations;
    for (const auto& name : m_traced)
        if (auto listed = listActivations(name, window, activations); !listed)
            return listed.error();
    std::vector<trace::Span> spans;
    std::set<std::string> seen;
    for (const auto& activation : activations) {
        if (!seen.insert(jsonText(activation, "activationId")).second)
            continue;
        for (auto& span : activationSpans(activation))
            spans.push_back(std::move(span));
    }
    return spans;
}

// GET /api/v1 (the API host answers) and GET /api/v1/namespaces (the key is accepted).
Result<json> probe(const model::PlatformConfig& config, const OpenWhiskClient& client) {
    const std::string prefix = "platform '" + config.name + "': ";
    json apiInfo;
    for (const char* path : {"/api/v1", "/api/v1/namespaces"}) {
        auto reply = client.call({"GET", path, {}, milliseconds(30000), nullptr});
        if (!reply)
            return Error{reply.error().code, prefix + "OpenWhisk API host does not answer: " + reply.error().message};
        if (reply->status == 401)
            return platformError(prefix + describeFailure(*reply));
        if (reply->status != 200)
            return platformError(prefix + "GET " + client.apiHost() + path + ": " + describeFailure(*reply));
        if (apiInfo.is_null())
            apiInfo = reply->body;
    }
    return apiInfo;
}

} // namespace

Result<std::unique_ptr<Platform>> createOpenWhiskPlatform(const model::PlatformConfig& config) {
    auto client = OpenWhiskClient::create(config.url, config.authKey, !config.insecureSkipTlsVerify);
    if (!client)
        return Error{client.error().code, "platform '" + config.name + "': " + client.error().message};
    (*client)->setNamespace(config.namespaceName.empty() ? "_" : config.namespaceName);
    auto apiInfo = probe(config, **client);
    if (!apiInfo)
        return apiInfo.error();
    return std::unique_ptr<Platform>(
        std::make_unique<OpenWhiskPlatform>(config, std::move(client).value(), std::move(apiInfo).value()));
}

} // namespace faaswb::platform
