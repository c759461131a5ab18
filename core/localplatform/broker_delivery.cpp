// Knative's delivery spec (duck/v1 DeliverySpec): parsing, ISO-8601 durations, backoff and retryable status codes.
#include "localplatform/broker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace faaswb::localplatform {
namespace {

using std::chrono::milliseconds;

constexpr double msPerSecond = 1000.0;
constexpr double maxDurationSeconds = 1e10; // ~317 years: keeps the millisecond count far from overflow
// Saturation point of retryDelay(): far beyond any sensible backoff, far below the clock's range.
constexpr milliseconds maxRetryDelay = std::chrono::hours(24 * 365);

Error fieldError(const std::string& field, const std::string& what) {
    return invalidInput("spec.delivery." + field + ": " + what);
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// One "<number><designator>" component of a duration, e.g. "1.5S". Advances `at` past it.
struct DurationComponent {
    double value = 0;
    char designator = 0;
};

std::optional<DurationComponent> nextComponent(std::string_view text, std::size_t& at) {
    const std::size_t start = at;
    while (at < text.size() && isDigit(text[at]))
        ++at;
    const std::size_t integerDigits = at - start;
    std::string number(text.substr(start, integerDigits));
    if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
        ++at;
        const std::size_t fractionStart = at;
        while (at < text.size() && isDigit(text[at]))
            ++at;
        if (at == fractionStart)
            return std::nullopt;
        number += "." + std::string(text.substr(fractionStart, at - fractionStart));
    }
    if (number.empty() || number.front() == '.' || at >= text.size())
        return std::nullopt;
    return DurationComponent{std::strtod(number.c_str(), nullptr), text[at++]};
}

// Seconds per designator: date part (before 'T') or time part (after it). 0 = not allowed there.
double secondsPer(char designator, bool timePart) {
    if (timePart) {
        switch (designator) {
        case 'H':
            return 3600;
        case 'M':
            return 60;
        case 'S':
            return 1;
        default:
            return 0;
        }
    }
    switch (designator) {
    case 'W':
        return 7 * 86400;
    case 'D':
        return 86400;
    default:
        return 0;
    }
}

// Designators must appear in this order, each at most once.
int designatorRank(char designator, bool timePart) {
    const std::string_view order = timePart ? "HMS" : "WD";
    return static_cast<int>(order.find(designator));
}

Result<milliseconds> durationField(const nlohmann::json& value, const std::string& field) {
    if (!value.is_string())
        return fieldError(field, "must be an ISO-8601 duration string such as \"PT0.2S\"");
    auto parsed = parseIsoDuration(value.get<std::string>());
    if (!parsed)
        return fieldError(field, parsed.error().message);
    return parsed.value();
}

Result<DestinationRef> parseRef(const nlohmann::json& ref) {
    if (!ref.is_object())
        return fieldError("deadLetterSink.ref", "must be an object with kind and name");
    DestinationRef result;
    const std::pair<const char*, std::string*> fields[] = {{"apiVersion", &result.apiVersion},
                                                           {"kind", &result.kind},
                                                           {"name", &result.name},
                                                           {"namespace", &result.namespaceName}};
    for (const auto& [key, target] : fields) {
        if (!ref.contains(key))
            continue;
        if (!ref.at(key).is_string())
            return fieldError(std::string("deadLetterSink.ref.") + key, "must be a string");
        *target = ref.at(key).get<std::string>();
    }
    if (result.kind.empty())
        return fieldError("deadLetterSink.ref.kind", "is required");
    if (result.name.empty())
        return fieldError("deadLetterSink.ref.name", "is required");
    return result;
}

Status parseDeadLetterSink(const nlohmann::json& sink, DeliverySpec& spec) {
    if (!sink.is_object())
        return fieldError("deadLetterSink", "must be an object with uri or ref");
    spec.deadLetterSink.clear();
    spec.deadLetterRef.reset();
    if (sink.contains("uri")) {
        const auto& uri = sink.at("uri");
        if (!uri.is_string() || uri.get<std::string>().empty())
            return fieldError("deadLetterSink.uri", "must be a non-empty URL string");
        const std::string_view text = uri.get_ref<const std::string&>();
        if (!text.starts_with("http://") && !text.starts_with("https://"))
            return fieldError("deadLetterSink.uri", "must be an http:// URL");
        spec.deadLetterSink = uri.get<std::string>();
    }
    if (sink.contains("ref")) {
        auto ref = parseRef(sink.at("ref"));
        if (!ref)
            return ref.error();
        // A ref with a uri: Knative treats the uri as relative to the ref; the controller resolves both.
        spec.deadLetterRef = std::move(ref.value());
    }
    if (spec.deadLetterSink.empty() && !spec.deadLetterRef)
        return fieldError("deadLetterSink", "needs uri or ref");
    return {};
}

Status parseRetry(const nlohmann::json& value, DeliverySpec& spec) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
        value.get<std::int64_t>() > std::numeric_limits<int>::max())
        return fieldError("retry", "must be an integer >= 0");
    spec.retry = value.get<int>();
    return {};
}

