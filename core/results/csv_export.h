// Exports of stored runs: RFC 4180 CSV files (summary, intervals, requests, scale events) and HdrHistogram interval
// logs (.hlog). The exporters read through the given store, so call them on the thread that owns it.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::results {

class ResultStore;

// Writes RFC 4180 records: CRLF line ends; a field holding a comma, quote, CR or LF, or with leading or trailing
// spaces (which some readers trim), is quoted, with its quotes doubled. Text passes through as UTF-8 bytes.
class CsvWriter {
public:
    explicit CsvWriter(std::ostream& out)
        : m_out(out) {}

    CsvWriter& field(std::string_view text);
    CsvWriter& emptyField() { return field({}); } // NULL / unknown
    void endRow();
    void row(const std::vector<std::string>& fields);

    static std::string escape(std::string_view text); // the field as it appears in the file

private:
    std::ostream& m_out;
    bool m_rowStarted = false;
};

// Locale-independent number text for exports: fixed decimals ("12.345"), and microseconds as milliseconds.
std::string formatFixed(double value, int decimals);
std::string formatMicrosAsMillis(std::int64_t micros);

// The files exportCsv writes, in order.
inline constexpr const char* kCsvFileNames[] = {"summary.csv",      "intervals.csv",   "requests.csv",
                                                "scale_events.csv", "run_metrics.csv", "thresholds.csv"};

// Writes summary.csv, intervals.csv, requests.csv, scale_events.csv, run_metrics.csv (run_id, metric, value, unit)
// and thresholds.csv (run_id, threshold, metric, value, unit, passed 1|0, note) for the runs (all runs when `runIds`
// is empty) into `outDir`, creating it when missing. Units are in the column names (or a unit column); NULL/unknown
// is an empty field.
Status exportCsv(ResultStore& store, const std::vector<std::int64_t>& runIds, const std::string& outDir);

// Writes scenarios.csv (analysis::writeSummaryCsv of the runs, all when `runIds` is empty) and, for each
// workflow-chain scenario swept over mechanism and payloadSize, chain-<scenario>-handover_sum_p50.csv and
// chain-<scenario>-end_to_end_p50.csv (the metric's median pivoted mechanism x payloadSize; characters other than
// letters, digits, '.', '_' and '-' in the scenario name become '_'). Returns the paths written.
Result<std::vector<std::string>> exportScenarioSummary(ResultStore& store, const std::vector<std::int64_t>& runIds,
                                                       const std::string& outDir);

// Writes the run's interval histograms (corrected latency, microseconds) as an HdrHistogram interval log whose
// StartTime is the run's start.
Status exportHlog(ResultStore& store, std::int64_t runId, const std::string& path);

} // namespace faaswb::results
