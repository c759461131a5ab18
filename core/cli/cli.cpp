#include "cli/cli.h"

#include "cli/commands.h"
#include "common/suggest.h"

#include <curl/curl.h>
#include <filesystem>
#include <iostream>

namespace faaswb::cli {
namespace {

struct Invocation {
    int argc = 0;
    char** argv = nullptr;
    FrontEnd frontEnd;
};

Invocation& invocation() {
    static Invocation current;
    return current;
}

bool isExperimentFile(const std::string& arg) {
    const auto extension = std::filesystem::path(arg).extension();
    return (extension == ".yaml" || extension == ".yml") && std::filesystem::is_regular_file(arg);
}

void printUsage(std::ostream& out);

int launchGui(const std::string& experimentFile, const std::string& dbPath) {
    const auto& current = invocation();
    if (!current.frontEnd.gui) {
        printUsage(std::cerr);
        return fail(invalidInput("this build has no desktop GUI; use the commands above"));
    }
    return current.frontEnd.gui(current.argc, current.argv, experimentFile, dbPath);
}

CommandSpec runSpec() {
    return {"run",
            "FILE [--db PATH] [--out DIR] [--platform NAME] [--quiet]",
            "Runs an experiment headless: every benchmark x language x scenario x sweep point x repeat cell, stored "
            "in the results DB. Prints each cell's metrics and thresholds (PASS/FAIL). Exit code 4 when every cell "
            "ran but a threshold failed.",
            {"FILE"},
            {{"db", "PATH", "results database (default: $XDG_DATA_HOME/faas-workbench/results.db)"},
             {"out", "DIR",
              "also export into DIR: summary.csv, intervals.csv, requests.csv, scale_events.csv, run_metrics.csv, "
              "thresholds.csv, run-<id>.hlog, scenarios.csv (the scenario summary; chain-*.csv pivots for swept "
              "workflow chains) and, in builds with charts, PNG charts, report.html and "
              "summary-<scenario>-<metric>.png/.svg"},
             {"platform", "NAME", "use this platform instead of the experiment's `platform`"},
             {"keep-deployed", "", "do not remove the functions the run deployed"},
             {"quiet", "", "no progress output; only errors and the final summary"}}};
}

CommandSpec loadSpec() {
    return {"load",
            "URL (--rate R | --connections C) --duration D [options]",
            "Drives load at one URL and prints a wrk-style summary (Requests/sec, latency percentiles).",
            {"URL"},
            {{"rate", "R",
              "open loop: requests per second (e.g. 2000, 1.5k/s); latency counts from the intended "
              "send time"},
             {"connections", "C", "closed loop: C connections each sending back to back"},
             {"duration", "D", "how long to run (e.g. 10s, 2m)"},
             {"requests", "N", "stop after N requests"},
             {"threads", "N", "load worker threads (default: one per core)"},
             {"method", "M", "HTTP method (default GET, or POST with --body)"},
             {"header", "'Name: value'", "extra request header (repeatable)", true},
             {"body", "FILE", "send the contents of FILE as the request body"},
             {"timeout", "D", "per-request timeout (default 30s)"},
             {"poisson", "", "exponential inter-arrival times (open loop)"},
             {"http2", "", "HTTP/2 (over TLS, or h2c when the URL is http://)"},
             {"insecure", "", "do not verify TLS certificates"},
             {"user", "USER",
              "HTTP Basic authentication as USER; the password is read from the environment variable "
              "FAASWB_PASSWORD (never pass secrets as arguments: other users can read them)"},
             {"aws-sigv4", "aws:amz:REGION:SERVICE",
              "sign requests with AWS Signature V4; keys are read from AWS_ACCESS_KEY_ID, "
              "AWS_SECRET_ACCESS_KEY and (optional) AWS_SESSION_TOKEN"}}};
}

std::vector<Command> buildCommands() {
    return {
        {runSpec(), runExperiment},
        {{"validate",
          "FILE",
          "Checks an experiment file; prints every problem as file:line:column: message.",
          {"FILE"},
          {}},
         validateExperiment},
        {{"runs",
          "[--db PATH]",
          "Lists the runs stored in a results database, with their sweep values, repetition and threshold checks.",
          {},
          {{"db", "PATH", "results database (default: $XDG_DATA_HOME/faas-workbench/results.db)"}}},
         listRuns},
        {{"summary",
          "[--db PATH] [--run ID]... [--out FILE]",
          "Prints the scenario summary of stored runs: each metric over the repetitions of every scenario x "
          "benchmark x language x sweep point (mean, median, 95% confidence intervals), or writes it as CSV.",
          {},
          {{"db", "PATH", "results database (default: $XDG_DATA_HOME/faas-workbench/results.db)"},
           {"run", "ID", "summarize only these runs (repeatable; default: every run)", true},
           {"out", "FILE", "write the summary as CSV (the scenarios.csv columns) to FILE instead of printing it"}}},
         summarizeRuns},
        {{"export",
          "--db PATH --run ID --format csv|hlog|png|svg|pdf|html --out DIR",
          "Exports runs as CSV files (with run_metrics.csv, thresholds.csv and the scenarios.csv summary), "
          "HdrHistogram logs, charts (PNG/SVG/PDF) or a self-contained HTML report.",
          {},
          {{"db", "PATH", "results database"},
           {"run", "ID", "run id (repeatable; see `faas-workbench runs`)", true},
           {"format", "FORMAT", "csv | hlog | png | svg | pdf | html"},
           {"out", "DIR", "output folder (created when missing)"}}},
         exportRun},
        {loadSpec(), loadUrl},
        {{"gui",
          "[FILE] [--db PATH]",
          "Opens the desktop workbench (also: no command, or an experiment FILE.yaml as the only argument).",
          {"FILE?"},
          {{"db", "PATH", "results database (default: $XDG_DATA_HOME/faas-workbench/results.db)"}}},
         openGui},
        {{"benchmarks", "", "Lists the benchmark suite: id, languages, description.", {}, {}}, listBenchmarks},
        {{"local-platform",
          "[--api-port N] [--ingress-port N] [--broker-port N] [--state-dir DIR] [--autoscaler KEY=VALUE]... "
          "[--export-spans URL]",
          "Runs the embedded local platform (a miniature Knative) in the foreground.",
          {},
          {{"api-port", "N", "control API port (default: ephemeral)"},
           {"api-tls-port", "N", "control API TLS port, the one the kubeconfig names (default: ephemeral)"},
           {"ingress-port", "N", "ingress gateway port (default: ephemeral)"},
           {"broker-port", "N", "eventing broker ingress port (default: ephemeral)"},
           {"state-dir", "DIR", "where state.json and kubeconfig are written (default: under $XDG_RUNTIME_DIR)"},
           {"autoscaler", "KEY=VALUE",
            "override a config-autoscaler default, e.g. stable-window=6s or scale-to-zero-grace-period=2s", true},
           {"bind", "ADDRESS", "listen on ADDRESS instead of 127.0.0.1 (exposes the platform; prints a warning)"},
           {"export-spans", "URL",
            "also POST every span (Zipkin v2 JSON) to URL, e.g. http://127.0.0.1:4318/api/v2/spans"}}},
         localPlatform},
    };
}

void printUsage(std::ostream& out) {
    out << "FaaS Workbench " << FAASWB_VERSION << " — benchmark serverless platforms\n\n"
        << "usage: faas-workbench [--version] [--help] <command> [<args>]\n\ncommands:\n";
    for (const auto& command : commands()) {
        std::string name = command.spec.name;
        name.resize(16, ' ');
        out << "  " << name << command.spec.summary << "\n";
    }
    out << "\nRun 'faas-workbench <command> --help' for a command's options.\n"
        << "Exit codes: 0 ok, 2 invalid input, 3 platform or target error, 4 a threshold failed (every cell ran),\n"
        << "            130 cancelled (partial results kept).\n";
}

int dispatch(const Command& command, const std::vector<std::string>& rest) {
    for (const auto& arg : rest)
        if (arg == "--help" || arg == "-h") {
            std::cout << helpText(command.spec);
            return 0;
        }
    auto args = Arguments::parse(command.spec, rest);
    if (!args)
        return fail(args.error());
    return command.execute(*args);
}

} // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> all = buildCommands();
    return all;
}

