#include "model/env_expand.h"

#include <cctype>
#include <cstdlib>

namespace faaswb::model {
namespace {

bool isValidName(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            return false;
    return true;
}

// The text between "${" and its "}": a name, optionally followed by ":-" and a default.
Result<std::string> expandReference(std::string_view reference) {
    const std::size_t separator = reference.find(":-");
    const std::string name(reference.substr(0, separator));
    if (!isValidName(name))
        return invalidInput("invalid environment variable name '" + name + "' in '${" + std::string(reference) + "}'");
    const char* value = std::getenv(name.c_str());
    if (separator == std::string_view::npos) {
        if (!value)
            return invalidInput("environment variable '" + name + "' is not set (write ${" + name +
                                ":-default} to give a default)");
        return std::string(value);
    }
    return value && *value ? std::string(value) : std::string(reference.substr(separator + 2));
}

} // namespace

Result<std::string> expandEnvironment(std::string_view text) {
    std::string expanded;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = text.find("${", pos);
        if (start == std::string_view::npos)
            break;
        const bool escaped = start > pos && text[start - 1] == '$';
        expanded += text.substr(pos, start - pos - (escaped ? 1 : 0));
        if (escaped) {
            expanded += "${";
            pos = start + 2;
            continue;
        }
        const std::size_t end = text.find('}', start);
        if (end == std::string_view::npos)
            return invalidInput("unterminated '${' in '" + std::string(text) +
                                "' (expected ${NAME} or ${NAME:-default})");
        auto value = expandReference(text.substr(start + 2, end - start - 2));
        if (!value)
            return value.error();
        expanded += *value;
        pos = end + 1;
    }
    expanded += text.substr(std::min(pos, text.size()));
    return expanded;
}

} // namespace faaswb::model
