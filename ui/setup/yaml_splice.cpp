// yamledit::spliceKey: key-level text edits that keep the rest of the file (comments, flow style) byte for byte.
#include "ui/setup/yaml_edit.h"

namespace faaswb::ui::yamledit {
namespace {

struct Entry {
    YAML::Node key;
    YAML::Node value;
};

// Where a flow collection starting at `start` ends (after its closing bracket); -1 when unbalanced.
qsizetype flowEnd(const QByteArray& text, qsizetype start) {
    int depth = 0;
    char quote = 0;
    for (qsizetype i = start; i < text.size(); ++i) {
        const char c = text.at(i);
        if (quote) {
            if (c == '\\' && quote == '"')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && --depth == 0) {
            return i + 1;
        }
    }
    return -1;
}

// The byte range of a value written on one line (a scalar or a flow collection); nullopt for block values.
std::optional<std::pair<qsizetype, qsizetype>> inlineValue(const QByteArray& text, const YAML::Node& value,
                                                           bool flowParent) {
    const qsizetype start = value.Mark().pos;
    if (start < 0 || start >= text.size() || value.IsNull())
        return std::nullopt;
    const char first = text.at(start);
    if (value.IsScalar() && first != '|' && first != '>') {
        const qsizetype end = scalarEnd(text, start, flowParent);
        return end > start ? std::optional(std::pair(start, end)) : std::nullopt;
    }
    if ((value.IsMap() || value.IsSequence()) && value.Style() == YAML::EmitterStyle::Flow &&
        (first == '[' || first == '{')) {
        const qsizetype end = flowEnd(text, start);
        return end > start ? std::optional(std::pair(start, end)) : std::nullopt;
    }
    return std::nullopt;
}

qsizetype lineStart(const QByteArray& text, qsizetype pos) {
    return text.lastIndexOf('\n', pos - 1) + 1;
}

qsizetype lineEnd(const QByteArray& text, qsizetype pos) {
    const qsizetype end = text.indexOf('\n', pos);
    return end < 0 ? text.size() : end;
}

bool onlySpacesBefore(const QByteArray& text, qsizetype pos) {
    for (qsizetype i = lineStart(text, pos); i < pos; ++i)
        if (text.at(i) != ' ')
            return false;
    return true;
}

std::optional<QByteArray> flowText(const QVariant& value) {
    YAML::Emitter out;
    out << YAML::Flow << YAML::BeginSeq << toNode(value) << YAML::EndSeq;
    const QByteArray text(out.c_str());
    if (!out.good() || text.size() < 3 || !text.startsWith('[') || !text.endsWith(']') || text.contains('\n'))
        return std::nullopt;
    return text.mid(1, text.size() - 2);
}

std::optional<QByteArray> removeEntry(const QByteArray& text, const Entry& entry, bool flow) {
    const auto range = inlineValue(text, entry.value, flow);
    const qsizetype keyStart = entry.key.Mark().pos;
    if (!range || keyStart < 0)
        return std::nullopt;
    if (!flow) {
        if (!onlySpacesBefore(text, keyStart) || lineEnd(text, keyStart) < range->second)
            return std::nullopt;
        const qsizetype start = lineStart(text, keyStart);
        return text.left(start) + text.mid(std::min(text.size(), lineEnd(text, keyStart) + 1));
    }
    qsizetype end = range->second;
    while (end < text.size() && text.at(end) == ' ')
        ++end;
    if (end < text.size() && text.at(end) == ',') {
        for (++end; end < text.size() && text.at(end) == ' ';)
            ++end;
        return text.left(keyStart) + text.mid(end);
    }
    qsizetype start = keyStart;
    while (start > 0 && text.at(start - 1) == ' ')
        --start;
    if (start > 0 && text.at(start - 1) == ',')
        --start;
    return text.left(start) + text.mid(range->second);
}

std::optional<QByteArray> insertEntry(const QByteArray& text, const YAML::Node& map, const std::vector<Entry>& entries,
                                      const std::string& key, const QByteArray& valueText) {
    const QByteArray line = QByteArray::fromStdString(key) + ": " + valueText;
    const qsizetype mapStart = map.Mark().pos;
    if (map.Style() == YAML::EmitterStyle::Flow) {
        for (const Entry& entry : entries)
            if (keyRank(entry.key.Scalar()) > keyRank(key) && entry.key.Mark().pos > mapStart)
                return text.left(entry.key.Mark().pos) + line + ", " + text.mid(entry.key.Mark().pos);
        const qsizetype end = mapStart >= 0 ? flowEnd(text, mapStart) : -1;
        if (end < 0)
            return std::nullopt;
        qsizetype at = end - 1;
        while (at > mapStart + 1 && text.at(at - 1) == ' ')
            --at;
        return text.left(at) + (entries.empty() ? line : ", " + line) + text.mid(at);
    }
    const Entry* anchor = nullptr;
    for (const Entry& entry : entries)
        if (keyRank(entry.key.Scalar()) <= keyRank(key))
            anchor = &entry;
    const auto range = anchor ? inlineValue(text, anchor->value, false) : std::nullopt;
    if (!range || lineEnd(text, anchor->key.Mark().pos) < range->second)
        return std::nullopt;
    const qsizetype at = lineEnd(text, range->second);
    return text.left(at) + '\n' + QByteArray(anchor->key.Mark().column, ' ') + line + text.mid(at);
}

} // namespace

std::optional<QString> spliceKey(const QString& text, const YAML::Node& root, const std::vector<Segment>& path,
                                 const QVariant& value, const YAML::Node& expected) {
    if (path.empty() || !std::holds_alternative<QString>(path.back()))
        return std::nullopt;
    const YAML::Node map = find(root, std::vector<Segment>(path.begin(), path.end() - 1));
    if (!map.IsDefined() || !map.IsMap())
        return std::nullopt;
    const std::string key = std::get<QString>(path.back()).toStdString();
    const bool flow = map.Style() == YAML::EmitterStyle::Flow;
    std::vector<Entry> entries;
    const Entry* existing = nullptr;
    for (const auto& item : map)
        entries.push_back({item.first, item.second});
    for (const Entry& entry : entries)
        if (entry.key.Scalar() == key)
            existing = &entry;
    const QByteArray bytes = text.toUtf8();
    std::optional<QByteArray> edited;
    if (!value.isValid()) {
        edited = existing ? removeEntry(bytes, *existing, flow) : std::nullopt;
    } else if (const auto valueText = flowText(value)) {
        if (!existing) {
            edited = insertEntry(bytes, map, entries, key, *valueText);
        } else if (const auto range = inlineValue(bytes, existing->value, flow)) {
            edited = bytes.left(range->first) + *valueText + bytes.mid(range->second);
        }
    }
    if (!edited)
        return std::nullopt;
    try {
        if (toVariant(YAML::Load(edited->toStdString())) != toVariant(expected))
            return std::nullopt;
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
    return QString::fromUtf8(*edited);
}

} // namespace faaswb::ui::yamledit
