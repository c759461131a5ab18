// Autoscaler configuration of the local platform: the platform-wide defaults of Knative's ConfigMap
// `config-autoscaler` (AutoscalerDefaults) and one revision's resolved settings (RevisionScalingConfig), built from
// the revision's `autoscaling.knative.dev/...` annotations and its containerConcurrency. Plain values and pure
// functions; thread-compatible.
#pragma once

#include "common/result.h"
#include "common/units.h"

#include <chrono>
#include <map>
#include <string>

namespace faaswb::localplatform {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Annotations = std::map<std::string, std::string>;

enum class ScalingMetric { Concurrency, Rps };
enum class AggregationAlgorithm { Linear, WeightedExponential };

inline constexpr const char* kKpaClass = "kpa.autoscaling.knative.dev";
inline constexpr const char* kHpaClass = "hpa.autoscaling.knative.dev";

// The decider tick and the bucket width are constants in Knative (multiscaler.go tickInterval, config.go BucketSize).
inline constexpr Nanos kTickInterval = std::chrono::seconds(2);
inline constexpr Nanos kBucketSize = std::chrono::seconds(1);

// ConfigMap `config-autoscaler` (pkg/autoscaler/config/config.go). The defaults are Knative's; a platform may
// override any of them, typically shorter windows so a demo scales to zero in seconds rather than minutes.
struct AutoscalerDefaults {
    bool enableScaleToZero = true;
    double containerConcurrencyTargetFraction = 0.7;
    double containerConcurrencyTargetDefault = 100;
    double rpsTargetDefault = 200;
    double targetUtilization = 0.7;
    double maxScaleUpRate = 1000;
    double maxScaleDownRate = 2;
    double targetBurstCapacity = 211; // 211 in code since knative/serving#12774; the docs still say 200
    double activatorCapacity = 100;
    double panicWindowPercentage = 10;
    double panicThresholdPercentage = 200;
    Nanos stableWindow = std::chrono::seconds(60);
    Nanos scaleToZeroGracePeriod = std::chrono::seconds(30);
    Nanos scaleToZeroPodRetentionPeriod = Nanos{0};
    Nanos scaleDownDelay = Nanos{0};
    int initialScale = 1;
    bool allowZeroInitialScale = false;
    int minScale = 0;
    int maxScale = 0; // 0 = unbounded
    int maxScaleLimit = 0;
    Nanos progressDeadline = std::chrono::seconds(600); // config-deployment progress-deadline
    std::string podAutoscalerClass = kKpaClass;
};

// The ConfigMap's validation rules; the message names the offending key.
Status validate(const AutoscalerDefaults& defaults);
// Knative defaults overridden by ConfigMap-style entries ("stable-window": "6s", "max-scale-down-rate": "4"...).
// Unknown keys are an error so a typo in a platform file is not silently ignored.
Result<AutoscalerDefaults> autoscalerDefaultsFromMap(const std::map<std::string, std::string>& data);

// Everything the KPA decider and the PA scaler need for one revision, resolved once from annotations + defaults
// (pkg/reconciler/autoscaling/kpa/resources/decider.go MakeDecider, resources/target.go, resources/metric.go).
struct RevisionScalingConfig {
    ScalingMetric metric = ScalingMetric::Concurrency;
    AggregationAlgorithm algorithm = AggregationAlgorithm::Linear;
    int containerConcurrency = 0;
    double targetValue = 70;   // per-pod target of the metric: max(0.01, total x utilization)
    double totalValue = 100;   // per-pod capacity of the metric
    double panicThreshold = 2; // fraction: dppc / ready at or above this enters panic
    Nanos stableWindow = std::chrono::seconds(60);
    Nanos panicWindow = std::chrono::seconds(6);
    Nanos scaleDownDelay = Nanos{0};
    double targetBurstCapacity = 211; // -1 = unlimited (activator always in path), 0 = none
    double maxScaleUpRate = 1000;
    double maxScaleDownRate = 2;
    double activatorCapacity = 100;
    int minScale = 0;
    int maxScale = 0; // 0 = unbounded
    int initialScale = 1;
    int activationScale = 1;
    bool enableScaleToZero = true;
    Nanos scaleToZeroGracePeriod = std::chrono::seconds(30);
    Nanos scaleToZeroPodRetention = Nanos{0};
    Nanos activationTimeout = std::chrono::seconds(630); // progress deadline + 30s buffer (kpa/scaler.go)
};

// Resolves and validates a revision's annotations (kebab-case keys first, then the legacy camelCase ones) with its
// containerConcurrency. Errors name the annotation, e.g. "autoscaling.knative.dev/min-scale: ...".
Result<RevisionScalingConfig> resolveScalingConfig(const Annotations& annotations, int containerConcurrency,
                                                   const AutoscalerDefaults& defaults = {});

// Panic window = stable window x percentage / 100, rounded to whole seconds, at least 1s (resources/metric.go).
Nanos panicWindowFor(Nanos stableWindow, double panicWindowPercentage);

} // namespace faaswb::localplatform
