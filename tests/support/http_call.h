// A blocking HTTP call for tests (libcurl): status, body and response headers, with optional bearer token and extra
// request headers. Loopback only; 30 s timeout. Test main thread.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::test {

struct HttpReply {
    long status = 0; // 0: no answer (connection refused, timeout)
    std::string body;
    std::map<std::string, std::string> headers; // lower-case names
};

struct HttpCallOptions {
    std::string body;  // non-empty: POST with Content-Type: application/json
    std::string token; // non-empty: Authorization: Bearer <token>
    std::vector<std::pair<std::string, std::string>> headers;
};

HttpReply httpCall(const std::string& url, const HttpCallOptions& options = {});

// The sum of the samples of a Prometheus metric whose line contains every `label="value"` text given.
double prometheusSum(const std::string& exposition, const std::string& metric, const std::vector<std::string>& labels);

} // namespace faaswb::test
