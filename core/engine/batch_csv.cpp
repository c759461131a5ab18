#include "engine/batch_csv.h"

namespace faaswb::engine {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

} // namespace

Status CsvParser::feed(std::string_view chunk, const RowHandler& onRow, const std::function<bool()>& enough) {
    std::size_t i = 0;
    // The first bytes may be a byte order mark, possibly split over chunks: hold them until it is clear.
    for (; !m_started && i < chunk.size(); ++i) {
        m_bomPrefix += chunk[i];
        if (m_bomPrefix == kByteOrderMark) {
            m_started = true;
            m_bomPrefix.clear();
        } else if (kByteOrderMark.substr(0, m_bomPrefix.size()) != m_bomPrefix) {
            m_started = true;
            const std::string held = std::exchange(m_bomPrefix, {});
            for (char c : held)
                if (Status stepped = step(c, onRow); !stepped)
                    return stepped;
        }
    }
    for (; i < chunk.size(); ++i) {
        const int rowsBefore = m_rows;
        if (Status stepped = step(chunk[i], onRow); !stepped)
            return stepped;
        if (m_rows != rowsBefore && enough())
            return {};
    }
    return {};
}

Status CsvParser::finish(const RowHandler& onRow) {
    if (!m_started && !m_bomPrefix.empty()) { // a file shorter than a byte order mark
        m_started = true;
        for (char c : std::exchange(m_bomPrefix, {}))
            if (Status stepped = step(c, onRow); !stepped)
                return stepped;
    }
    if (m_state == State::Quoted)
        return errorAt(m_rowLine, "a quoted field is not closed");
    if (m_state != State::FieldStart || !m_row.empty())
        return endRow(onRow);
    return {};
}

Status CsvParser::step(char c, const RowHandler& onRow) {
    if (std::exchange(m_skipLf, false) && c == '\n')
        return {};
    switch (m_state) {
    case State::Quoted:
        if (c == '"')
            m_state = State::QuoteInQuoted;
        else
            m_field += c;
        if (c == '\n')
            ++m_line;
        return {};
    case State::QuoteInQuoted:
        if (c == '"') {
            m_field += '"';
            m_state = State::Quoted;
            return {};
        }
        if (c != ',' && c != '\n' && c != '\r')
            return errorAt(m_line, "text after the closing quote of a field");
        break;
    case State::FieldStart:
        if (c == '"') {
            m_state = State::Quoted;
            return {};
        }
        break;
    case State::Unquoted:
        if (c == '"')
            return errorAt(m_line, "a quote inside an unquoted field (quote the whole field and double the quote)");
        break;
    }
    // Outside quotes: separators end fields and rows, anything else is field text.
    if (c == ',') {
        m_row.push_back(std::exchange(m_field, {}));
        m_state = State::FieldStart;
        return {};
    }
    if (c == '\n' || c == '\r') {
        m_skipLf = c == '\r';
        Status ended = endRow(onRow);
        ++m_line;
        m_rowLine = m_line;
        return ended;
    }
    m_field += c;
    m_state = State::Unquoted;
    return {};
}

Status CsvParser::endRow(const RowHandler& onRow) {
    const bool blank = m_row.empty() && m_field.empty() && m_state == State::FieldStart;
    m_row.push_back(std::exchange(m_field, {}));
    m_state = State::FieldStart;
    std::vector<std::string> row = std::exchange(m_row, {});
    if (blank)
        return {};
    ++m_rows;
    return onRow(row, m_rowLine);
}

Error CsvParser::errorAt(int line, const std::string& what) const {
    return invalidInput(m_name + ":" + std::to_string(line) + ": " + what);
}

} // namespace faaswb::engine
