// WakeTimer: a timer file descriptor that a load worker hands to curl_multi_poll beside libcurl's sockets, so it
// wakes at its next intended send time to the microsecond instead of curl_multi_poll's whole milliseconds (a
// rounded-down wait busy-spins, a rounded-up one sends late). Linux timerfd; elsewhere unavailable, and the worker
// falls back to millisecond timeouts. Owned by one worker thread.
#pragma once

#include <chrono>

namespace faaswb::load {

class WakeTimer {
public:
    WakeTimer();
    ~WakeTimer();
    WakeTimer(const WakeTimer&) = delete;
    WakeTimer& operator=(const WakeTimer&) = delete;

    bool available() const noexcept { return m_fd >= 0; }
    int fd() const noexcept { return m_fd; }
    void armAt(std::chrono::steady_clock::time_point when) noexcept; // one-shot, absolute
    void consume() noexcept;                                         // after it fired: makes it unreadable again

private:
    int m_fd = -1;
};

} // namespace faaswb::load
