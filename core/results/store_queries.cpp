// ResultStore: the read API (runs, intervals, requests, scale events, pod metrics, spans, merged histograms).
#include "load/hdr_codec.h"
#include "results/result_store.h"
#include "results/store_impl.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

namespace faaswb::results {
namespace {

// Totals come from measured intervals only, the same ones runSummary uses.
constexpr std::string_view kSelectRuns =
    "SELECT r.id, r.experiment_id, e.name, r.scenario, r.scenario_type, r.benchmark, r.language, r.platform, "
    "r.status, r.started_at, r.finished_at, r.message, r.requests_dropped, COALESCE(SUM(i.requests), 0), "
    "COALESCE(SUM(i.errors), 0), COALESCE(SUM(i.duration_ms), 0), r.owner_pid, r.owner_host, r.sweep_json, "
    "r.repeat, (SELECT min(t.passed) FROM run_thresholds t WHERE t.run_id = r.id) "
    "FROM runs r JOIN experiments e ON e.id = r.experiment_id "
    "LEFT JOIN intervals i ON i.run_id = r.id AND i.warmup = 0 ";

double ratePerSecond(std::uint64_t count, std::int64_t milliseconds) {
    return milliseconds > 0 ? static_cast<double>(count) * 1000.0 / static_cast<double>(milliseconds) : 0.0;
}

nlohmann::json parseJson(const std::string& text) {
    return text.empty() ? nlohmann::json() : nlohmann::json::parse(text, nullptr, false);
}

RunRow readRun(const sqlite::Statement& row) {
    RunRow run;
    run.id = row.columnInt(0);
    run.experimentId = row.columnInt(1);
    run.experiment = row.columnText(2);
    run.scenario = row.columnText(3);
    run.scenarioType = row.columnText(4);
    run.benchmark = row.columnText(5);
    run.language = row.columnText(6);
    run.platform = row.columnText(7);
    run.status = runStatusFromName(row.columnText(8)).value_or(engine::RunStatus::Incomplete);
    run.startedAt = row.columnText(9);
    run.finishedAt = row.columnText(10);
    run.message = row.columnText(11);
    run.requestsDropped = static_cast<std::uint64_t>(row.columnInt(12));
    run.requests = static_cast<std::uint64_t>(row.columnInt(13));
    run.errors = static_cast<std::uint64_t>(row.columnInt(14));
    run.achievedRps = ratePerSecond(run.requests, row.columnInt(15));
    if (const auto values = storedSweepValues(row.columnText(18)); !values.empty())
        run.sweep = values.dump();
    run.repeat = static_cast<int>(row.columnInt(19));
    if (const auto passed = row.columnOptional<std::int64_t>(20))
        run.thresholdsPassed = *passed != 0;
    // Read-only opens do not write the recovery, but report what the next read-write open will record.
    if (run.status == engine::RunStatus::Running && writerIsGone(row.columnInt(16), row.columnText(17))) {
        run.status = engine::RunStatus::Incomplete;
        run.message = abandonedMessage(row.columnInt(16));
    }
    return run;
}

void readErrorsJson(const std::string& text, load::IntervalSnapshot& interval) {
    const auto errors = parseJson(text);
    if (!errors.is_object())
        return;
    for (const auto& [name, count] : errors.items())
        if (auto kind = errorKindFromName(name); kind && count.is_number_unsigned())
            interval.errorsByKind[static_cast<std::size_t>(*kind)] = count.get<std::uint64_t>();
}

void readStatusJson(const std::string& text, load::IntervalSnapshot& interval) {
    const auto statuses = parseJson(text);
    if (!statuses.is_object())
        return;
    for (const auto& [key, count] : statuses.items()) {
        int status = 0;
        const auto parsed = std::from_chars(key.data(), key.data() + key.size(), status);
        if (parsed.ec == std::errc() && count.is_number_unsigned())
            interval.statusCounts[status] = count.get<std::uint64_t>();
    }
}

load::LatencyPercentiles readPercentiles(const sqlite::Statement& row, int first) {
    return {row.columnInt(first), row.columnInt(first + 1), row.columnInt(first + 2), row.columnInt(first + 3),
            row.columnInt(first + 4)};
}

constexpr std::string_view kSelectIntervals =
    "SELECT idx, t_ms, duration_ms, requests, errors, errors_json, status_json, sent, bytes, cold_starts, "
    "rate_target, rate_achieved, behind, saturated, warmup, p50_us, p90_us, p99_us, p999_us, max_us, svc_p50_us, "
    "svc_p90_us, svc_p99_us, svc_p999_us, svc_max_us, histogram, svc_histogram "
    "FROM intervals WHERE run_id = ?1 ORDER BY rowid";

load::IntervalSnapshot readInterval(const sqlite::Statement& row) {
    load::IntervalSnapshot interval;
    interval.index = static_cast<int>(row.columnInt(0));
    interval.startMs = row.columnInt(1);
    interval.endMs = interval.startMs + row.columnInt(2);
    interval.requests = static_cast<std::uint64_t>(row.columnInt(3));
    interval.errors = static_cast<std::uint64_t>(row.columnInt(4));
    readErrorsJson(row.columnText(5), interval);
    readStatusJson(row.columnText(6), interval);
    interval.sent = static_cast<std::uint64_t>(row.columnInt(7));
    interval.bytes = static_cast<std::uint64_t>(row.columnInt(8));
    interval.coldStarts = static_cast<std::uint64_t>(row.columnInt(9));
    interval.targetRate = row.columnDouble(10);
    interval.achievedRate = row.columnDouble(11);
    interval.behind = static_cast<std::uint64_t>(row.columnInt(12));
    interval.generatorSaturated = row.columnInt(13) != 0;
    interval.warmup = row.columnInt(14) != 0;
    interval.corrected = readPercentiles(row, 15);
    interval.uncorrected = readPercentiles(row, 20);
    return interval;
}

Result<std::shared_ptr<const load::LatencyHistogram>> decodeColumn(const sqlite::Statement& row, int column) {
    if (row.isNull(column))
        return std::shared_ptr<const load::LatencyHistogram>();
    const auto blob = row.columnBlob(column);
    auto decoded = load::decodeCompressed(blob.data(), blob.size());
    if (!decoded)
        return decoded.error();
    return std::make_shared<const load::LatencyHistogram>(std::move(decoded).value());
}

Status attachHistograms(const sqlite::Statement& row, load::IntervalSnapshot& interval) {
    auto latency = decodeColumn(row, 25);
    auto serviceTime = decodeColumn(row, 26);
    if (!latency || !serviceTime)
        return internalError("interval " + std::to_string(interval.index) + " has an unreadable histogram: " +
                             (latency ? serviceTime.error() : latency.error()).message);
    interval.latency = std::move(latency).value();
    interval.serviceTime = std::move(serviceTime).value();
    return {};
}

// Adds `part` to `total`; histograms of another layout (other build settings) are re-recorded bucket by bucket.
void mergeInto(std::optional<load::LatencyHistogram>& total, load::LatencyHistogram&& part) {
    if (!total) {
        total = std::move(part);
        return;
    }
    if (!total->merge(part))
        part.forEachBucket([&](std::int64_t low, std::int64_t, std::int64_t count) { total->record(low, count); });
}

constexpr std::string_view kSelectRequests =
    "SELECT seq, intended_ns, sent_ns, dns_us, connect_us, tls_us, ttfb_us, total_us, latency_us, status, bytes, "
    "error, cold, instance, trace_id FROM requests WHERE run_id = ?1 ORDER BY seq";

void readRequest(const sqlite::Statement& row, load::RequestRecord& request) {
    request.seq = static_cast<std::uint64_t>(row.columnInt(0));
    request.intendedNs = row.columnInt(1);
    request.sentNs = row.columnInt(2);
    request.dnsUs = row.columnInt(3);
    request.connectUs = row.columnInt(4);
    request.tlsUs = row.columnInt(5);
    request.ttfbUs = row.columnInt(6);
    request.totalUs = row.columnInt(7);
    request.latencyUs = row.columnInt(8);
    request.status = static_cast<int>(row.columnInt(9));
    request.bytes = static_cast<std::uint64_t>(row.columnInt(10));
    request.error =
        row.isNull(11) ? load::ErrorKind::None : errorKindFromName(row.columnText(11)).value_or(load::ErrorKind::Other);
    request.cold = row.columnOptional<bool>(12);
    request.instance = row.columnText(13);
    request.traceId = row.columnText(14);
}

platform::ScaleSample readScale(const sqlite::Statement& row) {
    platform::ScaleSample sample;
    sample.tMs = row.columnInt(0);
    sample.revision = row.columnText(1);
    sample.desired = row.columnOptional<int>(2);
    sample.actual = row.columnOptional<int>(3);
    sample.ready = row.columnOptional<int>(4);
    sample.pending = row.columnOptional<int>(5);
    sample.terminating = row.columnOptional<int>(6);
    sample.panic = row.columnOptional<bool>(7);
    return sample;
}

platform::PodMetricsSample readPodMetrics(const sqlite::Statement& row) {
    return {row.columnInt(0), row.columnText(1), row.columnOptional<double>(2), row.columnOptional<std::int64_t>(3)};
}

std::map<std::string, std::string> readTags(const std::string& text) {
    std::map<std::string, std::string> tags;
    const auto json = parseJson(text);
    if (json.is_object())
        for (const auto& [key, value] : json.items())
            tags[key] = value.is_string() ? value.get<std::string>() : value.dump();
    return tags;
}

trace::Span readSpan(const sqlite::Statement& row) {
    return {row.columnText(0), row.columnText(1), row.columnText(2), row.columnText(3),          row.columnText(4),
            row.columnText(5), row.columnInt(6),  row.columnInt(7),  readTags(row.columnText(8))};
}

// Runs `sql` (?1 = run id) for an existing run and collects read(row) for each row.
template <class Read>
auto collectRows(ResultStore::Impl& store, std::string_view sql, std::int64_t runId, Read read)
    -> Result<std::vector<decltype(read(std::declval<const sqlite::Statement&>()))>> {
    std::vector<decltype(read(std::declval<const sqlite::Statement&>()))> rows;
    if (auto exists = requireRun(store, runId); !exists)
        return exists.error();
    auto select = store.prepare(sql);
    if (!select)
        return select.error();
    auto done =
        (*select)->bindInt(1, runId).forEachRow([&](const sqlite::Statement& row) { rows.push_back(read(row)); });
    if (!done)
        return done.error();
    return rows;
}

} // namespace

Status requireRun(ResultStore::Impl& store, std::int64_t runId) {
    auto select = store.prepare("SELECT 1 FROM runs WHERE id = ?1");
    if (!select)
        return select.error();
    auto found = (*select)->bindInt(1, runId).step();
    (*select)->reset();
    if (!found)
        return found.error();
    return *found ? Status() : Status(noSuchRun(runId));
}

std::optional<engine::RunStatus> runStatusFromName(std::string_view name) {
    for (auto status : {engine::RunStatus::Running, engine::RunStatus::Complete, engine::RunStatus::Cancelled,
                        engine::RunStatus::Failed, engine::RunStatus::Incomplete})
        if (name == engine::runStatusName(status))
            return status;
    return std::nullopt;
}

std::optional<load::ErrorKind> errorKindFromName(std::string_view name) {
    for (int kind = 0; kind < load::kErrorKindCount; ++kind)
        if (name == load::errorKindName(static_cast<load::ErrorKind>(kind)))
            return static_cast<load::ErrorKind>(kind);
    return std::nullopt;
}

Result<std::vector<RunRow>> ResultStore::listRuns() {
    auto select = m_impl->prepare(std::string(kSelectRuns) + "GROUP BY r.id ORDER BY r.id");
    if (!select)
        return select.error();
    std::vector<RunRow> runs;
    auto done = (*select)->forEachRow([&](const sqlite::Statement& row) { runs.push_back(readRun(row)); });
    if (!done)
        return done.error();
    return runs;
}

Result<RunRow> ResultStore::runRow(std::int64_t runId) {
    auto select = m_impl->prepare(std::string(kSelectRuns) + "WHERE r.id = ?1 GROUP BY r.id");
    if (!select)
        return select.error();
    std::optional<RunRow> run;
    auto done = (*select)->bindInt(1, runId).forEachRow([&](const sqlite::Statement& row) { run = readRun(row); });
    if (!done)
        return done.error();
    if (!run)
        return noSuchRun(runId);
    return std::move(*run);
}

Result<std::vector<load::IntervalSnapshot>> ResultStore::intervals(std::int64_t runId) {
    return collectRows(*m_impl, kSelectIntervals, runId, readInterval);
}

Status ResultStore::forEachInterval(std::int64_t runId, const std::function<void(const load::IntervalSnapshot&)>& visit,
                                    bool withHistograms) {
    if (auto exists = requireRun(*m_impl, runId); !exists)
        return exists;
    auto select = m_impl->prepare(kSelectIntervals);
    if (!select)
        return select.error();
    Status decoded;
    auto done = (*select)->bindInt(1, runId).forEachRow([&](const sqlite::Statement& row) {
        auto interval = readInterval(row);
        if (withHistograms && decoded.ok())
            decoded = attachHistograms(row, interval);
        if (decoded.ok())
            visit(interval);
    });
    return done.ok() ? decoded : done;
}

Status ResultStore::forEachRequest(std::int64_t runId, const std::function<void(const load::RequestRecord&)>& visit) {
    if (auto exists = requireRun(*m_impl, runId); !exists)
        return exists;
    auto select = m_impl->prepare(kSelectRequests);
    if (!select)
        return select.error();
    load::RequestRecord request; // reused so that its strings keep their capacity
    return (*select)->bindInt(1, runId).forEachRow([&](const sqlite::Statement& row) {
        readRequest(row, request);
        visit(request);
    });
}

Result<std::vector<platform::ScaleSample>> ResultStore::scaleEvents(std::int64_t runId) {
    return collectRows(*m_impl,
                       "SELECT t_ms, revision, desired, actual, ready, pending, terminating, panic FROM scale_events "
                       "WHERE run_id = ?1 ORDER BY rowid",
                       runId, readScale);
}

Result<std::vector<platform::PodMetricsSample>> ResultStore::podMetrics(std::int64_t runId) {
    return collectRows(*m_impl,
                       "SELECT t_ms, pod, cpu_millicores, memory_bytes FROM pod_metrics WHERE run_id = ?1 "
                       "ORDER BY rowid",
                       runId, readPodMetrics);
}

Result<std::vector<trace::Span>> ResultStore::spans(std::int64_t runId) {
    return collectRows(*m_impl,
                       "SELECT trace_id, span_id, parent_id, service, name, kind, start_us, duration_us, tags_json "
                       "FROM spans WHERE run_id = ?1 ORDER BY rowid",
                       runId, readSpan);
}

// Streams the blobs: a long run has thousands of intervals, and each decoded histogram is ~200 KB.
Result<load::LatencyHistogram> ResultStore::mergedHistogram(std::int64_t runId, bool excludeWarmup, LatencyKind kind) {
    if (auto exists = requireRun(*m_impl, runId); !exists)
        return exists.error();
    const std::string column = kind == LatencyKind::Corrected ? "histogram" : "svc_histogram";
    auto select = m_impl->prepare("SELECT " + column + " FROM intervals WHERE run_id = ?1 AND " + column +
                                  " IS NOT NULL" + (excludeWarmup ? " AND warmup = 0" : "") + " ORDER BY rowid");
    if (!select)
        return select.error();
    std::optional<load::LatencyHistogram> merged;
    Status decoded;
    auto done = (*select)->bindInt(1, runId).forEachRow([&](const sqlite::Statement& row) {
        const auto blob = row.columnBlob(0);
        auto histogram = decoded.ok() ? load::decodeCompressed(blob.data(), blob.size()) : decoded.error();
        if (histogram)
            mergeInto(merged, std::move(histogram).value());
        else if (decoded.ok())
            decoded = internalError("run " + std::to_string(runId) +
                                    " has an unreadable histogram: " + histogram.error().message);
    });
    if (!done || !decoded)
        return (done ? decoded : done).error();
    return merged ? std::move(*merged) : load::LatencyHistogram();
}

Result<RunSummary> ResultStore::runSummary(std::int64_t runId) {
    auto totals = collectRows(*m_impl,
                              "SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(errors), 0), "
                              "COALESCE(SUM(cold_starts), 0), COALESCE(SUM(duration_ms), 0) FROM intervals "
                              "WHERE run_id = ?1 AND warmup = 0",
                              runId, [](const sqlite::Statement& row) {
                                  RunSummary summary;
                                  summary.requests = static_cast<std::uint64_t>(row.columnInt(0));
                                  summary.errors = static_cast<std::uint64_t>(row.columnInt(1));
                                  summary.coldStarts = static_cast<std::uint64_t>(row.columnInt(2));
                                  summary.durationSeconds = static_cast<double>(row.columnInt(3)) / 1000.0;
                                  return summary;
                              });
    if (!totals)
        return totals.error();
    auto histogram = mergedHistogram(runId);
    if (!histogram)
        return histogram.error();
    RunSummary summary = totals->front();
    summary.achievedRps = summary.durationSeconds > 0 ? summary.requests / summary.durationSeconds : 0.0;
    const auto percentiles = load::LatencyPercentiles::of(*histogram);
    summary.p50Ms = percentiles.p50 / 1000.0;
    summary.p90Ms = percentiles.p90 / 1000.0;
    summary.p99Ms = percentiles.p99 / 1000.0;
    summary.p999Ms = percentiles.p999 / 1000.0;
    summary.maxMs = percentiles.max / 1000.0;
    return summary;
}

} // namespace faaswb::results
