#include "localplatform/api_http.h"

#include <cctype>
#include <utility>

namespace faaswb::localplatform::api {
namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

} // namespace

std::string percentDecode(std::string_view text) {
    std::string result;
    result.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0) {
            result += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
            i += 2;
        } else {
            result += text[i] == '+' ? ' ' : text[i];
        }
    }
    return result;
}

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
