// The API a C++ benchmark handler is written against (benchmarks/README.md, "Handler signature"): the Context it
// receives, the exception that answers 400, input helpers, and the self-registration macro. Handlers run on the
// host's worker pool, several at a time: a handler must be re-entrant (no unguarded shared state).
//
//     #include "function_api.h"
//     namespace {
//     nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) { return {{"ok", true}}; }
//     } // namespace
//     FAASWB_REGISTER_BENCHMARK("000.noop", handler);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace faaswb::bench {

struct Context {
    // X-B3-TraceId, X-B3-SpanId, X-B3-Sampled and traceparent for an outgoing call, with this invocation's span
    // as the parent; forward them so the next function's span joins the trace.
    std::map<std::string, std::string> traceHeaders;
    std::optional<std::string> sink; // K_SINK, where chain/producer functions send to; unset when not configured
    std::string instance;            // FAASWB_INSTANCE, else <hostname>-<pid>
    std::string benchmarkId;
};

// Thrown by a handler that rejects its event: the host answers 400 {"error": what()}.
class InvalidInput : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Handler = std::function<nlohmann::json(const nlohmann::json& event, Context& context)>;

// Every handler linked into faaswb-function-host, by benchmark id. Filled by static Registrar objects before main
// runs, read-only afterwards (so lookups need no lock).
class Registry {
public:
    static Registry& instance();
    void add(const std::string& id, Handler handler); // a duplicate id is a build mistake: aborts with a message
    const Handler* find(const std::string& id) const;
    std::vector<std::string> ids() const;

private:
    std::map<std::string, Handler> m_handlers;
};

struct Registrar {
    Registrar(const char* id, Handler handler) { Registry::instance().add(id, std::move(handler)); }
};

// An integer field within [min, max]: a JSON number without a fractional part (1 and 1.0 alike, as Python and
// Node see them); anything else throws InvalidInput naming the field.
std::int64_t integerField(const nlohmann::json& event, const std::string& key, std::int64_t min, std::int64_t max);
// A string field; throws InvalidInput when missing or not a string.
std::string stringField(const nlohmann::json& event, const std::string& key);
// Throws InvalidInput unless the event is a JSON object (handlers index into it).
void requireObject(const nlohmann::json& event);

} // namespace faaswb::bench

#define FAASWB_BENCH_CONCAT_INNER(a, b) a##b
#define FAASWB_BENCH_CONCAT(a, b) FAASWB_BENCH_CONCAT_INNER(a, b)
// Registers `handler` under `id` when the program starts. Use once per benchmark, at namespace scope.
#define FAASWB_REGISTER_BENCHMARK(id, handler)                                                                         \
    static const ::faaswb::bench::Registrar FAASWB_BENCH_CONCAT(faaswbBenchmarkRegistrar, __LINE__) {                  \
        id, handler                                                                                                    \
    }
