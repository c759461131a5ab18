// Path-based edits of an experiment's YAML node tree ("benchmarks[0].autoscaling.target"): lookup, set (creating
// maps and sequences on the way, new keys in a readable order), remove, QVariant conversion, and a text splice that
// replaces one scalar in place so comments and flow style survive the common edit. Pure functions; any thread.
#pragma once

#include <QString>
#include <QVariant>
#include <optional>
#include <variant>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace faaswb::ui::yamledit {

using Segment = std::variant<QString, int>; // a map key or a sequence index
std::optional<std::vector<Segment>> parsePath(const QString& path);

// The node at `path`, or an invalid node (IsDefined() false) when absent. Never modifies `root`.
YAML::Node find(const YAML::Node& root, const std::vector<Segment>& path);

// Sets (or, for an invalid QVariant, removes) the value at `path` in `root`, which must be a deep copy the caller
// owns. Returns false when the path runs through a scalar.
bool assign(YAML::Node& root, const std::vector<Segment>& path, const QVariant& value);

YAML::Node toNode(const QVariant& value);   // numbers stay numbers, lists become sequences
QVariant toVariant(const YAML::Node& node); // scalars as int/double/bool/QString, sequences of scalars as lists
QString emitText(const YAML::Node& root);   // block style, two-space indent, ends with a newline
// Where a key goes among its siblings when the form adds it: the order a person would write them in.
int keyRank(const std::string& key);
// The end of the scalar starting at `start` in `text`: after its closing quote, or before a comment / line end (and,
// in a flow collection, before ',', ']' or '}'); -1 for an unterminated quoted scalar.
qsizetype scalarEnd(const QByteArray& text, qsizetype start, bool flow);

// Replaces the scalar at `path` in `text` with `value` without touching anything else; nullopt when the edit is not
// a plain scalar-for-scalar swap (the caller then re-emits the whole tree).
std::optional<QString> spliceScalar(const QString& text, const YAML::Node& root, const std::vector<Segment>& path,
                                    const QVariant& value);

// The general form for a key of an existing map: replaces a scalar or flow-style value, removes a one-line entry
// (invalid `value`), or adds a new key on its own line after the key that precedes it in the readable order (in a
// flow map: before its '}'). The result is accepted only when it parses to `expected`; nullopt otherwise.
std::optional<QString> spliceKey(const QString& text, const YAML::Node& root, const std::vector<Segment>& path,
                                 const QVariant& value, const YAML::Node& expected);

} // namespace faaswb::ui::yamledit
