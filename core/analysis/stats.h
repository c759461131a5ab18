// Descriptive statistics of repeated measurements, as SeBS reports them: mean with a Student-t 95% confidence
// interval, and median with a non-parametric (binomial order-statistic) 95% confidence interval. Pure functions.
#pragma once

#include <optional>
#include <span>

namespace faaswb::analysis {

struct SampleStats {
    int n = 0;
    double mean = 0;
    double median = 0;
    double min = 0;
    double max = 0;
    std::optional<double> stddev;    // sample standard deviation; n >= 2
    std::optional<double> meanCiLow; // Student-t 95% CI of the mean; n >= 2
    std::optional<double> meanCiHigh;
    std::optional<double> medianCiLow;  // order statistics whose binomial coverage is >= 95%; nullopt when n is too
    std::optional<double> medianCiHigh; // small for any such pair (n < 6)
};

// Of the finite values in `values` (NaN/inf ignored); n = 0 gives a zeroed SampleStats.
SampleStats describeSample(std::span<const double> values);

// The p-quantile (0 < p < 1) of Student's t distribution with `degreesOfFreedom` >= 1.
double studentTQuantile(double p, int degreesOfFreedom);

} // namespace faaswb::analysis
