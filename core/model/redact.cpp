#include "model/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace faaswb::model {
namespace {

// Keys whose value is a secret wherever they appear (lower case; matched case-insensitively). Add new secret
// fields of the experiment format here. A batch source's `postgres:` DSN may hold a password
// (postgresql://user:PW@host, password=PW), so it is masked whole unless it is a ${VAR} reference.
constexpr std::array<std::string_view, 7> kSecretKeys{"token",   "password",    "secretaccesskey", "sessiontoken",
                                                      "authkey", "accesskeyid", "postgres"};
// A `headers:` entry is secret when its lower-cased name contains one of these.
constexpr std::array<std::string_view, 7> kSecretHeaderParts{"authorization", "cookie", "api-key", "apikey",
                                                             "token",         "secret", "password"};
// Literal words kept in front of a ${VAR} reference, so "Bearer ${TOKEN}" stays readable.
constexpr std::array<std::string_view, 4> kAuthSchemes{"bearer", "basic", "token", "digest"};
// Aliases of aliases need one more pass each; real files have none, so a few passes are plenty.
constexpr int kMaxPasses = 4;

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}
bool isSpace(char c) {
    return isBlank(c) || c == '\n';
}
bool isFlowIndicator(char c) {
    return c == ',' || c == '{' || c == '}' || c == '[' || c == ']';
}

bool isAuthScheme(std::string_view literal) {
    if (literal.empty() || !isBlank(literal.back()))
        return false;
    while (!literal.empty() && isBlank(literal.back()))
        literal.remove_suffix(1);
    const std::string word = lowered(literal);
    return std::find(kAuthSchemes.begin(), kAuthSchemes.end(), word) != kAuthSchemes.end();
}

std::string redactedLiteral(std::string_view literal, bool first) {
    if (std::all_of(literal.begin(), literal.end(), isBlank) || (first && isAuthScheme(literal)))
        return std::string(literal);
    return std::string(kRedacted);
}

// "${NAME}" stays; "${NAME:-default}" keeps the name and hides a non-empty default.
std::string redactedReference(std::string_view reference) {
    const auto dash = reference.find(":-");
    if (dash == std::string_view::npos || dash + 3 >= reference.size())
        return std::string(reference);
    return std::string(reference.substr(0, dash + 2)) + std::string(kRedacted) + "}";
}

// One scalar's text: every literal part becomes <redacted>, ${VAR} references stay.
std::string redactedValue(std::string_view value) {
    std::string out;
    bool hasReference = false;
    std::size_t literalStart = 0;
    for (std::size_t i = 0; i < value.size();) {
        if (value.substr(i, 3) == "$${") { // an escaped, literal "${"
            i += 3;
            continue;
        }
        const std::size_t close = value.substr(i, 2) == "${" ? value.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            ++i;
            continue;
        }
        if (i > literalStart)
            out += redactedLiteral(value.substr(literalStart, i - literalStart), literalStart == 0);
        out += redactedReference(value.substr(i, close + 1 - i));
        hasReference = true;
        i = literalStart = close + 1;
    }
    if (!hasReference)
        return std::string(kRedacted);
    if (literalStart < value.size())
        out += redactedLiteral(value.substr(literalStart), false);
    return out;
}

// Where the password of "scheme://user:password@host" is in the text, as [first, second).
std::optional<std::pair<std::size_t, std::size_t>> urlPassword(std::string_view value) {
    const auto scheme = value.find("://");
    if (scheme == std::string_view::npos)
        return std::nullopt;
    const std::size_t authority = scheme + 3;
    const std::size_t authorityEnd = std::min(value.find_first_of("/?# \t\r\n", authority), value.size());
    const auto at = value.rfind('@', authorityEnd);
    if (at == std::string_view::npos || at < authority)
        return std::nullopt;
    const auto colon = value.find(':', authority);
    if (colon >= at || colon + 1 == at)
        return std::nullopt;
    return std::pair{colon + 1, at};
}

