#include "cli/load_report.h"

#include "common/units.h"

#include <cstdio>

namespace faaswb::cli {
namespace {

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string bytes(double value) {
    if (value < 1024)
        return fixed(value, 0) + "B";
    if (value < 1024 * 1024)
        return fixed(value / 1024, 2) + "KB";
    if (value < 1024.0 * 1024 * 1024)
        return fixed(value / 1024 / 1024, 2) + "MB";
    return fixed(value / 1024 / 1024 / 1024, 2) + "GB";
}

std::string percentilesInMs(const load::LatencyHistogram& h) {
    auto ms = [&](double p) { return fixed(double(h.valueAtPercentile(p)) / 1000.0, 3) + "ms"; };
    return ms(50) + " " + ms(90) + " " + ms(99) + " " + ms(99.9) + " " + fixed(double(h.max()) / 1000.0, 3) + "ms";
}

void printErrors(std::ostream& out, const load::LoadSummary& summary) {
    if (summary.errors == 0)
        return;
    out << "  Errors: " << summary.errors << " (";
    bool first = true;
    for (int kind = 1; kind < load::kErrorKindCount; ++kind) {
        if (summary.errorsByKind[kind] == 0)
            continue;
        out << (first ? "" : ", ") << load::errorKindName(static_cast<load::ErrorKind>(kind)) << " "
            << summary.errorsByKind[kind];
        first = false;
    }
    out << ")\n";
}

} // namespace

std::string percentileLine(const load::LatencyHistogram& h) {
    auto us = [&](double p) { return formatMicros(double(h.valueAtPercentile(p))); };
    return "p50 " + us(50) + "  p90 " + us(90) + "  p99 " + us(99) + "  p99.9 " + us(99.9) + "  max " +
           formatMicros(double(h.max()));
}

void printLoadReport(std::ostream& out, const LoadReportHeader& header, const load::LoadSummary& summary) {
    out << "Running " << fixed(summary.elapsedSeconds, 1) << "s test @ " << header.url << "\n";
    out << "  " << header.threads << " threads and " << header.concurrency << "\n";
    out << "  Latency p50/p90/p99/p99.9/max: " << percentilesInMs(summary.latency) << "  (from intended send time)\n";
    out << "  Service time p50/p90/p99/p99.9/max: " << percentilesInMs(summary.serviceTime) << "\n";
    out << "  " << summary.requests << " requests in " << fixed(summary.elapsedSeconds, 2) << "s, "
        << bytes(double(summary.bytes)) << " read\n";
    printErrors(out, summary);
    if (summary.aborted() > 0)
        out << "  Aborted: " << summary.aborted()
            << " requests still unanswered when the load ended (not measured, not in latency or errors)\n";
    if (summary.targetRate > 0)
        out << "  Target rate: " << fixed(summary.targetRate, 2) << " req/s, achieved "
            << fixed(summary.achievedRate / summary.targetRate * 100, 1) << "%\n";
    if (summary.generatorSaturated)
        out << "  WARNING: the load generator could not keep up with the schedule; latencies include its own "
               "queueing (add --threads or lower the rate)\n";
    if (summary.cancelled)
        out << "  Cancelled: partial results\n";
    out << "Requests/sec: " << fixed(summary.achievedRate, 2) << "\n";
    const double transfer = summary.elapsedSeconds > 0 ? double(summary.bytes) / summary.elapsedSeconds : 0;
    out << "Transfer/sec: " << bytes(transfer) << "\n";
}

} // namespace faaswb::cli
