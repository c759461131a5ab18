#include "ui/setup/yaml_edit.h"

#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <array>

namespace faaswb::ui::yamledit {
namespace {

// One order for every section: keys the form adds land where a person would write them.
constexpr std::array kKeyOrder{"name",
                               "type",
                               "id",
                               "platform",
                               "platforms",
                               "url",
                               "kubeconfig",
                               "context",
                               "namespace",
                               "languages",
                               "size",
                               "input",
                               "method",
                               "path",
                               "headers",
                               "containerConcurrency",
                               "timeoutSeconds",
                               "memory",
                               "env",
                               "autoscaling",
                               "metric",
                               "target",
                               "targetUtilizationPercentage",
                               "window",
                               "panicWindowPercentage",
                               "panicThresholdPercentage",
                               "minScale",
                               "maxScale",
                               "initialScale",
                               "activationScale",
                               "scaleDownDelay",
                               "scaleToZeroPodRetention",
                               "targetBurstCapacity",
                               "rate",
                               "from",
                               "to",
                               "for",
                               "connections",
                               "thinkTime",
                               "duration",
                               "warmup",
                               "stages",
                               "poisson",
                               "requests",
                               "repetitions",
                               "timeout",
                               "threads",
                               "benchmarks",
                               "scenarios",
                               "settings"};

YAML::Node child(const YAML::Node& node, const Segment& segment) {
    if (const QString* key = std::get_if<QString>(&segment)) {
        if (!node.IsMap())
            return YAML::Node(YAML::NodeType::Undefined);
        const YAML::Node& constNode = node;
        return constNode[key->toStdString()];
    }
    const int index = std::get<int>(segment);
    if (!node.IsSequence() || index < 0 || static_cast<std::size_t>(index) >= node.size())
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& constNode = node;
    return constNode[static_cast<std::size_t>(index)];
}

// Adds `key` to a map in place; a new key goes before the first existing key that ranks after it.
void insertOrdered(YAML::Node map, const std::string& key, const YAML::Node& value) {
    const YAML::Node& constMap = map;
    if (constMap.IsMap() && constMap[key].IsDefined() && !constMap[key].IsNull()) {
        map[key] = value;
        return;
    }
    // Never shift YAML::Node values inside a container: their operator= writes through to the node they refer to.
    YAML::Node rebuilt(YAML::NodeType::Map);
    rebuilt.SetStyle(map.Style());
    bool placed = false;
    for (const auto& entry : map) {
        const std::string& name = entry.first.Scalar();
        if (name == key)
            continue;
        if (!placed && keyRank(name) > keyRank(key)) {
            rebuilt.force_insert(key, value);
            placed = true;
        }
        rebuilt.force_insert(name, entry.second);
    }
    if (!placed)
        rebuilt.force_insert(key, value);
    map = rebuilt;
}

bool removeAt(YAML::Node parent, const Segment& segment) {
    if (const QString* key = std::get_if<QString>(&segment))
        return !parent.IsMap() || parent.remove(key->toStdString()) || true;
    const int index = std::get<int>(segment);
    if (!parent.IsSequence())
        return true;
    YAML::Node rebuilt(YAML::NodeType::Sequence);
    rebuilt.SetStyle(parent.Style());
    for (std::size_t i = 0; i < parent.size(); ++i)
        if (static_cast<int>(i) != index)
            rebuilt.push_back(parent[i]);
    parent = rebuilt;
    return true;
}

bool setAt(YAML::Node parent, const Segment& segment, const YAML::Node& value) {
    if (const QString* key = std::get_if<QString>(&segment)) {
        if (!parent.IsMap() && !parent.IsNull())
            return false;
        insertOrdered(parent, key->toStdString(), value);
        return true;
    }
    const auto index = static_cast<std::size_t>(std::get<int>(segment));
    if (!parent.IsSequence() && !parent.IsNull())
        return false;
    if (index == (parent.IsNull() ? 0 : parent.size()))
        parent.push_back(value);
    else if (index < parent.size())
        parent[index] = value;
    else
        return false;
    return true;
}

std::optional<QByteArray> flowScalarText(const QVariant& value) {
    YAML::Emitter out;
    out << YAML::Flow << YAML::BeginSeq << toNode(value) << YAML::EndSeq;
    const QByteArray text(out.c_str());
    if (!out.good() || text.size() < 3 || !text.startsWith('[') || !text.endsWith(']'))
        return std::nullopt;
    return text.mid(1, text.size() - 2);
}

bool isScalarValue(const QVariant& value) {
    const auto type = value.metaType().id();
    return value.isValid() && type != QMetaType::QStringList && type != QMetaType::QVariantList &&
           type != QMetaType::QVariantMap;
}

} // namespace

qsizetype scalarEnd(const QByteArray& text, qsizetype start, bool flow) {
    const char quote = text.at(start);
    if (quote == '"' || quote == '\'') {
        for (qsizetype i = start + 1; i < text.size(); ++i) {
            if (quote == '"' && text.at(i) == '\\')
                ++i;
            else if (text.at(i) == quote && !(quote == '\'' && i + 1 < text.size() && text.at(i + 1) == '\''))
                return i + 1;
            else if (quote == '\'' && text.at(i) == '\'')
                ++i;
        }
        return -1;
    }
    qsizetype end = start;
    while (end < text.size()) {
        const char c = text.at(end);
        if (c == '\n' || c == '\r' || (flow && (c == ',' || c == ']' || c == '}')) ||
            (c == '#' && end > start && text.at(end - 1) == ' '))
            break;
        ++end;
    }
    while (end > start && (text.at(end - 1) == ' ' || text.at(end - 1) == '\t'))
        --end;
    return end;
}

int keyRank(const std::string& key) {
    const auto found = std::find_if(kKeyOrder.begin(), kKeyOrder.end(), [&](const char* k) { return key == k; });
    return found == kKeyOrder.end() ? static_cast<int>(kKeyOrder.size()) : static_cast<int>(found - kKeyOrder.begin());
}

std::optional<std::vector<Segment>> parsePath(const QString& path) {
    static const QRegularExpression part(QStringLiteral(R"(^([A-Za-z0-9_\-]+)((?:\[\d+\])*)$)"));
    static const QRegularExpression index(QStringLiteral(R"(\[(\d+)\])"));
    std::vector<Segment> segments;
    if (path.isEmpty())
        return std::nullopt;
    for (const QString& piece : path.split(QLatin1Char('.'))) {
        const auto match = part.match(piece);
        if (!match.hasMatch())
            return std::nullopt;
        segments.emplace_back(match.captured(1));
        for (auto it = index.globalMatch(match.captured(2)); it.hasNext();)
            segments.emplace_back(it.next().captured(1).toInt());
    }
    return segments;
}

YAML::Node find(const YAML::Node& root, const std::vector<Segment>& path) {
    YAML::Node current;
    current.reset(root);
    for (const Segment& segment : path) {
        YAML::Node next = child(current, segment);
        if (!next.IsDefined())
            return next;
        current.reset(next);
    }
    return current;
}

bool assign(YAML::Node& root, const std::vector<Segment>& path, const QVariant& value) {
    if (path.empty())
        return false;
    YAML::Node current;
    current.reset(root);
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        const YAML::Node next = child(current, path[i]); // may be a zombie: never reset() or assign to it
        if (!next.IsDefined() || next.IsNull()) {
            if (!value.isValid())
                return true; // nothing to remove
            const YAML::Node created(std::holds_alternative<int>(path[i + 1]) ? YAML::NodeType::Sequence
                                                                              : YAML::NodeType::Map);
            if (!setAt(current, path[i], created))
                return false;
            current.reset(child(current, path[i]));
            continue;
        }
        if (next.IsScalar())
            return false;
        current.reset(next);
    }
    return value.isValid() ? setAt(current, path.back(), toNode(value)) : removeAt(current, path.back());
}

