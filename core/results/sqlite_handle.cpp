#include "results/sqlite_handle.h"

#include <cstring>
#include <utility>

namespace faaswb::results::sqlite {

Error errorOf(sqlite3* db, std::string_view what) {
    if (!db)
        return internalError(std::string(what) + ": out of memory");
    std::string message = std::string(what) + ": " + sqlite3_errmsg(db);
    // For I/O failures the OS reason ("No space left on device", "File too large") is what the user can act on.
    const int code = sqlite3_errcode(db);
    if ((code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN) && sqlite3_system_errno(db) != 0)
        message += std::string(" (") + std::strerror(sqlite3_system_errno(db)) + ")";
    return internalError(std::move(message));
}

Status exec(sqlite3* db, const char* sql, std::string_view what) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return errorOf(db, what);
    return {};
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    Statement statement(raw); // owns it even on failure
    if (rc != SQLITE_OK)
        return errorOf(db, "cannot prepare a results query");
    return statement;
}

void Statement::noteBind(int rc) {
    if (rc != SQLITE_OK && m_bindError == SQLITE_OK)
        m_bindError = rc;
}

Statement& Statement::bindInt(int index, std::int64_t value) {
    noteBind(sqlite3_bind_int64(handle(), m_parameterOffset + index, value));
    return *this;
}

Statement& Statement::bindDouble(int index, double value) {
    noteBind(sqlite3_bind_double(handle(), m_parameterOffset + index, value));
    return *this;
}

Statement& Statement::bindText(int index, std::string_view text) {
    noteBind(sqlite3_bind_text64(handle(), m_parameterOffset + index, text.data(), text.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
    return *this;
}

Statement& Statement::bindTextOrNull(int index, std::string_view text) {
    return text.empty() ? bindNull(index) : bindText(index, text);
}

Statement& Statement::bindBlob(int index, std::span<const std::uint8_t> bytes) {
    noteBind(sqlite3_bind_blob64(handle(), m_parameterOffset + index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bindNull(int index) {
    noteBind(sqlite3_bind_null(handle(), m_parameterOffset + index));
    return *this;
}

Result<bool> Statement::step() {
    sqlite3* db = sqlite3_db_handle(handle());
    if (m_bindError != SQLITE_OK)
        return internalError(std::string("cannot bind a results value: ") + sqlite3_errstr(m_bindError));
    const int rc = sqlite3_step(handle());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return errorOf(db, "results database");
}

Status Statement::run() {
    auto stepped = step();
    reset();
    if (!stepped)
        return stepped.error();
    return {};
}

void Statement::reset() {
    sqlite3_reset(handle());
    m_bindError = SQLITE_OK;
    m_parameterOffset = 0;
}

void Statement::clearBindings() {
    sqlite3_clear_bindings(handle());
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(handle(), column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt(int column) const {
    return sqlite3_column_int64(handle(), column);
}

double Statement::columnDouble(int column) const {
    return sqlite3_column_double(handle(), column);
}

std::string Statement::columnText(int column) const {
    const auto* text = sqlite3_column_text(handle(), column);
    const int size = sqlite3_column_bytes(handle(), column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)) : std::string();
}

std::span<const std::uint8_t> Statement::columnBlob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(handle(), column));
    const int size = sqlite3_column_bytes(handle(), column);
    return data ? std::span<const std::uint8_t>(data, static_cast<std::size_t>(size)) : std::span<const std::uint8_t>();
}

Result<Statement*> StatementCache::get(std::string_view sql) {
    if (auto found = m_statements.find(sql); found != m_statements.end()) {
        found->second.reset();
        found->second.clearBindings();
        return &found->second;
    }
    auto prepared = Statement::prepare(m_db, sql);
    if (!prepared)
        return prepared.error();
    auto [inserted, _] = m_statements.emplace(std::string(sql), std::move(prepared).value());
    return &inserted->second;
}

Result<Transaction> Transaction::begin(sqlite3* db) {
    if (!sqlite3_get_autocommit(db))
        return Transaction(db, false);
    if (auto started = exec(db, "BEGIN IMMEDIATE", "cannot start a results transaction"); !started)
        return started.error();
    return Transaction(db, true);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(other.m_db)
    , m_owning(std::exchange(other.m_owning, false)) {}

Transaction::~Transaction() {
    // SQLite may already have rolled back by itself after an I/O error; ROLLBACK is harmless then.
    if (m_owning && !sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
    if (!m_owning)
        return {};
    auto committed = exec(m_db, "COMMIT", "cannot commit results");
    if (committed)
        m_owning = false;
    return committed;
}

} // namespace faaswb::results::sqlite
