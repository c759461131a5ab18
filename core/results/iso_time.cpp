#include "results/iso_time.h"

#include <cstdio>
#include <ctime>

namespace faaswb::results {

std::string formatIsoUtc(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto millis = floor<milliseconds>(time).time_since_epoch().count();
    const auto seconds = static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
    const int fraction = static_cast<int>(millis - static_cast<std::int64_t>(seconds) * 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[96]; // room for any int the compiler can imagine, not just real dates
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
    return text;
}

std::optional<std::chrono::system_clock::time_point> parseIsoUtc(std::string_view text) {
    const std::string copy(text); // sscanf needs a terminated string
    std::tm utc{};
    int millis = 0;
    const int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                                   &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis);
    if (fields < 6)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t seconds = timegm(&utc);
    return std::chrono::system_clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

} // namespace faaswb::results
