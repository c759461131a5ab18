// FakeOpenWhiskServer: a miniature OpenWhisk controller for tests (platform-facts §6) — HTTP/1.1 on 127.0.0.1 with
// an ephemeral port, served by Boost.Beast on its own thread inside the test process. It checks HTTP Basic auth
// against one key, stores actions (PUT with ?overwrite, GET, DELETE), answers blocking invokes with activation records
// (the first after each PUT is cold: it carries initTime) or, as scripted per action, 202 {activationId} or 502 with
// an error activation, and lists activations with name/since/upto/limit/skip/docs. Thread-safe: configure and
// inspect it from the test thread while it serves.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::test {

struct OwRequest {
    std::string method;
    std::string target;                       // path and query as sent
    std::string path;                         // without the query, percent-decoded
    std::map<std::string, std::string> query; // decoded
    std::string authorization;
    std::string contentType;
    std::string body;
};

enum class OwInvokeBehaviour {
    Succeed,          // 200 with a success record (result: {"params": <the params>})
    Slow,             // 202 {activationId}: outlasted the blocking wait; the record is readable at once
    ApplicationError, // 502 with an "application error" record (result {"error": "ms must be ..."})
    DeveloperError,   // 502 with an "action developer error" record (the action did not initialise)
};

struct OwActivationTimes {
    long long startMs = 0; // epoch ms (already moved back by initTime on a cold start, as OpenWhisk does)
    long long durationMs = 5;
    long long waitMs = 3;
    std::optional<long long> initMs; // present: a cold start
};

class FakeOpenWhiskServer {
public:
    explicit FakeOpenWhiskServer(std::string key); // "uuid:secret"; listening when constructed
    ~FakeOpenWhiskServer();
    FakeOpenWhiskServer(const FakeOpenWhiskServer&) = delete;
    FakeOpenWhiskServer& operator=(const FakeOpenWhiskServer&) = delete;

    std::string url() const;                              // http://127.0.0.1:PORT
    std::string namespaceName() const { return "guest"; } // what "_" resolves to

    void setInvokeBehaviour(const std::string& action, OwInvokeBehaviour behaviour);
    void putAction(const std::string& name, nlohmann::json entity); // stored as is (e.g. someone else's action)
    std::optional<nlohmann::json> action(const std::string& name) const;
    // Stores a record for the listing (and GET by id).
    void addActivation(nlohmann::json record);
    std::size_t activationCount() const;

    std::vector<OwRequest> requests() const;
    std::vector<OwRequest> requestsTo(const std::string& method, const std::string& path) const;

    // A record of `action` as OpenWhisk writes it (annotations waitTime, initTime when cold, kind, limits, path).
    static nlohmann::json activationRecord(const std::string& id, const std::string& action,
                                           const OwActivationTimes& times, const std::string& status = "success",
                                           nlohmann::json result = nlohmann::json::object());

    class Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::test
