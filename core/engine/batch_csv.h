// CsvParser: RFC 4180 CSV split into rows of fields, fed in chunks of any size (the batch scenario's CSV source).
// Quoted fields may hold commas, doubled quotes and line breaks; rows end at \n, \r\n or \r; a UTF-8 byte order mark
// at the start is skipped; blank lines are ignored. One parser per file, used from one thread.
#pragma once

#include "common/result.h"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faaswb::engine {

class CsvParser {
public:
    explicit CsvParser(std::string name = "CSV") // errors read "<name>:<line>: what"
        : m_name(std::move(name)) {}
    // Called for each complete row with its fields (the callee may move them out) and the line it starts on.
    using RowHandler = std::function<Status(std::vector<std::string>& fields, int line)>;
    // Parses `chunk`; stops early (keeping the rest unparsed) once `enough()` is true after a row. The first error
    // of the text or of `onRow` ends parsing.
    Status feed(std::string_view chunk, const RowHandler& onRow, const std::function<bool()>& enough);
    // The end of the input: the last row without a line break, or an error for a quote left open.
    Status finish(const RowHandler& onRow);
    bool sawHeader() const { return m_rows > 0; } // at least one row was handed out

private:
    enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted };
    Status step(char c, const RowHandler& onRow);
    Status endRow(const RowHandler& onRow);
    Error errorAt(int line, const std::string& what) const;

    std::string m_name;
    State m_state = State::FieldStart;
    std::string m_field;
    std::vector<std::string> m_row;
    int m_line = 1;    // of the character being read
    int m_rowLine = 1; // where the current row began
    int m_rows = 0;
    bool m_started = false;  // past a possible byte order mark
    bool m_skipLf = false;   // the previous character was a \r that ended a row
    std::string m_bomPrefix; // bytes of a possible byte order mark split across chunks
};

} // namespace faaswb::engine
