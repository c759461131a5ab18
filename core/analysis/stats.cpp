#include "analysis/stats.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <vector>

namespace faaswb::analysis {
namespace {

constexpr double kConfidence = 0.95;

// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). Our own because glibc's lgamma writes the
// global `signgam`, which would make these pure functions racy.
double logGamma(double x) {
    static constexpr double kCoefficients[] = {0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
                                               771.32342877765313,   -176.61502916214059,   12.507343278686905,
                                               -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    if (x < 0.5) // reflection: Γ(x) Γ(1 - x) = π / sin(πx)
        return std::log(std::numbers::pi / std::abs(std::sin(std::numbers::pi * x))) - logGamma(1 - x);
    x -= 1;
    double sum = kCoefficients[0];
    for (int i = 1; i < 9; ++i)
        sum += kCoefficients[i] / (x + i);
    const double t = x + 7.5;
    return 0.5 * std::log(2 * std::numbers::pi) + (x + 0.5) * std::log(t) - t + std::log(sum);
}

// Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes §6.4).
double betaContinuedFraction(double a, double b, double x) {
    constexpr double kTiny = 1e-300;
    constexpr double kEpsilon = 1e-15;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (std::abs(d) < kTiny ? kTiny : d);
    double h = d;
    for (int m = 1; m <= 1000; ++m) {
        for (const double numerator : {m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                                       -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))}) {
            d = 1 + numerator * d;
            d = 1 / (std::abs(d) < kTiny ? kTiny : d);
            c = 1 + numerator / c;
            c = std::abs(c) < kTiny ? kTiny : c;
            h *= d * c;
        }
        if (std::abs(d * c - 1) < kEpsilon)
            break;
    }
    return h;
}

// The regularized incomplete beta function I_x(a, b).
double regularizedBeta(double a, double b, double x) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double front = std::exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * std::log(x) + b * std::log1p(-x));
    // The continued fraction converges fast below the mean (a+1)/(a+b+2); above it use I_x(a,b) = 1 - I_{1-x}(b,a).
    if (x < (a + 1) / (a + b + 2))
        return front * betaContinuedFraction(a, b, x) / a;
    return 1 - front * betaContinuedFraction(b, a, 1 - x) / b;
}

// P(T <= t) for t >= 0 and ν degrees of freedom: 1 - I_{ν/(ν+t²)}(ν/2, 1/2) / 2.
double studentTCdfUpper(double t, double nu) {
    return 1 - 0.5 * regularizedBeta(nu / 2, 0.5, nu / (nu + t * t));
}

double medianOfSorted(const std::vector<double>& sorted) {
    const std::size_t mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// The largest rank j (1-based) such that [x_(j), x_(n+1-j)] covers the median with probability
// P(j <= B <= n-j) = 1 - 2 P(B <= j-1) >= 95%, B ~ Binomial(n, 1/2) (Le Boudec, Performance Evaluation, Thm 2.1 and
// Table A.1). 0 when no pair reaches it (n < 6).
int medianCiRank(int n) {
    const double tail = (1 - kConfidence) / 2;
    const double logHalfPowerN = -n * std::numbers::ln2;
    double cdf = 0; // P(B <= i)
    int rank = 0;
    for (int i = 0; i < n; ++i) {
        cdf += std::exp(logGamma(n + 1.0) - logGamma(i + 1.0) - logGamma(n - i + 1.0) + logHalfPowerN);
        if (cdf > tail + 1e-12)
            break;
        rank = i + 1; // P(B <= rank-1) <= tail
    }
    return rank;
}

void addMeanInterval(SampleStats& stats, const std::vector<double>& values) {
    const double squares = std::accumulate(values.begin(), values.end(), 0.0, [&](double sum, double v) {
        return sum + (v - stats.mean) * (v - stats.mean);
    });
    stats.stddev = std::sqrt(squares / (stats.n - 1));
    const double halfWidth = studentTQuantile(1 - (1 - kConfidence) / 2, stats.n - 1) * *stats.stddev /
                             std::sqrt(static_cast<double>(stats.n));
    stats.meanCiLow = stats.mean - halfWidth;
    stats.meanCiHigh = stats.mean + halfWidth;
}

} // namespace

double studentTQuantile(double p, int degreesOfFreedom) {
    if (!(p > 0 && p < 1) || degreesOfFreedom < 1)
        return std::nan("");
    if (p == 0.5)
        return 0;
    if (p < 0.5)
        return -studentTQuantile(1 - p, degreesOfFreedom);
    const double nu = degreesOfFreedom;
    double low = 0;
    double high = 1;
    while (studentTCdfUpper(high, nu) < p && high < 1e300)
        high *= 2;
    // Bisection: the CDF is monotonic, and 200 halvings reach the resolution of a double.
    for (int i = 0; i < 200 && high - low > 1e-13 * high; ++i) {
        const double mid = (low + high) / 2;
        (studentTCdfUpper(mid, nu) < p ? low : high) = mid;
    }
    return (low + high) / 2;
}

SampleStats describeSample(std::span<const double> values) {
    std::vector<double> sorted;
    sorted.reserve(values.size());
    std::copy_if(values.begin(), values.end(), std::back_inserter(sorted), [](double v) { return std::isfinite(v); });
    SampleStats stats;
    if (sorted.empty())
        return stats;
    std::sort(sorted.begin(), sorted.end());
    stats.n = static_cast<int>(sorted.size());
    stats.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / stats.n;
    stats.median = medianOfSorted(sorted);
    stats.min = sorted.front();
    stats.max = sorted.back();
    if (stats.n >= 2)
        addMeanInterval(stats, sorted);
    if (const int rank = medianCiRank(stats.n); rank >= 1) {
        stats.medianCiLow = sorted[rank - 1];
        stats.medianCiHigh = sorted[stats.n - rank];
    }
    return stats;
}

} // namespace faaswb::analysis
