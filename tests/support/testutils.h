// Helpers shared by the test suites: locating build outputs and source files, and starting helper processes
// (the loopback target server) on ephemeral ports. Used from the test's main thread.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <memory>

namespace faaswb::test {

QString sourcePath(const QString& relative); // path under the source tree
QString binaryPath(const QString& name);     // an executable built into <build>/bin

struct WorkbenchOutcome {
    int exitCode = -1; // -1: crashed, or killed at the time-out
    QByteArray out;
    QByteArray err;
};
// Runs the built `faas-workbench args` with `environment` (default: this process's) to its end, killing it after
// `timeoutMs`.
WorkbenchOutcome runWorkbench(const QStringList& args,
                              const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
                              int timeoutMs = 60'000);

// A child process that prints "listening on 127.0.0.1:PORT" (or "... PORT N") on its first stdout line.
// Killed (SIGKILL after SIGTERM) when destroyed, so tests never leak processes.
class ServerProcess {
public:
    ~ServerProcess();
    // Starts `program args` and waits up to 10 s for the port line; returns nullptr (with QWARN) on failure.
    static std::unique_ptr<ServerProcess> start(const QString& program, const QStringList& args);
    // The same with the child's environment given (e.g. PORT=0 for the benchmark wrappers).
    static std::unique_ptr<ServerProcess> start(const QString& program, const QStringList& args,
                                                const QProcessEnvironment& environment);
    int port() const { return m_port; }
    QString baseUrl() const; // http://127.0.0.1:PORT
    QProcess& process() { return m_process; }

private:
    QProcess m_process;
    int m_port = 0;
};

} // namespace faaswb::test
