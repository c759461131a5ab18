// A benchmark directory in SeBS's layout (config.json with timeout/memory/languages, python/function.py with
// handler(event), python/requirements.txt) read as the defaults of a benchmark entry. Pure file reads; thread-safe.
#pragma once

#include "common/result.h"

#include <optional>
#include <string>
#include <vector>

namespace faaswb::model {

struct SebsSource {
    std::string dir;                    // absolute, canonical
    std::optional<int> timeoutSeconds;  // config.json "timeout"
    std::optional<int> memoryMb;        // config.json "memory" (MB)
    std::vector<std::string> languages; // config.json "languages"
};

// `dir` must be an existing directory holding config.json (a JSON object) and python/function.py; symlinks are
// resolved. The error says what is missing, naming the path.
Result<SebsSource> readSebsSource(const std::string& dir);

} // namespace faaswb::model
