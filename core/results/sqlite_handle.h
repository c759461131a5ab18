// Thin RAII layer over the SQLite C API for the results store: connection and statement handles, typed binds and
// column reads, a cache of prepared statements and a scoped transaction. Private to core/results; like the
// connection it wraps, use it from one thread at a time.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::results::sqlite {

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};

// "what: sqlite's message" as an Internal error (environment failures: disk full, I/O, locked).
Error errorOf(sqlite3* db, std::string_view what);
// Runs SQL without results (DDL, pragmas, several statements separated by ';').
Status exec(sqlite3* db, const char* sql, std::string_view what);

// A prepared statement. Binds are 1-based as in SQLite; text and blobs are copied, so temporaries are fine.
class Statement {
public:
    Statement() = default;
    static Result<Statement> prepare(sqlite3* db, std::string_view sql);

    Statement& bindInt(int index, std::int64_t value);
    Statement& bindDouble(int index, double value);
    Statement& bindText(int index, std::string_view text);
    Statement& bindTextOrNull(int index, std::string_view text); // NULL for an empty string
    Statement& bindBlob(int index, std::span<const std::uint8_t> bytes);
    Statement& bindNull(int index);
    template <class T>
    Statement& bindOptional(int index, const std::optional<T>& value) {
        if (!value)
            return bindNull(index);
        if constexpr (std::is_floating_point_v<T>)
            return bindDouble(index, *value);
        else
            return bindInt(index, static_cast<std::int64_t>(*value));
    }

    // Binds then address parameter offset + index, for the rows of a multi-row INSERT; reset() clears it.
    void setParameterOffset(int offset) { m_parameterOffset = offset; }

    Result<bool> step(); // true while a row is available
    // Calls visit(*this) for each row, then resets; stops at the first error.
    template <class Visit>
    Status forEachRow(Visit&& visit) {
        for (;;) {
            auto row = step();
            if (!row.ok() || !*row) {
                reset();
                return row.ok() ? Status() : Status(row.error());
            }
            visit(static_cast<const Statement&>(*this));
        }
    }
    Status run(); // steps to the end and resets, for INSERT/UPDATE/DELETE
    void reset(); // ready to run again; bindings stay until rebound or cleared
    void clearBindings();

    bool isNull(int column) const;
    std::int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    std::span<const std::uint8_t> columnBlob(int column) const; // valid until the next step or reset
    template <class T>
    std::optional<T> columnOptional(int column) const {
        if (isNull(column))
            return std::nullopt;
        if constexpr (std::is_floating_point_v<T>)
            return static_cast<T>(columnDouble(column));
        else
            return static_cast<T>(columnInt(column));
    }

    sqlite3_stmt* handle() const { return m_statement.get(); }

private:
    explicit Statement(sqlite3_stmt* statement)
        : m_statement(statement) {}
    void noteBind(int rc);

    std::unique_ptr<sqlite3_stmt, StatementFinalizer> m_statement;
    int m_bindError = SQLITE_OK; // binds chain, so their first failure is reported by the next step
    int m_parameterOffset = 0;
};

// Prepares each SQL text once per connection; statements handed out are reset and unbound.
class StatementCache {
public:
    explicit StatementCache(sqlite3* db)
        : m_db(db) {}
    Result<Statement*> get(std::string_view sql);

private:
    sqlite3* m_db;
    std::map<std::string, Statement, std::less<>> m_statements;
};

// BEGIN IMMEDIATE … COMMIT, rolled back unless committed. Inside an open transaction it joins it instead, so
// batch appends compose into one caller-level transaction.
class Transaction {
public:
    static Result<Transaction> begin(sqlite3* db);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Status commit();

private:
    Transaction(sqlite3* db, bool owning)
        : m_db(db)
        , m_owning(owning) {}
    sqlite3* m_db;
    bool m_owning;
};

} // namespace faaswb::results::sqlite
