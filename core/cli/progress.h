// TerminalProgress: the command line's view of a run — a one-line progress bar on a terminal (phase, elapsed,
// achieved rate, p99, errors), or one line per phase and per finished run when output is not a terminal.
// Thread-safe: callbacks arrive from the runner and collector threads.
#pragma once

#include "engine/run_observer.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace faaswb::cli {

class TerminalProgress final : public engine::RunObserver {
public:
    TerminalProgress(std::FILE* out, int totalCells, bool quiet);

    void onRunStarted(const engine::RunDescription& description) override;
    void onPhase(const engine::PhaseInfo& phase) override;
    void onInterval(int cell, const load::IntervalSnapshot& snapshot) override;
    void onRunFinished(const engine::RunOutcome& outcome) override;

    // Shows a standalone load (the `load` command) as one cell.
    void startStandalone(const std::string& label, std::chrono::nanoseconds expected);
    void finishLine(); // ends an open progress line so other output starts on a fresh line

private:
    void redraw();
    std::string bar(double fraction) const;

    std::FILE* m_out;
    const int m_totalCells;
    const bool m_quiet;
    const bool m_isTerminal;
    std::mutex m_mutex;
    std::string m_label;
    std::string m_phase;
    std::chrono::nanoseconds m_expected{0};
    std::chrono::steady_clock::time_point m_phaseStart;
    int m_cell = 0;
    double m_rate = 0;
    std::int64_t m_p99Us = -1; // of the last interval; -1: no responses (no latency) or none yet
    std::uint64_t m_errors = 0;
    bool m_lineOpen = false;
};

} // namespace faaswb::cli