YAML::Node toNode(const QVariant& value) {
    switch (value.metaType().id()) {
    case QMetaType::Bool:
        return YAML::Node(value.toBool());
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return YAML::Node(value.toLongLong());
    case QMetaType::Double:
    case QMetaType::Float:
        return YAML::Node(QString::number(value.toDouble(), 'g', 12).toStdString());
    case QMetaType::QStringList:
    case QMetaType::QVariantList: {
        YAML::Node sequence(YAML::NodeType::Sequence);
        bool scalars = true;
        for (const QVariant& item : value.toList()) {
            sequence.push_back(toNode(item));
            scalars = scalars && isScalarValue(item);
        }
        sequence.SetStyle(scalars ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
        return sequence;
    }
    case QMetaType::QVariantMap: {
        YAML::Node map(YAML::NodeType::Map);
        const QVariantMap entries = value.toMap();
        bool scalars = true;
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            insertOrdered(map, it.key().toStdString(), toNode(it.value()));
            scalars = scalars && isScalarValue(it.value());
        }
        map.SetStyle(scalars ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
        return map;
    }
    default:
        return value.isValid() ? YAML::Node(value.toString().toStdString()) : YAML::Node();
    }
}

QVariant toVariant(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull())
        return {};
    if (node.IsScalar()) {
        const QString text = QString::fromStdString(node.Scalar());
        if (node.Tag() == "!")
            return text; // quoted: the author meant text
        bool ok = false;
        if (const qlonglong integer = text.toLongLong(&ok); ok)
            return integer >= INT_MIN && integer <= INT_MAX ? QVariant(static_cast<int>(integer)) : QVariant(integer);
        if (const double number = text.toDouble(&ok); ok)
            return number;
        if (text == QLatin1String("true") || text == QLatin1String("false"))
            return text == QLatin1String("true");
        return text;
    }
    if (node.IsSequence()) {
        QVariantList items;
        bool scalars = true;
        for (const auto& item : node) {
            items.append(toVariant(item));
            scalars = scalars && item.IsScalar();
        }
        if (!scalars)
            return items;
        QStringList texts;
        for (const QVariant& item : std::as_const(items))
            texts.append(item.toString());
        return texts;
    }
    QVariantMap map;
    for (const auto& entry : node)
        map.insert(QString::fromStdString(entry.first.Scalar()), toVariant(entry.second));
    return map;
}

