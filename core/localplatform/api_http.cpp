#include "localplatform/api_http.h"

#include "common/encoding.h"
#include "localplatform/http_detail.h"

#include <cctype>
#include <utility>

namespace faaswb::localplatform::api {

std::string percentDecode(std::string_view text) { return detail::percentDecode(text, true); }

std::map<std::string, std::string> parseQuery(std::string_view query) {
    std::map<std::string, std::string> result;
    while (!query.empty()) {
        const auto end = query.find('&');
        const auto pair = query.substr(0, end);
        const auto equals = pair.find('=');
        if (!pair.empty())
            result[percentDecode(pair.substr(0, equals))] =
                equals == std::string_view::npos ? std::string() : percentDecode(pair.substr(equals + 1));
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    }
    return result;
}

std::string headerValue(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (equalsIgnoringCase(key, name))
            return value;
    }
    return {};
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) // the length of a random token is no secret
        return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

HttpResponse jsonReply(int status, const nlohmann::json& body) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

nlohmann::json statusObject(const kube::ApiStatus& status) {
    nlohmann::json object{{"kind", "Status"},       {"apiVersion", "v1"},        {"metadata", nlohmann::json::object()},
                          {"status", "Failure"},    {"message", status.message}, {"reason", status.reason},
                          {"code", status.httpCode}};
    if (!status.details.is_null())
        object["details"] = status.details;
    return object;
}

HttpResponse statusReply(const kube::ApiStatus& status) {
    return jsonReply(status.httpCode, statusObject(status));
}

HttpResponse statusReply(int code, std::string reason, std::string message) {
    kube::ApiStatus status;
    status.httpCode = code;
    status.reason = std::move(reason);
    status.message = std::move(message);
    return statusReply(status);
}

} // namespace faaswb::localplatform::api
