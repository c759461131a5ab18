// Command-line argument parsing for the subcommands: --name value, --name=value, repeatable options, flags and
// positionals, with "did you mean" for unknown options. Pure; used from main() only.
#pragma once

#include "common/result.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::cli {

struct OptionSpec {
    std::string name;      // without the leading dashes
    std::string valueName; // empty for a flag
    std::string help;
    bool repeatable = false;
};

struct CommandSpec {
    std::string name;
    std::string synopsis;                 // "FILE [--db PATH] ..."
    std::string summary;                  // one line
    std::vector<std::string> positionals; // names of positionals, in order; a trailing "?" marks an optional one
    std::vector<OptionSpec> options;
};

class Arguments {
public:
    static Result<Arguments> parse(const CommandSpec& spec, const std::vector<std::string>& args);

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

private:
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positionals;
};

std::string helpText(const CommandSpec& spec);

} // namespace faaswb::cli
