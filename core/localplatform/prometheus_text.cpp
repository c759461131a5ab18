#include "localplatform/prometheus_text.h"

#include <charconv>
#include <cmath>

namespace faaswb::localplatform {

namespace {

// Metric and label names allow [a-zA-Z_:][a-zA-Z0-9_:]* (labels without ':'); anything else becomes '_', so OTel
// style names such as kn.revision.pods.desired come out as kn_revision_pods_desired.
std::string sanitizeName(const std::string& name, bool allowColon) {
    std::string out = name.empty() ? std::string("_") : name;
    for (std::size_t i = 0; i < out.size(); ++i) {
        char c = out[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allowColon && c == ':');
        bool digit = c >= '0' && c <= '9';
        if (!letter && !(digit && i > 0))
            out[i] = '_';
    }
    return out;
}

std::string escape(const std::string& value, bool quotes) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quotes)
            out += "\\\"";
        else
            out.push_back(c);
    }
    return out;
}

// Go's strconv spelling that Prometheus parsers expect: NaN, +Inf, -Inf; otherwise the shortest round-trip form.
std::string formatValue(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

std::string labelSet(const MetricLabels& labels, const std::string& le = {}) {
    if (labels.empty() && le.empty())
        return {};
    std::string out = "{";
    bool first = true;
    for (const auto& [name, value] : labels) {
        if (name == "le" && !le.empty())
            continue; // the bucket bound owns `le`
        if (!first)
            out += ',';
        first = false;
        out += sanitizeName(name, false) + "=\"" + escape(value, true) + '"';
    }
    if (!le.empty()) {
        if (!first)
            out += ',';
        out += "le=\"" + le + '"';
    }
    return out + "}";
}

} // namespace

PrometheusText::Family& PrometheusText::family(const std::string& name, const std::string& help, const char* type) {
    auto [it, inserted] = m_families.try_emplace(name);
    if (inserted) {
        m_order.push_back(name);
        it->second.help = help;
        it->second.type = type;
    }
    return it->second;
}

void PrometheusText::gauge(const std::string& name, const std::string& help, const MetricLabels& labels, double value) {
    auto metric = sanitizeName(name, true);
    family(metric, help, "gauge").samples.push_back(metric + labelSet(labels) + ' ' + formatValue(value));
}

void PrometheusText::counter(const std::string& name, const std::string& help, const MetricLabels& labels,
                             double value) {
    auto metric = sanitizeName(name, true);
    family(metric, help, "counter").samples.push_back(metric + labelSet(labels) + ' ' + formatValue(value));
}

void PrometheusText::histogram(const std::string& name, const std::string& help, const MetricLabels& labels,
                               const std::vector<double>& upperBounds, const std::vector<std::uint64_t>& bucketCounts,
                               std::uint64_t overflow, double sum) {
    auto metric = sanitizeName(name, true);
    auto& samples = family(metric, help, "histogram").samples;
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < upperBounds.size(); ++i) {
        cumulative += i < bucketCounts.size() ? bucketCounts[i] : 0;
        samples.push_back(metric + "_bucket" + labelSet(labels, formatValue(upperBounds[i])) + ' ' +
                          std::to_string(cumulative));
    }
    // Counts beyond the declared bounds (a caller's mismatch) still belong to the total.
    for (std::size_t i = upperBounds.size(); i < bucketCounts.size(); ++i)
        cumulative += bucketCounts[i];
    cumulative += overflow;
    samples.push_back(metric + "_bucket" + labelSet(labels, "+Inf") + ' ' + std::to_string(cumulative));
    samples.push_back(metric + "_sum" + labelSet(labels) + ' ' + formatValue(sum));
    samples.push_back(metric + "_count" + labelSet(labels) + ' ' + std::to_string(cumulative));
}

std::string PrometheusText::str() const {
    std::string out;
    for (const auto& name : m_order) {
        const auto& family = m_families.at(name);
        out += "# HELP " + name + ' ' + escape(family.help, false) + '\n';
        out += "# TYPE " + name + ' ' + family.type + '\n';
        for (const auto& sample : family.samples)
            out += sample + '\n';
    }
    return out;
}

} // namespace faaswb::localplatform
