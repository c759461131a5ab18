#include "test_daemon.h"

#include "testutils.h"

#include <QFileInfo>

namespace faaswb::test {

localplatform::DaemonOptions testDaemonOptions(const QString& stateDir) {
    localplatform::DaemonOptions options;
    options.stateDir = stateDir.toStdString();
    options.binDir = QFileInfo(binaryPath(QStringLiteral("faaswb-function-host"))).absolutePath().toStdString();
    options.benchmarksRoot = sourcePath(QStringLiteral("benchmarks")).toStdString();
    return options;
}

} // namespace faaswb::test
