// SeBS-layout functions on the local platform: the `local-path<dir>:python` image naming a benchmark directory
// (config.json, python/function.py, python/requirements.txt) that the Python wrapper serves, and the check that the
// modules its requirements.txt lists are importable before it is deployed. Pure functions, except
// checkPythonRequirements, which blocks its caller while one python3 process looks the modules up; thread-safe.
#pragma once

#include "common/result.h"

#include <optional>
#include <string>
#include <vector>

namespace faaswb::localplatform {

// "/abs/dir" + "python" -> "local-path/abs/dir:python"; parsed back by localPathImageDir and resolveLocalImage.
std::string localPathImage(const std::string& dir, const std::string& language);
// The directory of a `local-path` image ("/abs/dir"), or nullopt when `image` is not one (no check of the path).
std::optional<std::string> localPathImageDir(const std::string& image);

// requirements.txt -> distribution names, without comments, versions, extras, markers or pip options.
std::vector<std::string> parseRequirements(const std::string& text);
// The module a distribution installs: "Pillow" -> "PIL", "scikit-learn" -> "sklearn"; else the name in lowercase
// with '-' as '_'.
std::string importNameFor(const std::string& distribution);
// The Debian package providing a module ("PIL" -> "python3-pil"), or "" when none is known.
std::string debianPackageFor(const std::string& module);

// InvalidInput naming every module of <dir>/python/requirements.txt (or <dir>/requirements.txt) that `python`
// cannot import, with its Debian package when known. No requirements file is fine. `python` empty = findPython().
Status checkPythonRequirements(const std::string& dir, const std::string& python = {});

} // namespace faaswb::localplatform