QString emitText(const YAML::Node& root) {
    YAML::Emitter out;
    out.SetIndent(2);
    out << root;
    QString text = QString::fromUtf8(out.c_str());
    if (!text.endsWith(QLatin1Char('\n')))
        text.append(QLatin1Char('\n'));
    return text;
}

std::optional<QString> spliceScalar(const QString& text, const YAML::Node& root, const std::vector<Segment>& path,
                                    const QVariant& value) {
    const YAML::Node node = find(root, path);
    if (path.empty() || !isScalarValue(value) || !node.IsDefined() || !node.IsScalar() || node.Scalar().empty())
        return std::nullopt;
    const YAML::Node parent = find(root, std::vector<Segment>(path.begin(), path.end() - 1));
    const QByteArray bytes = text.toUtf8();
    const qsizetype start = node.Mark().pos;
    if (start < 0 || start >= bytes.size() || bytes.at(start) == '|' || bytes.at(start) == '>')
        return std::nullopt;
    const qsizetype end = scalarEnd(bytes, start, parent.Style() == YAML::EmitterStyle::Flow);
    const auto replacement = flowScalarText(value);
    if (end <= start || !replacement)
        return std::nullopt;
    const QByteArray edited = bytes.left(start) + *replacement + bytes.mid(end);
    try {
        const YAML::Node check = find(YAML::Load(edited.toStdString()), path);
        if (!check.IsScalar() || check.Scalar() != toNode(value).Scalar())
            return std::nullopt;
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
    return QString::fromUtf8(edited);
}

} // namespace faaswb::ui::yamledit
