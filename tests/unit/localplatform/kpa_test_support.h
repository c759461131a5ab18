// Helpers shared by the KPA test suites: whole-second test times, configs that must resolve, and stats.
// Used from the test's main thread.
#pragma once

#include "localplatform/autoscaler.h"
#include "localplatform/autoscaler_config.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace faaswb::localplatform::test {

// An even number of seconds after the clock's epoch, so the 2s slots of the delay window start at t = 0, 2, 4...
inline const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);

inline TimePoint at(int seconds) {
    return kT0 + std::chrono::seconds(seconds);
}

// "min-scale=2;window=6s" -> {"autoscaling.knative.dev/min-scale": "2", ...}
inline Annotations annotations(const QString& spec) {
    Annotations out;
    for (const QString& pair : spec.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const auto parts = pair.split(QLatin1Char('='));
        out["autoscaling.knative.dev/" + parts.value(0).toStdString()] = parts.value(1).toStdString();
    }
    return out;
}

inline RevisionScalingConfig resolved(const Annotations& annotations = {}, int containerConcurrency = 0,
                                      const AutoscalerDefaults& defaults = {}) {
    auto config = resolveScalingConfig(annotations, containerConcurrency, defaults);
    if (!config.ok())
        qFatal("test config does not resolve: %s", config.error().message.c_str());
    return *config;
}

inline Stat concurrencyStat(double concurrency) {
    Stat stat;
    stat.averageConcurrency = concurrency;
    return stat;
}

// Windows shortened the way a demo platform would: stable window 6s (panic window 1s), grace period 2s.
inline AutoscalerDefaults shortWindows() {
    AutoscalerDefaults defaults;
    defaults.stableWindow = std::chrono::seconds(6);
    defaults.scaleToZeroGracePeriod = std::chrono::seconds(2);
    return defaults;
}

} // namespace faaswb::localplatform::test
