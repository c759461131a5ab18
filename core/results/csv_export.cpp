#include "results/csv_export.h"

#include "analysis/summary.h"
#include "load/hdr_codec.h"
#include "model/metric_catalog.h"
#include "results/iso_time.h"
#include "results/result_store.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

namespace faaswb::results {
namespace {

namespace fs = std::filesystem;

bool needsQuotes(std::string_view text) {
    if (text.empty())
        return false;
    return text.find_first_of(",\"\r\n") != std::string_view::npos || text.front() == ' ' || text.back() == ' ';
}

std::string number(std::int64_t value) {
    return std::to_string(value);
}
std::string number(std::uint64_t value) {
    return std::to_string(value);
}

template <class T>
std::string optionalNumber(const std::optional<T>& value) {
    return value ? std::to_string(static_cast<std::int64_t>(*value)) : std::string();
}

std::string nanosAsMillis(std::int64_t nanos) {
    return formatMicrosAsMillis(nanos / 1000);
}

std::string ioError(std::string_view what, const fs::path& path) {
    return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

// Opens `path`, lets `body` write it, and reports a failed write (e.g. disk full) with the path.
Status writeCsvFile(const fs::path& path, const std::function<Status(CsvWriter&)>& body) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return internalError(ioError("cannot create", path));
    CsvWriter csv(out);
    if (auto written = body(csv); !written)
        return written;
    out.flush();
    if (!out)
        return internalError(ioError("cannot write", path));
    return {};
}

Result<std::vector<RunRow>> selectRuns(ResultStore& store, const std::vector<std::int64_t>& runIds) {
    if (runIds.empty())
        return store.listRuns();
    std::vector<RunRow> runs;
    for (const auto runId : runIds) {
        auto run = store.runRow(runId);
        if (!run)
            return run.error();
        runs.push_back(std::move(run).value());
    }
    return runs;
}

Status writeSummary(ResultStore& store, const std::vector<RunRow>& runs, CsvWriter& csv) {
    csv.row({"run_id", "experiment", "scenario", "benchmark", "language", "platform", "status", "started_at",
             "requests", "errors", "achieved_rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "cold_starts"});
    for (const RunRow& run : runs) {
        auto summary = store.runSummary(run.id);
        if (!summary)
            return summary.error();
        csv.row({number(run.id), run.experiment, run.scenario, run.benchmark, run.language, run.platform,
                 engine::runStatusName(run.status), run.startedAt, number(summary->requests), number(summary->errors),
                 formatFixed(summary->achievedRps, 3), formatFixed(summary->p50Ms, 3), formatFixed(summary->p90Ms, 3),
                 formatFixed(summary->p99Ms, 3), formatFixed(summary->p999Ms, 3), formatFixed(summary->maxMs, 3),
                 number(summary->coldStarts)});
    }
    return {};
}

void writeIntervalRow(CsvWriter& csv, std::int64_t runId, const load::IntervalSnapshot& interval) {
    const auto& c = interval.corrected;
    const auto& u = interval.uncorrected;
    // An interval without responses has no latency: empty cells, not 0.
    const bool measured = interval.requests > 0;
    auto ms = [measured](std::int64_t micros) { return measured ? formatMicrosAsMillis(micros) : std::string(); };
    csv.row({number(runId), number(interval.startMs), number(interval.requests), number(interval.errors),
             formatFixed(interval.targetRate, 3), formatFixed(interval.achievedRate, 3), ms(c.p50), ms(c.p90),
             ms(c.p99), ms(c.p999), ms(c.max), ms(u.p50), ms(u.p90), ms(u.p99), ms(u.p999), ms(u.max),
             number(interval.coldStarts), interval.warmup ? "1" : "0"});
}

Status writeIntervals(ResultStore& store, const std::vector<RunRow>& runs, CsvWriter& csv) {
    csv.row({"run_id", "t_ms", "requests", "errors", "rate_target_rps", "rate_achieved_rps", "p50_ms", "p90_ms",
             "p99_ms", "p999_ms", "max_ms", "svc_p50_ms", "svc_p90_ms", "svc_p99_ms", "svc_p999_ms", "svc_max_ms",
             "cold_starts", "warmup"});
    for (const RunRow& run : runs)
        if (auto written = store.forEachInterval(
                run.id, [&](const load::IntervalSnapshot& interval) { writeIntervalRow(csv, run.id, interval); });
            !written)
            return written;
    return {};
}

void writeRequestRow(CsvWriter& csv, const std::string& runId, const load::RequestRecord& r) {
    csv.field(runId).field(number(r.seq)).field(nanosAsMillis(r.intendedNs)).field(nanosAsMillis(r.sentNs));
    csv.field(formatMicrosAsMillis(r.dnsUs)).field(formatMicrosAsMillis(r.connectUs));
    csv.field(formatMicrosAsMillis(r.tlsUs)).field(formatMicrosAsMillis(r.ttfbUs));
    csv.field(formatMicrosAsMillis(r.totalUs)).field(formatMicrosAsMillis(r.latencyUs));
    csv.field(r.status != 0 ? number(std::int64_t{r.status}) : std::string()).field(number(r.bytes));
    csv.field(r.error != load::ErrorKind::None ? load::errorKindName(r.error) : "");
    csv.field(r.cold ? (*r.cold ? "1" : "0") : "").field(r.instance).field(r.traceId);
    csv.endRow();
}

Status writeRequests(ResultStore& store, const std::vector<RunRow>& runs, CsvWriter& csv) {
    csv.row({"run_id", "seq", "intended_ms", "sent_ms", "dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "total_ms",
             "latency_ms", "status", "bytes", "error", "cold", "instance", "trace_id"});
    for (const RunRow& run : runs) {
        const std::string runId = number(run.id);
        auto written =
            store.forEachRequest(run.id, [&](const load::RequestRecord& r) { writeRequestRow(csv, runId, r); });
        if (!written)
            return written;
    }
    return {};
}

Status writeScaleEvents(ResultStore& store, const std::vector<RunRow>& runs, CsvWriter& csv) {
    csv.row({"run_id", "t_ms", "revision", "desired", "actual", "ready", "pending", "terminating", "panic"});
    for (const RunRow& run : runs) {
        auto events = store.scaleEvents(run.id);
        if (!events)
            return events.error();
        for (const auto& e : *events)
            csv.row({number(run.id), number(e.tMs), e.revision, optionalNumber(e.desired), optionalNumber(e.actual),
                     optionalNumber(e.ready), optionalNumber(e.pending), optionalNumber(e.terminating),
                     optionalNumber(e.panic)});
    }
    return {};
}

// Locale-independent, at most 15 significant digits (0.1 + 0.2 is "0.3"), as scenarios.csv writes them; empty for an
// unavailable value.
std::string metricNumber(const std::optional<double>& value) {
    if (!value)
        return {};
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, *value, std::chars_format::general, 15);
    return result.ec == std::errc() ? std::string(text, result.ptr) : std::string();
}

std::string catalogUnit(const std::string& metric) {
    const auto* info = model::findMetric(metric);
    return info ? model::metricUnitName(info->unit) : "";
}

Status writeRunMetrics(ResultStore& store, const std::vector<RunRow>& runs, CsvWriter& csv) {
    csv.row({"run_id", "metric", "value", "unit"});
    for (const RunRow& run : runs) {
        auto report = store.runMetrics(run.id);
        if (!report)
            return report.error();
        for (const auto& metric : report->metrics)
            csv.row({number(run.id), metric.name, metricNumber(metric.value), metric.unit});
    }
    return {};
}

Status writeThresholds(ResultStore& store, const std::vector<RunRow>& runs, CsvWriter& csv) {
    csv.row({"run_id", "threshold", "metric", "value", "unit", "passed", "note"});
    for (const RunRow& run : runs) {
        auto report = store.runMetrics(run.id);
        if (!report)
            return report.error();
        for (const auto& t : report->thresholds)
            csv.row({number(run.id), t.text, t.metric, metricNumber(t.value), catalogUnit(t.metric),
                     t.passed ? "1" : "0", t.note});
    }
    return {};
}

// Scenario names become part of file names: keep letters, digits, '.', '_' and '-'.
std::string fileNamePart(const std::string& text) {
    std::string name = text;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            c = '_';
    return name.empty() ? std::string("scenario") : name;
}

// Workflow-chain scenarios whose runs were swept over both mechanism and payloadSize, in first-seen order.
std::vector<std::string> chainScenariosToPivot(const analysis::SummaryTable& table) {
    std::vector<std::string> scenarios;
    for (const auto& row : table.rows)
        if (row.scenarioType == model::scenarioTypeName(model::ScenarioType::WorkflowChain) &&
            row.sweepValues.contains("mechanism") && row.sweepValues.contains("payloadSize") &&
            std::find(scenarios.begin(), scenarios.end(), row.scenario) == scenarios.end())
            scenarios.push_back(row.scenario);
    return scenarios;
}

Status writeStream(const fs::path& path, const std::function<void(std::ostream&)>& body) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return internalError(ioError("cannot create", path));
    body(out);
    out.flush();
    if (!out)
        return internalError(ioError("cannot write", path));
    return {};
}

// .hlog comments are single lines.
std::string oneLine(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return text;
}

std::string hlogComment(const RunRow& run) {
    return oneLine("faas-workbench run " + number(run.id) + ": " + run.experiment + " / " + run.scenario + " / " +
                   run.benchmark + " / " + run.language + " on " + run.platform +
                   "; corrected latency in microseconds");
}

double epochSeconds(const std::string& isoTime) {
    const auto time = parseIsoUtc(isoTime);
    return time ? std::chrono::duration<double>(time->time_since_epoch()).count() : 0.0;
}

} // namespace

CsvWriter& CsvWriter::field(std::string_view text) {
    if (m_rowStarted)
        m_out.put(',');
    m_rowStarted = true;
    if (needsQuotes(text))
        m_out << escape(text);
    else
        m_out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return *this;
}

void CsvWriter::endRow() {
    m_out.write("\r\n", 2);
    m_rowStarted = false;
}

void CsvWriter::row(const std::vector<std::string>& fields) {
    for (const auto& text : fields)
        field(text);
    endRow();
}

std::string CsvWriter::escape(std::string_view text) {
    if (!needsQuotes(text))
        return std::string(text);
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

// std::to_chars ignores the C locale, which Qt sets from the environment (a German locale would print "1,5").
std::string formatFixed(double value, int decimals) {
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, decimals);
    return result.ec == std::errc() ? std::string(text, result.ptr) : std::string();
}

std::string formatMicrosAsMillis(std::int64_t micros) {
    const std::uint64_t magnitude = micros < 0 ? 0 - static_cast<std::uint64_t>(micros) : micros;
    std::string fraction = std::to_string(magnitude % 1000);
    fraction.insert(0, 3 - fraction.size(), '0');
    return (micros < 0 ? "-" : "") + std::to_string(magnitude / 1000) + '.' + fraction;
}

Status exportCsv(ResultStore& store, const std::vector<std::int64_t>& runIds, const std::string& outDir) {
    std::error_code error;
    fs::create_directories(outDir, error);
    if (error)
        return internalError("cannot create export directory " + outDir + ": " + error.message());
    auto runs = selectRuns(store, runIds);
    if (!runs)
        return runs.error();
    const fs::path dir(outDir);
    using Writer = Status (*)(ResultStore&, const std::vector<RunRow>&, CsvWriter&);
    // In the order of kCsvFileNames.
    const Writer writers[] = {writeSummary,     writeIntervals,  writeRequests,
                              writeScaleEvents, writeRunMetrics, writeThresholds};
    static_assert(std::size(writers) == std::size(kCsvFileNames));
    for (std::size_t file = 0; file < std::size(writers); ++file)
        if (auto written = writeCsvFile(dir / kCsvFileNames[file],
                                        [&](CsvWriter& csv) { return writers[file](store, *runs, csv); });
            !written)
            return written;
    return {};
}

Result<std::vector<std::string>> exportScenarioSummary(ResultStore& store, const std::vector<std::int64_t>& runIds,
                                                       const std::string& outDir) {
    std::error_code error;
    fs::create_directories(outDir, error);
    if (error)
        return internalError("cannot create export directory " + outDir + ": " + error.message());
    auto inputs = store.summaryInputs(runIds);
    if (!inputs)
        return inputs.error();
    const auto table = analysis::summarize(*inputs);
    const fs::path dir(outDir);
    std::vector<std::string> written;
    if (auto summary =
            writeStream(dir / "scenarios.csv", [&](std::ostream& out) { analysis::writeSummaryCsv(table, out); });
        !summary)
        return summary.error();
    written.push_back((dir / "scenarios.csv").string());
    for (const auto& scenario : chainScenariosToPivot(table))
        for (const char* metric : {"handover_sum_p50", "end_to_end_p50"}) {
            const auto path = dir / ("chain-" + fileNamePart(scenario) + "-" + metric + ".csv");
            const auto pivot = analysis::pivot(table, scenario, metric, "mechanism", "payloadSize");
            if (auto done = writeStream(path, [&](std::ostream& out) { analysis::writePivotCsv(pivot, out); }); !done)
                return done.error();
            written.push_back(path.string());
        }
    return written;
}

Status exportHlog(ResultStore& store, std::int64_t runId, const std::string& path) {
    auto run = store.runRow(runId);
    if (!run)
        return run.error();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return internalError(ioError("cannot create", path));
    load::HlogWriter hlog(out);
    hlog.writeHeader(epochSeconds(run->startedAt), hlogComment(*run));
    auto written = store.forEachInterval(
        runId,
        [&](const load::IntervalSnapshot& interval) {
            if (interval.latency)
                hlog.writeInterval(static_cast<double>(interval.startMs) / 1000.0,
                                   static_cast<double>(interval.endMs - interval.startMs) / 1000.0, *interval.latency);
        },
        true);
    if (!written)
        return written;
    out.flush();
    if (!out)
        return internalError(ioError("cannot write", path));
    return {};
}

} // namespace faaswb::results
