// `faas-workbench local-platform`: the local platform daemon in the foreground until SIGINT/SIGTERM.
#include "cli/commands.h"
#include "localplatform/daemon.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>

namespace faaswb::cli {
namespace {

std::atomic<localplatform::LocalPlatformDaemon*> g_daemon{nullptr};

void onStopSignal(int) {
    if (auto* daemon = g_daemon.load())
        daemon->requestStop();
}

Result<std::uint16_t> parsePort(const Arguments& args, const std::string& name) {
    const auto text = args.value(name);
    if (!text)
        return std::uint16_t{0};
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value > 65535)
        return invalidInput("--" + name + ": expected a port number 0-65535, got '" + *text + "'");
    return static_cast<std::uint16_t>(value);
}

Result<localplatform::DaemonOptions> daemonOptions(const Arguments& args) {
    localplatform::DaemonOptions options;
    for (const char* name : {"api-port", "api-tls-port", "ingress-port", "broker-port"}) {
        auto port = parsePort(args, name);
        if (!port)
            return port.error();
        const std::string option = name;
        (option == "api-port"       ? options.apiPort
         : option == "api-tls-port" ? options.apiTlsPort
         : option == "ingress-port" ? options.ingressPort
                                    : options.brokerPort) = *port;
    }
    options.stateDir = args.value("state-dir").value_or("");
    options.spanExportUrl = args.value("export-spans").value_or("");
    if (const auto bind = args.value("bind"))
        options.bindAddress = *bind;
    std::map<std::string, std::string> overrides;
    for (const std::string& entry : args.values("autoscaler")) {
        const auto equals = entry.find('=');
        if (equals == std::string::npos || equals == 0)
            return invalidInput("--autoscaler: expected KEY=VALUE (e.g. stable-window=6s), got '" + entry + "'");
        overrides[entry.substr(0, equals)] = entry.substr(equals + 1);
    }
    auto defaults = localplatform::autoscalerDefaultsFromMap(overrides);
    if (!defaults)
        return invalidInput("--autoscaler: " + defaults.error().message);
    options.autoscaler = *defaults;
    return options;
}

void printState(const localplatform::DaemonState& state) {
    // The first line has the shape every server of ours prints, so scripts and tests wait for it the same way.
    std::printf("listening on 127.0.0.1:%u (local platform control API, pid %d)\n", unsigned{state.apiPort}, state.pid);
    std::printf("  control API  %s   (bearer token in %s/state.json)\n", state.apiUrl.c_str(), state.stateDir.c_str());
    std::printf("  API (TLS)    %s   (certificate %s)\n", state.apiTlsUrl.c_str(), state.caFile.c_str());
    std::printf("  ingress      %s   (http://%s/<ns>/<service>/ or Host: <service>.<ns>.%s)\n",
                state.ingressUrl.c_str(), state.ingressUrl.substr(7).c_str(), state.domain.c_str());
    std::printf("  broker       %s/<ns>/<broker>\n", state.brokerUrl.c_str());
    std::printf("  zipkin       %s\n", state.zipkinUrl.c_str());
    std::printf("  kubeconfig   %s   (kubectl --kubeconfig %s get ksvc)\n", state.kubeconfigPath.c_str(),
                state.kubeconfigPath.c_str());
    std::printf("Ctrl-C stops the platform and every instance.\n");
    std::fflush(stdout);
}

} // namespace

int localPlatform(const Arguments& args) {
    auto options = daemonOptions(args);
    if (!options)
        return fail(options.error());
    if (options->bindAddress != "127.0.0.1" && options->bindAddress != "localhost" && options->bindAddress != "::1")
        std::fprintf(stderr,
                     "warning: listening on %s exposes the platform beyond this machine; every API call "
                     "still needs the token\n",
                     options->bindAddress.c_str());
    auto daemon = localplatform::LocalPlatformDaemon::start(std::move(*options));
    if (!daemon)
        return fail(daemon.error());
    g_daemon = daemon->get();
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    struct sigaction previousInt {
    }, previousTerm{};
    sigaction(SIGINT, &action, &previousInt);
    sigaction(SIGTERM, &action, &previousTerm);
    printState((*daemon)->state());
    (*daemon)->wait();
    std::printf("stopping: terminating instances...\n");
    std::fflush(stdout);
    (*daemon)->stop();
    g_daemon = nullptr;
    sigaction(SIGINT, &previousInt, nullptr);
    sigaction(SIGTERM, &previousTerm, nullptr);
    std::printf("stopped\n");
    return 0;
}

} // namespace faaswb::cli
