// Zipkin v2 span JSON (openzipkin zipkin2-api.yaml) <-> trace::Span, and OTLP/HTTP JSON -> trace::Span. Used by the
// local platform's Zipkin API and by adapters that fetch spans from a Zipkin server. Pure functions; thread-safe.
#pragma once

#include "common/result.h"
#include "trace/span.h"

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

namespace faaswb::trace {

nlohmann::json toZipkinJson(const Span& span);
nlohmann::json toZipkinJson(const std::vector<Span>& spans); // a JSON array

// A JSON array of Zipkin v2 spans (the body of POST /api/v2/spans). Errors name the offending element and field,
// e.g. "span 3: traceId: expected 16 or 32 lowercase hex characters". Ids are lower-cased; duration < 1 becomes 1.
Result<std::vector<Span>> parseZipkinSpans(std::string_view body);
Result<Span> spanFromZipkinJson(const nlohmann::json& span);

// An OTLP/HTTP JSON ExportTraceServiceRequest ({"resourceSpans": [...]}) converted to Zipkin-shaped spans.
Result<std::vector<Span>> parseOtlpJson(std::string_view body);

} // namespace faaswb::trace
