#include "cli/arguments.h"

#include "common/suggest.h"

#include <algorithm>
#include <sstream>

namespace faaswb::cli {
namespace {

const OptionSpec* findOption(const CommandSpec& spec, const std::string& name) {
    auto it = std::find_if(spec.options.begin(), spec.options.end(), [&](const auto& o) { return o.name == name; });
    return it == spec.options.end() ? nullptr : &*it;
}

Error unknownOption(const CommandSpec& spec, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& option : spec.options)
        names.push_back(option.name);
    const auto match = closestMatch(name, names);
    return invalidInput(spec.name + ": unknown option '--" + name + "'" +
                        (match ? " (did you mean '--" + *match + "'?)" : std::string()) + "; see 'faas-workbench " +
                        spec.name + " --help'");
}

} // namespace

Result<Arguments> Arguments::parse(const CommandSpec& spec, const std::vector<std::string>& args) {
    Arguments parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 3 || arg.rfind("--", 0) != 0) {
            parsed.m_positionals.push_back(arg);
            continue;
        }
        const auto equals = arg.find('=');
        const std::string name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        const OptionSpec* option = findOption(spec, name);
        if (!option)
            return unknownOption(spec, name);
        if (parsed.has(name) && !option->repeatable)
            return invalidInput(spec.name + ": option '--" + name + "' given more than once");
        if (option->valueName.empty()) {
            if (equals != std::string::npos)
                return invalidInput(spec.name + ": option '--" + name + "' takes no value");
            parsed.m_values[name].push_back("");
        } else if (equals != std::string::npos) {
            parsed.m_values[name].push_back(arg.substr(equals + 1));
        } else if (i + 1 < args.size()) {
            parsed.m_values[name].push_back(args[++i]);
        } else {
            return invalidInput(spec.name + ": option '--" + name + "' needs a value (" + option->valueName + ")");
        }
    }
    const auto required = static_cast<std::size_t>(
        std::count_if(spec.positionals.begin(), spec.positionals.end(),
                      [](const std::string& name) { return name.empty() || name.back() != '?'; }));
    if (parsed.m_positionals.size() < required)
        return invalidInput(spec.name + ": missing " + spec.positionals[parsed.m_positionals.size()] +
                            "; usage: faas-workbench " + spec.name + " " + spec.synopsis);
    if (parsed.m_positionals.size() > spec.positionals.size())
        return invalidInput(spec.name + ": unexpected argument '" + parsed.m_positionals[spec.positionals.size()] +
                            "'; usage: faas-workbench " + spec.name + " " + spec.synopsis);
    return parsed;
}

std::optional<std::string> Arguments::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Arguments::values(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::string helpText(const CommandSpec& spec) {
    std::ostringstream out;
    out << "usage: faas-workbench " << spec.name << " " << spec.synopsis << "\n\n" << spec.summary << "\n";
    if (!spec.options.empty())
        out << "\noptions:\n";
    for (const auto& option : spec.options) {
        std::string left = "--" + option.name + (option.valueName.empty() ? "" : " " + option.valueName);
        left.resize(std::max<std::size_t>(left.size() + 2, 26), ' ');
        out << "  " << left << option.help << "\n";
    }
    out << "  --help                  show this help\n";
    return out.str();
}

} // namespace faaswb::cli
