// LabelSelector: the apimachinery label selector grammar (k8s.io/apimachinery/pkg/labels/selector.go), equality- and
// set-based requirements joined by commas.
#include "localplatform/api_common.h"
#include "localplatform/object_store.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace faaswb::localplatform {
namespace {

std::string_view trim(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos)
        return {};
    const auto end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

// Commas inside "(...)" belong to a set, not to the list of requirements.
std::vector<std::string_view> splitRequirements(std::string_view text) {
    std::vector<std::string_view> parts;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
        if (text[i] == ',' && depth == 0) {
            parts.push_back(trim(text.substr(start, i - start)));
            start = i + 1;
        }
    }
    parts.push_back(trim(text.substr(start)));
    return parts;
}

bool validKey(std::string_view key) {
    if (key.empty() || key.size() > 316)
        return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/';
    });
}

bool validValue(std::string_view value) {
    return value.size() <= 63 && std::all_of(value.begin(), value.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
           });
}

kube::KubeError syntaxError(std::string_view requirement, const std::string& why) {
    return api::kubeError(400, "BadRequest",
                          "unable to parse requirement: \"" + std::string(requirement) + "\": " + why);
}

std::optional<std::vector<std::string>> parseSet(std::string_view text) {
    text = trim(text);
    if (text.size() < 2 || text.front() != '(' || text.back() != ')')
        return std::nullopt;
    std::vector<std::string> values;
    for (const auto value : splitRequirements(text.substr(1, text.size() - 2))) {
        if (!validValue(value))
            return std::nullopt;
        values.emplace_back(value);
    }
    return values;
}

const std::string* labelValue(const Json& labels, const std::string& key) {
    if (!labels.is_object())
        return nullptr;
    const auto found = labels.find(key);
    return found != labels.end() && found->is_string() ? found->get_ptr<const std::string*>() : nullptr;
}

} // namespace

kube::KubeResult<LabelSelector> LabelSelector::parse(const std::string& text) {
    LabelSelector selector;
    if (trim(text).empty())
        return selector;
    for (const auto part : splitRequirements(text)) {
        LabelSelector::Term term;
        std::size_t opAt = std::string_view::npos;
        if (!part.empty() && part.front() == '!') {
            term = {std::string(trim(part.substr(1))), Term::Op::NotExists, {}};
        } else if (const auto ne = part.find("!="); ne != std::string_view::npos) {
            term = {
                std::string(trim(part.substr(0, ne))), Term::Op::NotEquals, {std::string(trim(part.substr(ne + 2)))}};
        } else if ((opAt = part.find('=')) != std::string_view::npos) {
            const auto valueAt = part.substr(opAt + 1).starts_with("=") ? opAt + 2 : opAt + 1;
            term = {
                std::string(trim(part.substr(0, opAt))), Term::Op::Equals, {std::string(trim(part.substr(valueAt)))}};
        } else if (const auto space = part.find_first_of(" \t("); space != std::string_view::npos) {
            const auto keyText = trim(part.substr(0, space));
            const auto rest = trim(part.substr(space));
            const bool notIn = rest.starts_with("notin");
            if (!notIn && !rest.starts_with("in"))
                return syntaxError(part, "expected one of '=', '==', '!=', 'in', 'notin'");
            const auto values = parseSet(rest.substr(notIn ? 5 : 2));
            if (!values)
                return syntaxError(part, "expected a set of values like (a,b)");
            term = {std::string(keyText), notIn ? Term::Op::NotIn : Term::Op::In, *values};
        } else {
            term = {std::string(part), Term::Op::Exists, {}};
        }
        if (!validKey(term.key))
            return syntaxError(part, "invalid label key \"" + term.key + "\"");
        for (const auto& value : term.values) {
            if (!validValue(value))
                return syntaxError(part, "invalid label value \"" + value + "\"");
        }
        selector.m_terms.push_back(std::move(term));
    }
    return selector;
}

bool LabelSelector::matches(const Json& labels) const {
    return std::all_of(m_terms.begin(), m_terms.end(), [&](const Term& term) {
        const std::string* value = labelValue(labels, term.key);
        const auto inValues = [&] {
            return value && std::find(term.values.begin(), term.values.end(), *value) != term.values.end();
        };
        switch (term.op) {
        case Term::Op::Equals:
        case Term::Op::In:
            return inValues();
        case Term::Op::NotEquals:
        case Term::Op::NotIn:
            return !inValues();
        case Term::Op::Exists:
            return value != nullptr;
        case Term::Op::NotExists:
            return value == nullptr;
        }
        return false;
    });
}

} // namespace faaswb::localplatform
