#include "load/wake_timer.h"

#ifdef __linux__
#include <cstdint>
#include <ctime>
#include <sys/timerfd.h>
#include <unistd.h>
#endif

namespace faaswb::load {

#ifdef __linux__

WakeTimer::WakeTimer()
    : m_fd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {}

WakeTimer::~WakeTimer() {
    if (m_fd >= 0)
        ::close(m_fd);
}

// libstdc++'s steady_clock is CLOCK_MONOTONIC, so its time points are valid absolute timerfd deadlines.
void WakeTimer::armAt(std::chrono::steady_clock::time_point when) noexcept {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
        spec.it_value.tv_nsec = 1; // all zeros would disarm the timer
    timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void WakeTimer::consume() noexcept {
    std::uint64_t expirations = 0;
    [[maybe_unused]] const auto ignored = ::read(m_fd, &expirations, sizeof expirations);
}

#else

WakeTimer::WakeTimer() = default;
WakeTimer::~WakeTimer() = default;
void WakeTimer::armAt(std::chrono::steady_clock::time_point) noexcept {}
void WakeTimer::consume() noexcept {}

#endif

} // namespace faaswb::load