// A query parameter whose name contains one of these carries a secret: `?token=`, `access_token`, `api_key`,
// Azure Functions' `code`, S3/SAS signatures (`X-Amz-Signature`, `sig`), `X-Amz-Security-Token`, `X-Amz-Credential`.
constexpr std::array<std::string_view, 9> kSecretQueryParts{"token", "secret", "password",   "passwd", "key",
                                                            "sig",   "auth",   "credential", "session"};

bool isSecretQueryName(std::string_view name) {
    const std::string lower = lowered(name);
    return lower == "code" || lower == "pw" || lower == "pwd" ||
           std::any_of(kSecretQueryParts.begin(), kSecretQueryParts.end(),
                       [&](std::string_view part) { return lower.find(part) != std::string::npos; });
}

// Where the values of secret query parameters of the URL in `value` are, as [first, second) each.
std::vector<std::pair<std::size_t, std::size_t>> urlQuerySecrets(std::string_view value) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    const auto scheme = value.find("://");
    if (scheme == std::string_view::npos)
        return spans;
    const std::size_t query = value.find('?', scheme + 3);
    const std::size_t end = std::min(value.find_first_of("# \t\r\n", scheme + 3), value.size());
    if (query == std::string_view::npos || query >= end)
        return spans;
    for (std::size_t pos = query + 1; pos < end;) {
        const std::size_t next = std::min(value.find_first_of("&;", pos), end);
        const std::size_t equals = value.find('=', pos);
        if (equals < next && equals + 1 < next && isSecretQueryName(value.substr(pos, equals - pos)))
            spans.emplace_back(equals + 1, next);
        pos = next + 1;
    }
    return spans;
}

// Every secret part of a URL: the password of user:password@ and the values of secret query parameters.
std::vector<std::pair<std::size_t, std::size_t>> urlSecrets(std::string_view value) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    if (const auto password = urlPassword(value))
        spans.push_back(*password);
    for (const auto& span : urlQuerySecrets(value))
        spans.push_back(span);
    return spans;
}

struct Edit {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string replacement;
};

// One pass over the text, line by line for block structure, recursively for flow collections. It tracks the
// chain of block keys by indentation, which is all that deciding "is this value a secret" needs.
class Redactor {
public:
    Redactor(std::string_view text, const std::set<std::string, std::less<>>& secretAnchors)
        : m_text(text)
        , m_secretAnchors(secretAnchors) {}

    void run() {
        for (std::size_t pos = 0; pos < m_text.size();)
            pos = scanLine(pos);
    }
    const std::set<std::string, std::less<>>& secretAliases() const { return m_secretAliases; }
    std::string apply() const;

private:
    struct Parent {
        std::size_t column = 0;
        std::string key;
        bool secret = false;
    };

    std::size_t lineEnd(std::size_t pos) const { return std::min(m_text.find('\n', pos), m_text.size()); }
    std::size_t nextLine(std::size_t pos) const { return std::min(lineEnd(pos) + 1, m_text.size()); }
    std::size_t skipBlanks(std::size_t pos, std::size_t limit) const {
        while (pos < limit && isBlank(m_text[pos]))
            ++pos;
        return pos;
    }
    bool commentAt(std::size_t pos) const { return m_text[pos] == '#' && (pos == 0 || isSpace(m_text[pos - 1])); }

    std::size_t scanLine(std::size_t start);
    std::size_t scanBlockValue(std::size_t v, std::size_t lineStart, std::size_t column, std::string_view key,
                               bool secret);
    std::size_t scanBlockScalar(std::size_t pos, std::size_t column, bool secret);
    std::size_t skipProperties(std::size_t pos, std::size_t limit, bool& secret) const;
    bool blockKey(std::size_t pos, std::size_t end, std::string& key, std::size_t& afterColon) const;
    std::size_t scanFlow(std::size_t pos, std::string_view parentKey, bool secret);
    std::size_t scanFlowEntry(std::size_t pos, std::string_view parentKey, bool secret);
    std::size_t scanFlowValue(std::size_t pos, std::string_view key, bool secret);
    std::size_t skipFlowSpace(std::size_t pos) const;
    std::size_t quotedEnd(std::size_t pos) const;
    std::size_t alias(std::size_t pos, bool secret);
    void redactSpan(std::size_t begin, std::size_t end);
    void redactValueSpan(std::size_t begin, std::size_t end, bool secret);
    void redactUrlPassword(std::size_t begin, std::size_t end);
    bool secretChild(std::string_view parentKey, std::string_view key, bool parentSecret) const {
        return parentSecret || isSecretKey(key) || (lowered(parentKey) == "headers" && isSecretHeaderName(key));
    }
    const Parent* parent() const { return m_parents.empty() ? nullptr : &m_parents.back(); }

