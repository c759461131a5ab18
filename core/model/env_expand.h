// Expansion of ${VAR} and ${VAR:-default} in experiment-file strings from the process environment, so one file
// can point at a server whose address is only known when it starts (resources/run.sh does this).
// Reads the environment; thread-safe as long as nobody calls setenv concurrently.
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>

namespace faaswb::model {

// ${VAR} is the value of VAR and an error when VAR is unset. ${VAR:-default} is `default` when VAR is unset or
// empty. $${ is a literal "${". Any other '$' is kept as it is.
Result<std::string> expandEnvironment(std::string_view text);

} // namespace faaswb::model
