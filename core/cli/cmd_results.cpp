#include "cli/commands.h"
#include "common/paths.h"
#include "results/csv_export.h"
#include "results/result_store.h"

#include <charconv>
#include <cstdio>
#include <filesystem>

namespace faaswb::cli {
namespace {

Result<std::vector<std::int64_t>> parseRunIds(const Arguments& args) {
    std::vector<std::int64_t> ids;
    for (const auto& text : args.values("run")) {
        std::int64_t id = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (error != std::errc() || end != text.data() + text.size() || id <= 0)
            return invalidInput("export: --run expects a run id (a positive number), got '" + text + "'");
        ids.push_back(id);
    }
    if (ids.empty())
        return invalidInput("export: --run ID is required (see 'faas-workbench runs --db PATH')");
    return ids;
}

Result<results::ResultStore> openExisting(const std::string& path) {
    if (!std::filesystem::exists(path))
        return invalidInput("no results database at '" + path + "'");
    return results::ResultStore::open(path, true);
}

Status exportFormat(results::ResultStore& store, const std::vector<std::int64_t>& ids, const std::string& format,
                    const std::string& out) {
    if (format == "csv")
        return results::exportCsv(store, ids, out);
    if (format == "hlog") {
        for (const auto id : ids)
            if (Status written = results::exportHlog(store, id, out + "/run-" + std::to_string(id) + ".hlog"); !written)
                return written;
        return {};
    }
    if (format == "png" || format == "svg" || format == "pdf" || format == "html") {
        if (!frontEnd().exportCharts)
            return invalidInput("export: format '" + format +
                                "' needs the chart renderer, which this build lacks; "
                                "use csv or hlog");
        return frontEnd().exportCharts(store, ids, format, out);
    }
    return invalidInput("export: unknown --format '" + format + "'; expected csv, hlog, png, svg, pdf or html");
}

// "2026-11-24T05:34:01.087Z" -> "2026-11-24 05:34:01": a table wants seconds, not the stored precision.
std::string shortTime(const std::string& iso) {
    std::string text = iso.substr(0, 19);
    if (text.size() > 10 && text[10] == 'T')
        text[10] = ' ';
    return text;
}

} // namespace

int listRuns(const Arguments& args) {
    auto store = openExisting(args.value("db").value_or(defaultDatabasePath()));
    if (!store)
        return fail(store.error());
    auto runs = store->listRuns();
    if (!runs)
        return fail(runs.error());
    std::printf("%5s  %-20s  %-16s  %-14s  %-8s  %-10s  %-10s  %9s  %7s  %9s\n", "ID", "STARTED (UTC)", "SCENARIO",
                "BENCHMARK", "LANGUAGE", "PLATFORM", "STATUS", "REQUESTS", "ERRORS", "REQ/S");
    for (const auto& run : *runs)
        std::printf("%5lld  %-20.20s  %-16.16s  %-14.14s  %-8.8s  %-10.10s  %-10.10s  %9llu  %7llu  %9.1f\n",
                    static_cast<long long>(run.id), shortTime(run.startedAt).c_str(), run.scenario.c_str(),
                    run.benchmark.c_str(), run.language.c_str(), run.platform.c_str(),
                    engine::runStatusName(run.status), static_cast<unsigned long long>(run.requests),
                    static_cast<unsigned long long>(run.errors), run.achievedRps);
    return 0;
}

int exportRun(const Arguments& args) {
    for (const char* required : {"db", "format", "out"})
        if (!args.has(required))
            return fail(invalidInput(std::string("export: --") + required + " is required"));
    auto ids = parseRunIds(args);
    if (!ids)
        return fail(ids.error());
    auto store = openExisting(*args.value("db"));
    if (!store)
        return fail(store.error());
    const std::string out = *args.value("out");
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error)
        return fail(invalidInput("export: cannot create '" + out + "': " + error.message()));
    if (Status exported = exportFormat(*store, *ids, *args.value("format"), out); !exported)
        return fail(exported.error());
    std::printf("exported %zu run(s) as %s into %s\n", ids->size(), args.value("format")->c_str(), out.c_str());
    return 0;
}

} // namespace faaswb::cli
