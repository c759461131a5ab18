// LocalPlatformDaemon: the whole local platform (control API, gateway, broker, supervisor, controller with the KPA)
// on one platform thread running one io_context. Started by `faas-workbench local-platform`, and embedded by the
// `local` Platform adapter when an experiment targets `local` without a running daemon. On start it writes
// <stateDir>/state.json (ports, token; mode 0600) and <stateDir>/kubeconfig; stop() removes state.json and ends
// every instance. Thread-safe: start/stop from any one thread; state() is immutable after start.
#pragma once

#include "common/result.h"
#include "localplatform/autoscaler_config.h"
#include "localplatform/supervisor.h"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace faaswb::localplatform {

struct DaemonOptions {
    std::string bindAddress = "127.0.0.1"; // anything else is the user's explicit choice (the CLI warns)
    std::uint16_t apiPort = 0;             // 0: ephemeral
    std::uint16_t ingressPort = 0;
    std::uint16_t brokerPort = 0;
    std::uint16_t apiTlsPort = 0; // the control API over TLS (what the kubeconfig points at)
    std::string stateDir; // empty: $XDG_RUNTIME_DIR/faas-workbench/local-<pid>, else /tmp/faaswb-<uid>/local-<pid>
    std::string benchmarksRoot; // empty: faaswb::benchmarksRoot()
    std::string binDir;         // where faaswb-function-host is; empty: executableDir()
    AutoscalerDefaults autoscaler;
    SupervisorOptions supervisor;
    std::string domain = "example.com";
    // Every span the platform's span store ingests (the gateway's and broker's own, and what instances send) is also
    // POSTed as Zipkin v2 JSON to this http:// URL, asynchronously; failures are counted, not fatal. Empty: off.
    std::string spanExportUrl;
};

struct DaemonState {
    std::string stateDir;
    std::string kubeconfigPath;
    std::string apiUrl;     // http://127.0.0.1:<apiPort>
    std::string apiTlsUrl;  // https://127.0.0.1:<apiTlsPort>; kubectl only sends tokens over TLS
    std::string caFile;     // <stateDir>/ca.crt: the self-signed certificate of the TLS port
    std::string ingressUrl; // http://127.0.0.1:<ingressPort>
    std::string brokerUrl;  // http://127.0.0.1:<brokerPort>
    std::string zipkinUrl;  // <apiUrl>/api/v2/spans (what instances get as ZIPKIN_ENDPOINT)
    std::string token;      // bearer token of the control API (and of the Zipkin/metrics paths)
    std::uint16_t apiPort = 0;
    std::uint16_t apiTlsPort = 0;
    std::uint16_t ingressPort = 0;
    std::uint16_t brokerPort = 0;
    int pid = 0;
    std::string domain;
};

nlohmann::json toJson(const DaemonState& state);
Result<DaemonState> daemonStateFromJson(const nlohmann::json& json);
// Reads <stateDir>/state.json; Platform error when missing or when the daemon's pid is gone.
Result<DaemonState> readDaemonState(const std::string& stateDir);

class LocalPlatformDaemon {
public:
    static Result<std::unique_ptr<LocalPlatformDaemon>> start(DaemonOptions options);
    ~LocalPlatformDaemon(); // stop()
    LocalPlatformDaemon(const LocalPlatformDaemon&) = delete;
    LocalPlatformDaemon& operator=(const LocalPlatformDaemon&) = delete;

    const DaemonState& state() const;
    // Idempotent: stops serving, terminates instances (grace, then SIGKILL), joins the platform thread.
    void stop();
    // Blocks until stop() is called from elsewhere (e.g. a signal handler sets it via requestStop()).
    void wait();
    // Async-signal-safe request to stop; wait() then returns and the caller calls stop().
    void requestStop();

    class Impl; // defined in daemon.cpp: only start() can make one
    explicit LocalPlatformDaemon(std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