    std::string_view m_text;
    const std::set<std::string, std::less<>>& m_secretAnchors;
    std::set<std::string, std::less<>> m_secretAliases;
    std::vector<Parent> m_parents;
    std::vector<Edit> m_edits;
};

std::size_t Redactor::scanLine(std::size_t start) {
    const std::size_t end = lineEnd(start);
    std::size_t p = skipBlanks(start, end);
    if (p == end || m_text[p] == '#') // blank and comment lines keep the block context
        return nextLine(start);
    const std::string_view head = m_text.substr(p, 3);
    if (p == start && (head == "---" || head == "...") && (p + 3 == end || isBlank(m_text[p + 3]))) {
        m_parents.clear();
        return nextLine(start);
    }
    while (p < end && m_text[p] == '-' && (p + 1 == end || isBlank(m_text[p + 1])))
        p = skipBlanks(p + 1, end);
    if (p == end || m_text[p] == '#')
        return nextLine(start);
    const std::size_t column = p - start;
    while (!m_parents.empty() && m_parents.back().column >= column)
        m_parents.pop_back();
    const std::string parentKey = parent() ? parent()->key : std::string();
    const bool parentSecret = parent() && parent()->secret;
    std::string key;
    std::size_t afterColon = 0;
    if (m_text[p] == '{' || m_text[p] == '[' || !blockKey(p, end, key, afterColon))
        return scanBlockValue(p, start, column, parentKey, parentSecret);
    bool secret = secretChild(parentKey, key, parentSecret);
    const std::size_t v = skipProperties(skipBlanks(afterColon, end), end, secret);
    m_parents.push_back({column, key, secret});
    return scanBlockValue(v, start, column, key, secret);
}

std::size_t Redactor::scanBlockValue(std::size_t v, std::size_t lineStart, std::size_t column, std::string_view key,
                                     bool secret) {
    const std::size_t end = lineEnd(lineStart);
    if (v >= end || commentAt(v))
        return nextLine(lineStart);
    const char c = m_text[v];
    if (c == '*')
        return nextLine(alias(v, secret));
    if (c == '|' || c == '>')
        return scanBlockScalar(nextLine(lineStart), column, secret);
    if (c == '{' || c == '[')
        return nextLine(scanFlow(v, key, secret));
    if (c == '"' || c == '\'') {
        const std::size_t close = quotedEnd(v);
        redactValueSpan(v + 1, close, secret);
        return nextLine(std::min(close, m_text.size()));
    }
    std::size_t e = v;
    while (e < end && !commentAt(e))
        ++e;
    redactValueSpan(v, e, secret);
    return nextLine(lineStart);
}

// A block scalar's content: the following lines indented deeper than its key, and blank lines among them.
std::size_t Redactor::scanBlockScalar(std::size_t pos, std::size_t column, bool secret) {
    while (pos < m_text.size()) {
        const std::size_t end = lineEnd(pos);
        const std::size_t p = skipBlanks(pos, end);
        if (p != end && p - pos <= column)
            break;
        if (secret)
            redactSpan(p, end);
        pos = nextLine(pos);
    }
    return pos;
}

// Skips &anchor and !tag; an anchor whose alias is used as a secret makes the value a secret.
std::size_t Redactor::skipProperties(std::size_t pos, std::size_t limit, bool& secret) const {
    while (pos < limit && (m_text[pos] == '&' || m_text[pos] == '!')) {
        std::size_t e = pos;
        while (e < limit && !isSpace(m_text[e]) && !isFlowIndicator(m_text[e]))
            ++e;
        if (m_text[pos] == '&' && m_secretAnchors.count(m_text.substr(pos + 1, e - pos - 1)) > 0)
            secret = true;
        pos = skipBlanks(e, limit);
    }
    return pos;
}

