// One blocking HTTP exchange for the eventing scenario's control calls (a consumer's stats, its reset): not load,
// so nothing is measured. Thread-safe (each call has its own libcurl handle); stops within ~100 ms of a cancel.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "load/request.h"

#include <string>

namespace faaswb::engine::eventing {

struct HttpAnswer {
    int status = 0;
    std::string body;
};

// Sends `request` (url, method, headers, body, timeout, TLS, auth); an HTTP answer of any status is a value, a
// transfer that got none is a Platform error naming the URL (Cancelled on a cancel).
Result<HttpAnswer> exchange(const load::RequestSpec& request, const CancellationToken& cancel);

} // namespace faaswb::engine::eventing
