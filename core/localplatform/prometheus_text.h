// Prometheus text exposition format 0.0.4 (one HELP and TYPE line per family, label values escaped, histogram
// buckets cumulative with le="+Inf", _sum and _count). The local platform renders /metrics with it. Plain value;
// thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace faaswb::localplatform {

using MetricLabels = std::map<std::string, std::string>;

class PrometheusText {
public:
    void gauge(const std::string& name, const std::string& help, const MetricLabels& labels, double value);
    void counter(const std::string& name, const std::string& help, const MetricLabels& labels, double value);
    // `upperBounds` ascending; `bucketCounts` per bound, not cumulative (this class accumulates);
    // `overflow` counts observations above the last bound.
    void histogram(const std::string& name, const std::string& help, const MetricLabels& labels,
                   const std::vector<double>& upperBounds, const std::vector<std::uint64_t>& bucketCounts,
                   std::uint64_t overflow, double sum);
    std::string str() const; // families in first-added order
    static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    struct Family {
        std::string help;
        std::string type;
        std::vector<std::string> samples;
    };
    Family& family(const std::string& name, const std::string& help, const char* type);
    std::vector<std::string> m_order;
    std::map<std::string, Family> m_families;
};

} // namespace faaswb::localplatform