std::size_t Redactor::alias(std::size_t pos, bool secret) {
    std::size_t e = pos + 1;
    while (e < m_text.size() && !isSpace(m_text[e]) && !isFlowIndicator(m_text[e]))
        ++e;
    if (secret)
        m_secretAliases.emplace(m_text.substr(pos + 1, e - pos - 1));
    return e;
}

// "key:" at pos (plain or quoted key, colon followed by a blank or the end of the line).
bool Redactor::blockKey(std::size_t pos, std::size_t end, std::string& key, std::size_t& afterColon) const {
    if (m_text[pos] == '"' || m_text[pos] == '\'') {
        const std::size_t close = quotedEnd(pos);
        if (close >= end)
            return false;
        const std::size_t colon = skipBlanks(close + 1, end);
        if (colon >= end || m_text[colon] != ':' || (colon + 1 < end && !isBlank(m_text[colon + 1])))
            return false;
        key = m_text.substr(pos + 1, close - pos - 1);
        afterColon = colon + 1;
        return true;
    }
    for (std::size_t i = pos; i < end && !commentAt(i); ++i) {
        if (m_text[i] == ':' && (i + 1 == end || isBlank(m_text[i + 1]))) {
            std::size_t keyEnd = i;
            while (keyEnd > pos && isBlank(m_text[keyEnd - 1]))
                --keyEnd;
            key = m_text.substr(pos, keyEnd - pos);
            afterColon = i + 1;
            return true;
        }
    }
    return false;
}

// A flow mapping or sequence starting at pos; returns the position after its closing bracket.
std::size_t Redactor::scanFlow(std::size_t pos, std::string_view parentKey, bool secret) {
    const char close = m_text[pos] == '{' ? '}' : ']';
    std::size_t p = pos + 1;
    while (true) {
        p = skipFlowSpace(p);
        if (p >= m_text.size())
            return m_text.size();
        if (m_text[p] == close)
            return p + 1;
        if (m_text[p] == ',') {
            ++p;
            continue;
        }
        const std::size_t before = p;
        p = close == '}' ? scanFlowEntry(p, parentKey, secret) : scanFlowValue(p, parentKey, secret);
        if (p == before) // a stray bracket in malformed text: step over it rather than loop
            ++p;
    }
}

std::size_t Redactor::scanFlowEntry(std::size_t pos, std::string_view parentKey, bool secret) {
    std::size_t q = pos;
    std::string key;
    if (m_text[pos] == '"' || m_text[pos] == '\'') {
        const std::size_t close = quotedEnd(pos);
        key = m_text.substr(pos + 1, std::min(close, m_text.size()) - pos - 1);
        q = std::min(close + 1, m_text.size());
    } else {
        auto keyEnds = [&](std::size_t i) {
            const char c = m_text[i];
            const bool colon =
                c == ':' && (i + 1 == m_text.size() || isSpace(m_text[i + 1]) || isFlowIndicator(m_text[i + 1]));
            return colon || c == '\n' || isFlowIndicator(c) || commentAt(i);
        };
        while (q < m_text.size() && !keyEnds(q))
            ++q;
        std::size_t keyEnd = q;
        while (keyEnd > pos && isBlank(m_text[keyEnd - 1]))
            --keyEnd;
        key = m_text.substr(pos, keyEnd - pos);
    }
    q = skipFlowSpace(q);
    if (q >= m_text.size() || m_text[q] != ':') // a key without a value
        return q;
    return scanFlowValue(skipFlowSpace(q + 1), key, secretChild(parentKey, key, secret));
}

std::size_t Redactor::scanFlowValue(std::size_t pos, std::string_view key, bool secret) {
    pos = skipProperties(pos, m_text.size(), secret);
    if (pos >= m_text.size())
        return m_text.size();
    const char c = m_text[pos];
    if (c == '*')
        return alias(pos, secret);
    if (c == '{' || c == '[')
        return scanFlow(pos, key, secret);
    if (c == '"' || c == '\'') {
        const std::size_t close = quotedEnd(pos);
        redactValueSpan(pos + 1, close, secret);
        return std::min(close + 1, m_text.size());
    }
    std::size_t e = pos;
    while (e < m_text.size() && !isFlowIndicator(m_text[e]) && !commentAt(e))
        ++e;
    redactValueSpan(pos, e, secret);
    return e;
}

