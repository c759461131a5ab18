#include "kube/api_status.h"

#include <array>
#include <string_view>
#include <utility>

namespace faaswb::kube {
namespace {

struct ReasonName {
    std::string_view name;
    StatusReason reason;
};

constexpr std::array<ReasonName, 15> reasonNames{{
    {"BadRequest", StatusReason::BadRequest},
    {"Unauthorized", StatusReason::Unauthorized},
    {"Forbidden", StatusReason::Forbidden},
    {"NotFound", StatusReason::NotFound},
    {"MethodNotAllowed", StatusReason::MethodNotAllowed},
    {"AlreadyExists", StatusReason::AlreadyExists},
    {"Conflict", StatusReason::Conflict},
    {"Gone", StatusReason::Gone},
    {"Expired", StatusReason::Gone},
    {"Invalid", StatusReason::Invalid},
    {"TooManyRequests", StatusReason::TooManyRequests},
    {"InternalError", StatusReason::InternalError},
    {"ServiceUnavailable", StatusReason::ServiceUnavailable},
    {"Timeout", StatusReason::Timeout},
    {"ServerTimeout", StatusReason::Timeout},
}};

// What the apiserver would have said for a bare HTTP code (apimachinery's errors.NewGenericServerResponse).
constexpr std::array<std::pair<int, StatusReason>, 12> codeReasons{{
    {400, StatusReason::BadRequest},
    {401, StatusReason::Unauthorized},
    {403, StatusReason::Forbidden},
    {404, StatusReason::NotFound},
    {405, StatusReason::MethodNotAllowed},
    {409, StatusReason::Conflict},
    {410, StatusReason::Gone},
    {422, StatusReason::Invalid},
    {429, StatusReason::TooManyRequests},
    {500, StatusReason::InternalError},
    {503, StatusReason::ServiceUnavailable},
    {504, StatusReason::Timeout},
}};

StatusReason reasonForCode(int httpCode) {
    for (const auto& [code, reason] : codeReasons) {
        if (code == httpCode)
            return reason;
    }
    return StatusReason::Unknown;
}

std::string nameOf(StatusReason reason) {
    for (const auto& entry : reasonNames) {
        if (entry.reason == reason)
            return std::string(entry.name);
    }
    return {};
}

std::string stringOr(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

} // namespace

StatusReason ApiStatus::kind() const {
    for (const auto& entry : reasonNames) {
        if (entry.name == reason)
            return entry.reason;
    }
    return reasonForCode(httpCode);
}

ApiStatus ApiStatus::fromStatusObject(const nlohmann::json& status, int httpCode) {
    ApiStatus result;
    result.httpCode = httpCode;
    if (status.is_object()) {
        if (const auto code = status.find("code"); code != status.end() && code->is_number_integer() && *code != 0)
            result.httpCode = code->get<int>();
        result.reason = stringOr(status, "reason");
        result.message = stringOr(status, "message");
        if (const auto details = status.find("details"); details != status.end())
            result.details = *details;
    }
    if (result.reason.empty())
        result.reason = nameOf(reasonForCode(result.httpCode));
    return result;
}

} // namespace faaswb::kube
