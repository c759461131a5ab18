#include "cli/progress.h"

#include "common/units.h"

#include <algorithm>
#include <unistd.h>

namespace faaswb::cli {

TerminalProgress::TerminalProgress(std::FILE* out, int totalCells, bool quiet)
    : m_out(out)
    , m_totalCells(totalCells)
    , m_quiet(quiet)
    , m_isTerminal(isatty(fileno(out)) == 1) {}

void TerminalProgress::onRunStarted(const engine::RunDescription& d) {
    std::lock_guard lock(m_mutex);
    m_cell = d.cell;
    m_label = d.scenario + " · " + d.benchmark + " · " + d.language;
    m_errors = 0;
    m_rate = 0;
    m_p99Us = -1;
}

void TerminalProgress::onPhase(const engine::PhaseInfo& phase) {
    std::lock_guard lock(m_mutex);
    m_phase = phase.phase;
    m_expected = phase.expected;
    m_phaseStart = std::chrono::steady_clock::now();
    if (m_quiet)
        return;
    if (m_isTerminal)
        redraw();
    else
        std::fprintf(m_out, "[%d/%d] %s: %s\n", m_cell + 1, m_totalCells, m_label.c_str(), m_phase.c_str());
}

void TerminalProgress::onInterval(int, const load::IntervalSnapshot& snapshot) {
    std::lock_guard lock(m_mutex);
    m_rate = snapshot.achievedRate;
    m_p99Us = snapshot.requests > 0 ? snapshot.corrected.p99 : -1;
    m_errors += snapshot.errors;
    if (m_isTerminal && !m_quiet)
        redraw();
}

void TerminalProgress::onRunFinished(const engine::RunOutcome& outcome) {
    std::lock_guard lock(m_mutex);
    if (m_quiet)
        return;
    if (m_lineOpen)
        std::fputs("\r\033[K", m_out);
    m_lineOpen = false;
    std::fprintf(m_out, "[%d/%d] %s: %s%s%s\n", m_cell + 1, m_totalCells, m_label.c_str(),
                 engine::runStatusName(outcome.status), outcome.message.empty() ? "" : " — ", outcome.message.c_str());
    std::fflush(m_out);
}

void TerminalProgress::startStandalone(const std::string& label, std::chrono::nanoseconds expected) {
    std::lock_guard lock(m_mutex);
    m_label = label;
    m_phase = "load";
    m_expected = expected;
    m_phaseStart = std::chrono::steady_clock::now();
}

void TerminalProgress::finishLine() {
    std::lock_guard lock(m_mutex);
    if (m_lineOpen)
        std::fputs("\r\033[K", m_out);
    m_lineOpen = false;
    std::fflush(m_out);
}

std::string TerminalProgress::bar(double fraction) const {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kWidth);
    std::string out;
    for (int i = 0; i < kWidth; ++i)
        out += i < filled ? "█" : "░";
    return out;
}

void TerminalProgress::redraw() {
    using namespace std::chrono;
    const auto elapsed = duration_cast<nanoseconds>(steady_clock::now() - m_phaseStart);
    const double fraction = m_expected.count() > 0 ? double(elapsed.count()) / double(m_expected.count()) : 0;
    const std::string timing = formatDuration(duration_cast<seconds>(elapsed)) +
                               (m_expected.count() > 0 ? "/" + formatDuration(m_expected) : std::string());
    std::fprintf(m_out, "\r\033[K[%d/%d] %s  %-10s %s %s  %s rps  p99 %s  errors %llu", m_cell + 1,
                 std::max(m_totalCells, 1), m_label.c_str(), m_phase.c_str(), bar(fraction).c_str(), timing.c_str(),
                 formatCount(m_rate).c_str(), m_p99Us < 0 ? "-" : formatMicros(double(m_p99Us)).c_str(),
                 static_cast<unsigned long long>(m_errors));
    std::fflush(m_out);
    m_lineOpen = true;
}

} // namespace faaswb::cli