std::size_t Redactor::skipFlowSpace(std::size_t pos) const {
    while (pos < m_text.size()) {
        if (isSpace(m_text[pos]))
            ++pos;
        else if (commentAt(pos))
            pos = lineEnd(pos);
        else
            break;
    }
    return pos;
}

// The index of the closing quote of the scalar quoted at pos, or the text's size when it is not closed.
std::size_t Redactor::quotedEnd(std::size_t pos) const {
    const char quote = m_text[pos];
    for (std::size_t i = pos + 1; i < m_text.size(); ++i) {
        if (quote == '"' && m_text[i] == '\\') {
            ++i;
        } else if (m_text[i] == quote) {
            if (quote == '\'' && i + 1 < m_text.size() && m_text[i + 1] == '\'')
                ++i; // '' is an escaped quote
            else
                return i;
        }
    }
    return m_text.size();
}

// Redacts [begin, end) line by line, keeping each line's indentation and trailing blanks (and so the line count).
void Redactor::redactSpan(std::size_t begin, std::size_t end) {
    for (std::size_t pos = begin; pos < end;) {
        const std::size_t stop = std::min(lineEnd(pos), end);
        const std::size_t s = skipBlanks(pos, stop);
        std::size_t e = stop;
        while (e > s && isBlank(m_text[e - 1]))
            --e;
        if (s < e)
            m_edits.push_back({s, e, redactedValue(m_text.substr(s, e - s))});
        pos = stop + 1;
    }
}

void Redactor::redactValueSpan(std::size_t begin, std::size_t end, bool secret) {
    if (secret)
        redactSpan(begin, end);
    else
        redactUrlPassword(begin, end);
}

// Any value may be a URL with user:password@ in it (libcurl would send that as Basic auth) or a token in its query:
// hide those parts.
void Redactor::redactUrlPassword(std::size_t begin, std::size_t end) {
    for (const auto& [first, second] : urlSecrets(m_text.substr(begin, end - begin)))
        m_edits.push_back({begin + first, begin + second, redactedValue(m_text.substr(begin + first, second - first))});
}

std::string Redactor::apply() const {
    std::vector<Edit> edits = m_edits;
    std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    std::string out;
    out.reserve(m_text.size());
    std::size_t copied = 0;
    for (const auto& edit : edits) {
        if (edit.begin < copied) // overlapping (cannot happen in well-formed text): the first edit wins
            continue;
        out.append(m_text.substr(copied, edit.begin - copied));
        out += edit.replacement;
        copied = edit.end;
    }
    out.append(m_text.substr(copied));
    return out;
}

} // namespace

bool isSecretKey(std::string_view key) {
    const std::string name = lowered(key);
    return std::find(kSecretKeys.begin(), kSecretKeys.end(), name) != kSecretKeys.end();
}

bool isSecretHeaderName(std::string_view name) {
    const std::string lower = lowered(name);
    return std::any_of(kSecretHeaderParts.begin(), kSecretHeaderParts.end(),
                       [&](std::string_view part) { return lower.find(part) != std::string::npos; });
}

std::string redactUrl(std::string_view url) {
    std::string out;
    std::size_t copied = 0;
    for (const auto& [first, second] : urlSecrets(url)) { // in order: the password comes before the query
        out.append(url.substr(copied, first - copied));
        out += redactedValue(url.substr(first, second - first));
        copied = second;
    }
    out.append(url.substr(copied));
    return out;
}

std::string redactSecrets(std::string_view experimentYaml) {
    std::set<std::string, std::less<>> secretAnchors;
    for (int pass = 1;; ++pass) {
        Redactor redactor(experimentYaml, secretAnchors);
        redactor.run();
        const auto& aliases = redactor.secretAliases();
        const bool complete = std::includes(secretAnchors.begin(), secretAnchors.end(), aliases.begin(), aliases.end());
        if (complete || pass == kMaxPasses)
            return redactor.apply();
        secretAnchors.insert(aliases.begin(), aliases.end());
    }
}

} // namespace faaswb::model
