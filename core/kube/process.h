// Runs a helper program (an exec credential plugin) without a shell and collects what it prints. Private to
// core/kube. Reentrant; each call blocks its caller until the child exits or the time limit kills it.
#pragma once

#include "common/result.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::kube {

struct ProcessOutput {
    int exitCode = -1; // -1 when killed by a signal
    std::string out;   // stdout (may hold a credential: never put it into a message)
    std::string err;   // stderr, for messages
};

// Starts argv[0] (searched in PATH when it has no '/') with argv, stdin from /dev/null, and the parent's environment
// with `env` added (replacing variables of the same name). Kills it after `timeout`. An error when it cannot start
// or times out; a non-zero exit is not an error here.
Result<ProcessOutput> runProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::pair<std::string, std::string>>& env,
                                 std::chrono::milliseconds timeout);

} // namespace faaswb::kube