int fail(const Error& error) {
    std::cerr << "error: " << error.message << "\n";
    return static_cast<int>(error.code);
}

const FrontEnd& frontEnd() {
    return invocation().frontEnd;
}

int openGui(const Arguments& args) {
    const std::string file = args.positionals().empty() ? std::string() : args.positionals().front();
    if (!file.empty() && !std::filesystem::is_regular_file(file))
        return fail(invalidInput("gui: no experiment file at '" + file + "'"));
    return launchGui(file, args.value("db").value_or(std::string()));
}

int main(int argc, char** argv, const FrontEnd& frontEnd) {
    invocation() = {argc, argv, frontEnd};
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return launchGui({}, {});
    if (args.size() == 1 && isExperimentFile(args[0]))
        return launchGui(args[0], {}); // double-clicked experiment files arrive like this
    if (args[0] == "--version") {
        std::cout << "faas-workbench " << FAASWB_VERSION << "\n";
        return 0;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printUsage(std::cout);
        return 0;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT); // before any thread starts: curl_global_init is not thread-safe
    std::vector<std::string> names;
    for (const auto& command : commands()) {
        if (command.spec.name == args[0])
            return dispatch(command, {args.begin() + 1, args.end()});
        names.push_back(command.spec.name);
    }
    return fail(invalidInput("unknown command '" + args[0] + "'" + didYouMean(args[0], names) +
                             "; see 'faas-workbench --help'"));
}

} // namespace faaswb::cli
