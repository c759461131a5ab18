#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load_report.h"
#include "cli/progress.h"
#include "common/units.h"
#include "load/load_generator.h"
#include "model/redact.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

namespace faaswb::cli {
namespace {

struct LoadPlan {
    load::RequestSpec request;
    load::LoadModel model;
    load::LoadOptions options;
    std::string concurrency;
};

Status addHeader(load::RequestSpec& request, const std::string& header) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0)
        return invalidInput("load: --header '" + header + "' is not 'Name: value'");
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    request.headers.emplace_back(header.substr(0, colon), value);
    return {};
}

Status readBody(load::RequestSpec& request, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return invalidInput("load: cannot read --body file '" + path + "'");
    std::ostringstream content;
    content << in.rdbuf();
    request.body = content.str();
    return {};
}

// Secrets come from the environment, never from argv (which every user of the machine can read in ps).
std::optional<std::string> environmentValue(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value)
        return std::nullopt;
    return std::string(value);
}

Result<load::RequestAuth> basicAuth(const std::string& user) {
    if (user.empty() || user.find(':') != std::string::npos)
        return invalidInput("load: --user takes a user name only; put the password in the environment variable "
                            "FAASWB_PASSWORD, not on the command line");
    load::RequestAuth auth;
    auth.kind = load::RequestAuth::Kind::Basic;
    auth.username = user;
    auth.secret = environmentValue("FAASWB_PASSWORD").value_or("");
    return auth;
}

