// Options for a local platform daemon embedded in a test: state under `stateDir`, the build's faaswb-function-host
// and the source tree's benchmarks. Callers adjust the rest (supervisor timings, autoscaler) before starting it.
#pragma once

#include "localplatform/daemon.h"

#include <QString>

namespace faaswb::test {

localplatform::DaemonOptions testDaemonOptions(const QString& stateDir);

} // namespace faaswb::test
