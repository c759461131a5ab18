#include "localplatform/api_common.h"

#include <utility>

namespace faaswb::localplatform::api {

kube::KubeError kubeError(int httpCode, std::string reason, std::string message) {
    const bool userError = httpCode == 400 || httpCode == 422;
    Error error{userError ? ErrorCode::InvalidInput : ErrorCode::Platform, message};
    kube::ApiStatus status;
    status.httpCode = httpCode;
    status.reason = std::move(reason);
    status.message = std::move(message);
    return {std::move(error), std::move(status)};
}

std::string qualifiedName(const ResourceType& type) {
    return type.group.empty() ? type.plural : type.plural + "." + type.group;
}

kube::KubeError notFound(const ResourceType& type, const std::string& name) {
    auto result = kubeError(404, "NotFound", qualifiedName(type) + " \"" + name + "\" not found");
    result.status.details = {{"name", name}, {"group", type.group}, {"kind", type.plural}};
    return result;
}

bool isDns1123Label(std::string_view text) {
    if (text.empty() || text.size() > 63)
        return false;
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    for (const char c : text) {
        if (!alnum(c) && c != '-')
            return false;
    }
    return alnum(text.front()) && alnum(text.back());
}

const Json& metadataOf(const Json& object) {
    static const Json null;
    if (!object.is_object())
        return null;
    const auto found = object.find("metadata");
    return found != object.end() && found->is_object() ? *found : null;
}

std::string stringAt(const Json& object, const char* key) {
    if (!object.is_object())
        return {};
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

} // namespace faaswb::localplatform::api
