#include "localplatform/autoscaler_config.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <vector>

namespace faaswb::localplatform {
namespace {

using std::chrono::seconds;

constexpr const char* kPrefix = "autoscaling.knative.dev/";
// Bounds from pkg/apis/autoscaling/register.go.
constexpr Nanos kWindowMin = seconds(6);
constexpr Nanos kWindowMax = std::chrono::hours(1);
constexpr double kTargetMin = 0.01;
constexpr int kContainerConcurrencyMax = 1000;          // config-defaults container-concurrency-max-limit
constexpr Nanos kActivationTimeoutBuffer = seconds(30); // kpa/scaler.go activationTimeoutBuffer

// Collects every problem, as Knative's FieldError.Also does, so the user fixes them all in one go.
class Problems {
public:
    void add(const std::string& key, const std::string& message) { m_messages.push_back(key + ": " + message); }
    Status status() const {
        if (m_messages.empty())
            return {};
        std::string joined;
        for (const auto& message : m_messages)
            joined += (joined.empty() ? "" : "; ") + message;
        return invalidInput(joined);
    }

private:
    std::vector<std::string> m_messages;
};

std::string quoted(const std::string& text) {
    return "'" + text + "'";
}

std::string secondsText(Nanos value) {
    std::ostringstream out;
    out << std::chrono::duration<double>(value).count() << "s";
    return out.str();
}

std::optional<long long> parseInteger(const std::string& text) {
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

std::optional<double> parseNumber(const std::string& text) {
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Go's strconv.ParseBool spellings, which the ConfigMap parser (knative.dev/pkg/configmap AsBool) accepts.
std::optional<bool> parseBool(const std::string& text) {
    for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"})
        if (text == yes)
            return true;
    for (const char* no : {"0", "f", "F", "FALSE", "false", "False"})
        if (text == no)
            return false;
    return std::nullopt;
}

// One annotation as found: the key actually used (kebab or legacy camelCase) and its value.
struct Found {
    std::string key;
    std::string value;
};

// knative.dev/pkg/kmap KeyPriority: the first spelling present wins, so the kebab-case key beats a legacy one.
std::optional<Found> lookup(const Annotations& annotations, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const std::string key = std::string(kPrefix) + name;
        if (const auto it = annotations.find(key); it != annotations.end())
            return Found{key, it->second};
    }
    return std::nullopt;
}

// Reads one annotation's value with the given parser and range; records a problem naming the key on failure.
class AnnotationReader {
public:
    AnnotationReader(const Annotations& annotations, Problems& problems)
        : m_annotations(annotations)
        , m_problems(problems) {}

    std::optional<Found> find(std::initializer_list<const char*> names) const { return lookup(m_annotations, names); }

    std::optional<long long> integer(std::initializer_list<const char*> names, long long low, long long high) {
        const auto found = find(names);
        if (!found)
            return std::nullopt;
        const auto value = parseInteger(found->value);
        if (!value)
            return fail(*found, "invalid value " + quoted(found->value) + ", expected an integer");
        if (*value < low || *value > high)
            return fail(*found, "value " + found->value + " is out of bounds [" + std::to_string(low) + ", " +
                                    std::to_string(high) + "]");
        return value;
    }

    std::optional<double> number(std::initializer_list<const char*> names, double low, double high) {
        const auto found = find(names);
        if (!found)
            return std::nullopt;
        const auto value = parseNumber(found->value);
        if (!value)
            return fail(*found, "invalid value " + quoted(found->value) + ", expected a number");
        if (*value < low || *value > high)
            return fail(*found,
                        "value " + found->value + " is out of bounds [" + trimmed(low) + ", " + trimmed(high) + "]");
        return value;
    }

    // Go duration syntax ("6s", "1m30s"); Knative requires whole seconds for windows and delays.
    std::optional<Nanos> duration(std::initializer_list<const char*> names, Nanos low, Nanos high, bool wholeSeconds) {
        const auto found = find(names);
        if (!found)
            return std::nullopt;
        const auto value = parseDuration(found->value);
        if (!value)
            return fail(*found, "invalid value " + quoted(found->value) + ", expected a duration such as 60s");
        if (*value < low || *value > high)
            return fail(*found, "value " + found->value + " is out of bounds [" + secondsText(low) + ", " +
                                    secondsText(high) + "]");
        if (wholeSeconds && *value % seconds(1) != Nanos{0})
            return fail(*found, "must be specified with at most second precision");
        return *value;
    }

    void problem(const std::string& key, const std::string& message) { m_problems.add(key, message); }

private:
    static std::string trimmed(double value) {
        std::ostringstream out;
        out << value;
        return out.str();
    }
    std::nullopt_t fail(const Found& found, const std::string& message) {
        m_problems.add(found.key, message);
        return std::nullopt;
    }

    const Annotations& m_annotations;
    Problems& m_problems;
};

void resolveClass(AnnotationReader& reader) {
    const auto found = reader.find({"class"});
    if (!found || found->value == kKpaClass)
        return;
    reader.problem(found->key, "invalid value " + quoted(found->value) + ": the local platform runs only the KPA (" +
                                   kKpaClass + ")");
}

void resolveMetric(AnnotationReader& reader, RevisionScalingConfig& out) {
    if (const auto found = reader.find({"metric"})) {
        if (found->value == "rps")
            out.metric = ScalingMetric::Rps;
        else if (found->value != "concurrency")
            reader.problem(found->key, "invalid value " + quoted(found->value) +
                                           " for the KPA, expected concurrency or rps (cpu and memory are HPA only)");
    }
    if (const auto found = reader.find({"metric-aggregation-algorithm", "metricAggregationAlgorithm"})) {
        if (found->value == "weighted-exponential" || found->value == "weightedExponential")
            out.algorithm = AggregationAlgorithm::WeightedExponential;
        else if (found->value != "linear")
            reader.problem(found->key,
                           "invalid value " + quoted(found->value) + ", expected linear or weighted-exponential");
    }
}

// resources/target.go ResolveMetricTarget.
void resolveTarget(AnnotationReader& reader, int containerConcurrency, const AutoscalerDefaults& defaults,
                   RevisionScalingConfig& out) {
    double total = defaults.rpsTargetDefault;
    double utilization = defaults.targetUtilization;
    if (out.metric == ScalingMetric::Concurrency) {
        total = containerConcurrency > 0 ? containerConcurrency : defaults.containerConcurrencyTargetDefault;
        utilization = defaults.containerConcurrencyTargetFraction;
    }
    if (const auto target = reader.number({"target"}, kTargetMin, 1e12)) {
        total = *target;
        // Never aim above what containerConcurrency lets one pod take.
        if (out.metric == ScalingMetric::Concurrency && containerConcurrency > 0)
            total = std::min(*target, static_cast<double>(containerConcurrency));
    }
    if (const auto percent = reader.number({"target-utilization-percentage", "targetUtilizationPercentage"}, 1, 100))
        utilization = *percent / 100.0;
    out.totalValue = total;
    out.targetValue = std::max(kTargetMin, total * utilization);
}

void resolveWindows(AnnotationReader& reader, const AutoscalerDefaults& defaults, RevisionScalingConfig& out) {
    out.stableWindow = reader.duration({"window"}, kWindowMin, kWindowMax, true).value_or(defaults.stableWindow);
    const double panicPercent = reader.number({"panic-window-percentage", "panicWindowPercentage"}, 1, 100)
                                    .value_or(defaults.panicWindowPercentage);
    out.panicWindow = panicWindowFor(out.stableWindow, panicPercent);
    out.panicThreshold = reader.number({"panic-threshold-percentage", "panicThresholdPercentage"}, 110, 1000)
                             .value_or(defaults.panicThresholdPercentage) /
                         100.0;
    out.scaleDownDelay = reader.duration({"scale-down-delay", "scaleDownDelay"}, Nanos{0}, kWindowMax, true)
                             .value_or(defaults.scaleDownDelay);
    out.scaleToZeroPodRetention = reader
                                      .duration({"scale-to-zero-pod-retention-period", "scaleToZeroPodRetentionPeriod"},
                                                Nanos{0}, kWindowMax, false)
                                      .value_or(defaults.scaleToZeroPodRetentionPeriod);
}

void resolveBurstCapacity(AnnotationReader& reader, const AutoscalerDefaults& defaults, RevisionScalingConfig& out) {
    out.targetBurstCapacity = defaults.targetBurstCapacity;
    const auto found = reader.find({"target-burst-capacity", "targetBurstCapacity"});
    if (!found)
        return;
    const auto value = parseNumber(found->value);
    if (!value || (*value < 0 && *value != -1))
        reader.problem(found->key, "invalid value " + quoted(found->value) + ", expected >= 0 or -1 (unlimited)");
    else
        out.targetBurstCapacity = *value;
}

// pa_lifecycle.go ScaleBounds, annotation_validation.go validateMinMaxScale.
void resolveScaleBounds(AnnotationReader& reader, const AutoscalerDefaults& defaults, RevisionScalingConfig& out) {
    const auto maxScale = reader.integer({"max-scale", "maxScale"}, 0, INT_MAX);
    out.minScale = static_cast<int>(reader.integer({"min-scale", "minScale"}, 0, INT_MAX).value_or(defaults.minScale));
    out.maxScale = static_cast<int>(maxScale.value_or(defaults.maxScale));
    const std::string maxKey = std::string(kPrefix) + "max-scale";
    if (out.maxScale != 0 && out.maxScale < out.minScale)
        reader.problem(maxKey, "max-scale=" + std::to_string(out.maxScale) +
                                   " is less than min-scale=" + std::to_string(out.minScale));
    if (maxScale && defaults.maxScaleLimit > 0 && (*maxScale == 0 || *maxScale > defaults.maxScaleLimit))
        reader.problem(maxKey, "must be in [1, " + std::to_string(defaults.maxScaleLimit) + "] (max-scale-limit)");
}

// kpa/resources GetInitialScale: 0 counts only where allow-zero-initial-scale permits it.
void resolveInitialAndActivationScale(AnnotationReader& reader, const AutoscalerDefaults& defaults,
                                      RevisionScalingConfig& out) {
    out.initialScale = defaults.initialScale;
    if (const auto initial = reader.integer({"initial-scale", "initialScale"}, 0, INT_MAX)) {
        if (*initial == 0 && !defaults.allowZeroInitialScale)
            reader.problem(reader.find({"initial-scale", "initialScale"})->key,
                           "invalid value 0: allow-zero-initial-scale is false");
        else
            out.initialScale = static_cast<int>(*initial);
    }
    out.activationScale = static_cast<int>(reader.integer({"activation-scale"}, 2, INT_MAX).value_or(1));
}

void copyPlatformWide(const AutoscalerDefaults& defaults, RevisionScalingConfig& out) {
    out.maxScaleUpRate = defaults.maxScaleUpRate;
    out.maxScaleDownRate = defaults.maxScaleDownRate;
    out.activatorCapacity = defaults.activatorCapacity;
    out.enableScaleToZero = defaults.enableScaleToZero;
    out.scaleToZeroGracePeriod = defaults.scaleToZeroGracePeriod;
    out.activationTimeout = defaults.progressDeadline + kActivationTimeoutBuffer;
}

// --- ConfigMap entries -------------------------------------------------------------------------------------------

using Setter = std::function<bool(const std::string&, AutoscalerDefaults&)>;

Setter numberSetter(double AutoscalerDefaults::*field) {
    return [field](const std::string& text, AutoscalerDefaults& d) {
        const auto value = parseNumber(text);
        return value ? (d.*field = *value, true) : false;
    };
}

Setter integerSetter(int AutoscalerDefaults::*field) {
    return [field](const std::string& text, AutoscalerDefaults& d) {
        const auto value = parseInteger(text);
        return value && *value >= INT_MIN && *value <= INT_MAX ? (d.*field = static_cast<int>(*value), true) : false;
    };
}

Setter boolSetter(bool AutoscalerDefaults::*field) {
    return [field](const std::string& text, AutoscalerDefaults& d) {
        const auto value = parseBool(text);
        return value ? (d.*field = *value, true) : false;
    };
}

Setter durationSetter(Nanos AutoscalerDefaults::*field) {
    return [field](const std::string& text, AutoscalerDefaults& d) {
        const auto value = parseDuration(text);
        return value ? (d.*field = *value, true) : false;
    };
}

const std::map<std::string, Setter>& configMapSetters() {
    static const std::map<std::string, Setter> setters = {
        {"enable-scale-to-zero", boolSetter(&AutoscalerDefaults::enableScaleToZero)},
        {"allow-zero-initial-scale", boolSetter(&AutoscalerDefaults::allowZeroInitialScale)},
        {"max-scale-up-rate", numberSetter(&AutoscalerDefaults::maxScaleUpRate)},
        {"max-scale-down-rate", numberSetter(&AutoscalerDefaults::maxScaleDownRate)},
        {"container-concurrency-target-percentage",
         numberSetter(&AutoscalerDefaults::containerConcurrencyTargetFraction)},
        {"container-concurrency-target-default", numberSetter(&AutoscalerDefaults::containerConcurrencyTargetDefault)},
        {"requests-per-second-target-default", numberSetter(&AutoscalerDefaults::rpsTargetDefault)},
        {"target-burst-capacity", numberSetter(&AutoscalerDefaults::targetBurstCapacity)},
        {"panic-window-percentage", numberSetter(&AutoscalerDefaults::panicWindowPercentage)},
        {"activator-capacity", numberSetter(&AutoscalerDefaults::activatorCapacity)},
        {"panic-threshold-percentage", numberSetter(&AutoscalerDefaults::panicThresholdPercentage)},
        {"initial-scale", integerSetter(&AutoscalerDefaults::initialScale)},
        {"min-scale", integerSetter(&AutoscalerDefaults::minScale)},
        {"max-scale", integerSetter(&AutoscalerDefaults::maxScale)},
        {"max-scale-limit", integerSetter(&AutoscalerDefaults::maxScaleLimit)},
        {"stable-window", durationSetter(&AutoscalerDefaults::stableWindow)},
        {"scale-down-delay", durationSetter(&AutoscalerDefaults::scaleDownDelay)},
        {"scale-to-zero-grace-period", durationSetter(&AutoscalerDefaults::scaleToZeroGracePeriod)},
        {"scale-to-zero-pod-retention-period", durationSetter(&AutoscalerDefaults::scaleToZeroPodRetentionPeriod)},
        {"progress-deadline", durationSetter(&AutoscalerDefaults::progressDeadline)},
        {"pod-autoscaler-class",
         [](const std::string& text, AutoscalerDefaults& d) { return d.podAutoscalerClass = text, true; }},
    };
    return setters;
}

void checkRates(const AutoscalerDefaults& d, Problems& problems) {
    if (d.maxScaleUpRate <= 1.0)
        problems.add("max-scale-up-rate", "must be greater than 1.0");
    if (d.maxScaleDownRate <= 1.0)
        problems.add("max-scale-down-rate", "must be greater than 1.0");
    if (d.targetBurstCapacity < 0 && d.targetBurstCapacity != -1)
        problems.add("target-burst-capacity", "must be either non-negative or -1 (for unlimited)");
    if (d.activatorCapacity < 1)
        problems.add("activator-capacity", "must be at least 1");
}

void checkTargets(const AutoscalerDefaults& d, Problems& problems) {
    if (d.containerConcurrencyTargetFraction <= 0 || d.containerConcurrencyTargetFraction > 1)
        problems.add("container-concurrency-target-percentage", "is outside of valid range of (0, 100]");
    else if (d.containerConcurrencyTargetFraction * d.containerConcurrencyTargetDefault < kTargetMin)
        problems.add("container-concurrency-target-default", "yields a target concurrency below 0.01");
    if (d.rpsTargetDefault < kTargetMin)
        problems.add("requests-per-second-target-default", "must be at least 0.01");
    if (d.panicWindowPercentage < 1 || d.panicWindowPercentage > 100)
        problems.add("panic-window-percentage", "must be in [1, 100]");
    if (d.panicThresholdPercentage < 110 || d.panicThresholdPercentage > 1000)
        problems.add("panic-threshold-percentage", "must be in [110, 1000]");
}

void checkDurations(const AutoscalerDefaults& d, Problems& problems) {
    if (d.stableWindow < kWindowMin || d.stableWindow > kWindowMax)
        problems.add("stable-window", "must be in [6s, 1h]");
    else if (d.stableWindow % seconds(1) != Nanos{0})
        problems.add("stable-window", "must be specified with at most second precision");
    if (d.scaleToZeroGracePeriod <= Nanos{0})
        problems.add("scale-to-zero-grace-period", "must be positive");
    if (d.scaleToZeroPodRetentionPeriod < Nanos{0})
        problems.add("scale-to-zero-pod-retention-period", "cannot be negative");
    if (d.scaleDownDelay < Nanos{0} || d.scaleDownDelay % seconds(1) != Nanos{0})
        problems.add("scale-down-delay", "must be non-negative whole seconds");
}

void checkScales(const AutoscalerDefaults& d, Problems& problems) {
    if (d.initialScale < 0 || (d.initialScale == 0 && !d.allowZeroInitialScale))
        problems.add("initial-scale", "must be at least 1 (or 0 when allow-zero-initial-scale is true)");
    if (d.minScale < 0)
        problems.add("min-scale", "must be at least 0");
    if (d.maxScaleLimit < 0)
        problems.add("max-scale-limit", "must be at least 0");
    const int minMaxScale = d.maxScaleLimit > 0 ? 1 : 0;
    if (d.maxScale < minMaxScale || (d.maxScaleLimit > 0 && d.maxScale > d.maxScaleLimit))
        problems.add("max-scale", "must be in [" + std::to_string(minMaxScale) + ", max-scale-limit]");
}

} // namespace

Nanos panicWindowFor(Nanos stableWindow, double panicWindowPercentage) {
    const double exactSeconds = std::chrono::duration<double>(stableWindow).count() * panicWindowPercentage / 100.0;
    // Go's Duration.Round rounds halves away from zero, as std::llround does.
    const Nanos rounded = seconds(std::llround(exactSeconds));
    return std::max<Nanos>(rounded, kBucketSize);
}

Status validate(const AutoscalerDefaults& defaults) {
    Problems problems;
    checkRates(defaults, problems);
    checkTargets(defaults, problems);
    checkDurations(defaults, problems);
    checkScales(defaults, problems);
    return problems.status();
}

Result<AutoscalerDefaults> autoscalerDefaultsFromMap(const std::map<std::string, std::string>& data) {
    AutoscalerDefaults defaults;
    Problems problems;
    for (const auto& [key, value] : data) {
        const auto setter = configMapSetters().find(key);
        if (setter == configMapSetters().end())
            problems.add(key, "unknown config-autoscaler key");
        else if (!setter->second(value, defaults))
            problems.add(key, "invalid value " + quoted(value));
    }
    // Percentages above 1 are divided by 100; (0, 1] is kept as a fraction for legacy reasons (config.go).
    if (defaults.containerConcurrencyTargetFraction > 1.0)
        defaults.containerConcurrencyTargetFraction /= 100.0;
    if (const Status parsed = problems.status(); !parsed)
        return parsed.error();
    if (const Status valid = validate(defaults); !valid)
        return valid.error();
    return defaults;
}

Result<RevisionScalingConfig> resolveScalingConfig(const Annotations& annotations, int containerConcurrency,
                                                   const AutoscalerDefaults& defaults) {
    Problems problems;
    if (containerConcurrency < 0 || containerConcurrency > kContainerConcurrencyMax)
        problems.add("containerConcurrency", "must be in [0, " + std::to_string(kContainerConcurrencyMax) + "]");
    AnnotationReader reader(annotations, problems);
    RevisionScalingConfig out;
    out.containerConcurrency = containerConcurrency;
    resolveClass(reader);
    resolveMetric(reader, out);
    resolveTarget(reader, containerConcurrency, defaults, out);
    resolveWindows(reader, defaults, out);
    resolveBurstCapacity(reader, defaults, out);
    resolveScaleBounds(reader, defaults, out);
    resolveInitialAndActivationScale(reader, defaults, out);
    copyPlatformWide(defaults, out);
    if (const Status status = problems.status(); !status)
        return status.error();
    return out;
}

} // namespace faaswb::localplatform
