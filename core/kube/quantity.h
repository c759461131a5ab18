// Kubernetes resource quantities ("500m", "1.5Gi", "1e3") as numbers, for pod CPU and memory figures.
// Pure functions; thread-safe.
#pragma once

#include "common/result.h"

#include <string_view>

namespace faaswb::kube {

// The quantity's value in base units: "12m" -> 0.012, "10240Ki" -> 10485760, "1e3" -> 1000.
// Accepts what Kubernetes accepts: a signed decimal number, then nothing, a decimal SI suffix (n u m k M G T P E),
// a binary SI suffix (Ki Mi Gi Ti Pi Ei) or a decimal exponent (e3, E-2). Anything else is an InvalidInput error.
Result<double> parseQuantity(std::string_view text);

// CPU in millicores: "12m" -> 12, "1" -> 1000, "250u" -> 0.25.
Result<double> cpuMillicores(std::string_view text);

// Memory in bytes: "10240Ki" -> 10485760, "1G" -> 1e9.
Result<double> bytes(std::string_view text);

} // namespace faaswb::kube