Status parseBackoffPolicy(const nlohmann::json& value, DeliverySpec& spec) {
    const std::string policy = value.is_string() ? value.get<std::string>() : std::string();
    if (policy == "linear")
        spec.backoffPolicy = BackoffPolicy::Linear;
    else if (policy == "exponential")
        spec.backoffPolicy = BackoffPolicy::Exponential;
    else
        return fieldError("backoffPolicy", "must be \"linear\" or \"exponential\"");
    return {};
}

Status parseFormat(const nlohmann::json& value, DeliverySpec& spec) {
    const std::string format = value.is_string() ? value.get<std::string>() : std::string();
    if (format == "binary")
        spec.format = EventFormat::Binary;
    else if (format == "json")
        spec.format = EventFormat::Structured;
    else
        return fieldError("format", "must be \"binary\" or \"json\"");
    return {};
}

} // namespace

Result<milliseconds> parseIsoDuration(std::string_view text) {
    const std::string quoted = "\"" + std::string(text) + "\"";
    if (text.size() < 2 || text.front() != 'P')
        return invalidInput(quoted + " is not an ISO-8601 duration (expected e.g. \"PT0.2S\")");
    double seconds = 0;
    bool timePart = false;
    bool timeComponents = false;
    int lastRank = -1;
    std::size_t at = 1;
    while (at < text.size()) {
        if (text[at] == 'T' && !timePart) {
            timePart = true;
            lastRank = -1;
            ++at;
            continue;
        }
        const auto component = nextComponent(text, at);
        if (!component)
            return invalidInput(quoted + " is not an ISO-8601 duration (expected e.g. \"PT0.2S\")");
        if (!timePart && (component->designator == 'Y' || component->designator == 'M'))
            return invalidInput(quoted + ": years and months have no fixed length; use days or weeks");
        const double unit = secondsPer(component->designator, timePart);
        const int rank = designatorRank(component->designator, timePart);
        if (unit == 0 || rank <= lastRank)
            return invalidInput(quoted + ": unexpected '" + std::string(1, component->designator) + "'");
        lastRank = rank;
        timeComponents = timeComponents || timePart;
        seconds += component->value * unit;
    }
    if (lastRank < 0 || (timePart && !timeComponents))
        return invalidInput(quoted + " has no duration components");
    if (!(seconds < maxDurationSeconds))
        return invalidInput(quoted + " is too long");
    return milliseconds(std::llround(seconds * msPerSecond));
}

Result<DeliverySpec> parseDeliverySpec(const nlohmann::json& delivery, const DeliverySpec& defaults) {
    DeliverySpec spec = defaults;
    if (delivery.is_null())
        return spec;
    if (!delivery.is_object())
        return invalidInput("spec.delivery: must be an object");
    Status status;
    if (delivery.contains("retry") && status)
        status = parseRetry(delivery.at("retry"), spec);
    if (delivery.contains("backoffPolicy") && status)
        status = parseBackoffPolicy(delivery.at("backoffPolicy"), spec);
    if (delivery.contains("backoffDelay") && status) {
        auto delay = durationField(delivery.at("backoffDelay"), "backoffDelay");
        if (!delay)
            return delay.error();
        spec.backoffDelay = delay.value();
    }
    if (delivery.contains("timeout") && status) {
        auto timeout = durationField(delivery.at("timeout"), "timeout");
        if (!timeout)
            return timeout.error();
        if (timeout.value() <= milliseconds(0))
            return fieldError("timeout", "must be greater than zero");
        spec.timeout = timeout.value();
    }
    if (delivery.contains("deadLetterSink") && status)
        status = parseDeadLetterSink(delivery.at("deadLetterSink"), spec);
    if (delivery.contains("format") && status)
        status = parseFormat(delivery.at("format"), spec);
    if (!status)
        return status.error();
    return spec;
}

// Knative's retry loop (kncloudevents/retries.go, via go-retryablehttp) hands the backoff function a 0-based attempt
// index, which would make the first linear retry immediate; Knative's own unit tests use a 1-based index. Which one
// the running loop uses is UNCONFIRMED (platform-facts §3); we follow the documented 1-based formula, which also
// never retries a failing subscriber without a pause when a delay was configured.
milliseconds retryDelay(const DeliverySpec& spec, int attempt) {
    if (attempt < 1 || spec.backoffDelay <= milliseconds(0))
        return milliseconds(0);
    const double delay = static_cast<double>(spec.backoffDelay.count());
    const double factor = spec.backoffPolicy == BackoffPolicy::Linear ? static_cast<double>(attempt)
                                                                      : std::exp2(std::min(attempt - 1, 62));
    const double total = delay * factor;
    if (total >= static_cast<double>(maxRetryDelay.count()))
        return maxRetryDelay;
    return milliseconds(static_cast<std::int64_t>(total));
}

// No response, any 5xx, and 404/408/409/429 are retried (kncloudevents/retries.go); other codes are final.
bool isRetryableStatus(int httpStatus) {
    if (httpStatus >= 500 && httpStatus <= 599)
        return true;
    return httpStatus == 404 || httpStatus == 408 || httpStatus == 409 || httpStatus == 429;
}

} // namespace faaswb::localplatform