Result<load::RequestAuth> sigv4Auth(const std::string& provider) {
    if (provider.rfind("aws:amz:", 0) != 0 || provider.size() <= 8)
        return invalidInput("load: --aws-sigv4 '" + provider +
                            "' is not aws:amz:REGION:SERVICE (e.g. aws:amz:us-east-1:lambda)");
    load::RequestAuth auth;
    auth.kind = load::RequestAuth::Kind::AwsSigV4;
    auth.sigv4 = provider;
    auto keyId = environmentValue("AWS_ACCESS_KEY_ID");
    auto secret = environmentValue("AWS_SECRET_ACCESS_KEY");
    if (!keyId || !secret)
        return invalidInput(std::string("load: --aws-sigv4 needs the environment variable ") +
                            (keyId ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") + " to be set");
    auth.username = std::move(*keyId);
    auth.secret = std::move(*secret);
    auth.sessionToken = environmentValue("AWS_SESSION_TOKEN").value_or("");
    return auth;
}

Status authFrom(const Arguments& args, load::RequestSpec& request) {
    if (args.has("user") && args.has("aws-sigv4"))
        return invalidInput("load: give at most one of --user and --aws-sigv4");
    Result<load::RequestAuth> auth = load::RequestAuth{};
    if (auto user = args.value("user"))
        auth = basicAuth(*user);
    else if (auto provider = args.value("aws-sigv4"))
        auth = sigv4Auth(*provider);
    if (!auth)
        return auth.error();
    request.auth = std::move(auth).value();
    return {};
}

Result<load::RequestSpec> requestFrom(const Arguments& args) {
    load::RequestSpec request;
    request.url = args.positionals().front();
    if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0)
        return invalidInput("load: URL '" + model::redactUrl(request.url) + "' must start with http:// or https://");
    for (const auto& header : args.values("header"))
        if (Status added = addHeader(request, header); !added)
            return added.error();
    if (auto body = args.value("body"))
        if (Status read = readBody(request, *body); !read)
            return read.error();
    request.method = args.value("method").value_or(request.body.empty() ? "GET" : "POST");
    if (auto timeout = args.value("timeout")) {
        auto parsed = parseDuration(*timeout);
        if (!parsed)
            return invalidInput("load: --timeout: " + parsed.error().message);
        request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
    }
    if (args.has("http2"))
        request.httpVersion =
            request.url.rfind("https://", 0) == 0 ? load::HttpVersion::Http2 : load::HttpVersion::Http2PriorKnowledge;
    request.verifyTls = !args.has("insecure");
    if (Status auth = authFrom(args, request); !auth)
        return auth.error();
    return request;
}

Result<int> positiveInt(const Arguments& args, const std::string& name) {
    const std::string text = *args.value(name);
    try {
        std::size_t used = 0;
        const long value = std::stol(text, &used);
        if (used == text.size() && value > 0 && value <= 1'000'000)
            return static_cast<int>(value);
    } catch (const std::exception&) {
    }
    return invalidInput("load: --" + name + " expects a whole number from 1 to 1000000, got '" + text + "'");
}

Status shapeFrom(const Arguments& args, LoadPlan& plan) {
    if (args.has("rate") == args.has("connections"))
        return invalidInput("load: give exactly one of --rate (open loop) or --connections (closed loop)");
    if (!args.has("duration") && !args.has("requests"))
        return invalidInput("load: --duration is required (or --requests)");
    auto duration = parseDuration(args.value("duration").value_or("1h"));
    if (!duration)
        return invalidInput("load: --duration: " + duration.error().message);
    if (args.has("rate")) {
        auto rate = parseRate(*args.value("rate"));
        if (!rate || *rate <= 0)
            return invalidInput("load: --rate: " + (rate ? std::string("must be above 0") : rate.error().message));
        plan.model = load::LoadModel::constantRate(*rate, *duration);
        std::get<load::OpenLoop>(plan.model.shape).poisson = args.has("poisson");
        plan.concurrency = formatCount(*rate) + " req/s open loop";
        return {};
    }
    auto connections = positiveInt(args, "connections");
    if (!connections)
        return connections.error();
    plan.model = load::LoadModel::virtualUsers(*connections, *duration);
    plan.concurrency = std::to_string(*connections) + " connections";
    return {};
}

Result<LoadPlan> planFrom(const Arguments& args) {
    LoadPlan plan;
    auto request = requestFrom(args);
    if (!request)
        return request.error();
    plan.request = std::move(request).value();
    if (Status shaped = shapeFrom(args, plan); !shaped)
        return shaped.error();
    if (args.has("requests")) {
        auto count = positiveInt(args, "requests");
        if (!count)
            return count.error();
        plan.model.maxRequests = static_cast<std::uint64_t>(*count);
    }
    if (args.has("threads")) {
        auto threads = positiveInt(args, "threads");
        if (!threads)
            return threads.error();
        plan.options.threads = *threads;
    }
    plan.options.maxRequestRecords = 0; // the summary needs histograms only
    return plan;
}

class ProgressSink final : public load::LoadSink {
public:
    explicit ProgressSink(TerminalProgress& progress)
        : m_progress(progress) {}
    void onInterval(const load::IntervalSnapshot& snapshot, std::vector<load::RequestRecord>&&) override {
        m_progress.onInterval(0, snapshot);
    }

private:
    TerminalProgress& m_progress;
};

} // namespace

int loadUrl(const Arguments& args) {
    auto plan = planFrom(args);
    if (!plan)
        return fail(plan.error());
    TerminalProgress progress(stderr, 1, false);
    const std::string shownUrl = model::redactUrl(plan->request.url); // never print a password in the URL
    progress.startStandalone(shownUrl, plan->model.duration());
    ProgressSink sink(progress);
    load::LoadGenerator generator(plan->request, plan->model, plan->options);
    CancellationToken cancel;
    InterruptScope interrupt(cancel);
    auto summary = generator.run(sink, cancel);
    progress.finishLine();
    if (!summary)
        return fail(summary.error());
    const int threads = plan->options.threads > 0 ? plan->options.threads
                                                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    printLoadReport(std::cout, {shownUrl, threads, plan->concurrency}, *summary);
    if (summary->cancelled)
        return static_cast<int>(ErrorCode::Cancelled);
    return summary->requests > 0 && summary->errors == summary->requests ? static_cast<int>(ErrorCode::Platform) : 0;
}

} // namespace faaswb::cli
