// The batch scenario's PostgreSQL source through libpq, asynchronous so a cancel is noticed within 100 ms.
#include "engine/batch_records.h"

#ifdef FAASWB_HAVE_LIBPQ

#include <cctype>
#include <charconv>
#include <chrono>
#include <libpq-fe.h>
#include <optional>
#include <poll.h>
#include <regex>

namespace faaswb::engine {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr int kPollMs = 100;
// pg_type OIDs of the integer types (catalog/pg_type_d.h is a server header, so they are spelled out).
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

struct ConnectionCloser {
    void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
struct ResultClearer {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using QueryResult = std::unique_ptr<PGresult, ResultClearer>;

std::string trimmed(std::string message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    return message;
}

std::string lastError(PGconn* connection) {
    return trimmed(PQerrorMessage(connection));
}

// True when the connection's socket is ready for reading (or writing) within kPollMs.
bool socketReady(PGconn* connection, bool forWrite) {
    pollfd descriptor{PQsocket(connection), static_cast<short>(forWrite ? POLLOUT : POLLIN), 0};
    return descriptor.fd >= 0 && ::poll(&descriptor, 1, kPollMs) > 0;
}

// connect_timeout does not apply to PQconnectPoll, so the deadline is kept here. The DSN never enters a message:
// it may hold a password.
Result<Connection> connect(const std::string& dsn, const CancellationToken& stop) {
    const char* keywords[] = {"dbname", nullptr};
    const char* values[] = {dsn.c_str(), nullptr};
    Connection connection(PQconnectStartParams(keywords, values, 1));
    if (!connection)
        return internalError("libpq: out of memory");
    const auto deadline = Clock::now() + kConnectTimeout;
    PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
    while (polling != PGRES_POLLING_OK) {
        if (PQstatus(connection.get()) == CONNECTION_BAD || polling == PGRES_POLLING_FAILED)
            return platformError("cannot connect to the PostgreSQL batch source: " + lastError(connection.get()));
        if (stop.isCancelled())
            return cancelled("cancelled while connecting to the PostgreSQL batch source");
        if (Clock::now() > deadline)
            return platformError("cannot connect to the PostgreSQL batch source: no answer within 10 s");
        if (socketReady(connection.get(), polling == PGRES_POLLING_WRITING))
            polling = PQconnectPoll(connection.get());
    }
    return connection;
}

bool isPlainIdentifier(const std::string& name) {
    static const std::regex plain("[A-Za-z_][A-Za-z0-9_]*");
    return std::regex_match(name, plain);
}

std::string quotedIdentifier(const std::string& name) {
    std::string text = "\"";
    for (char c : name)
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
    return text + "\"";
}

// A plain name is folded to lower case, as PostgreSQL does with unquoted names; anything else is used exactly.
std::string identifier(std::string name) {
    if (isPlainIdentifier(name))
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return quotedIdentifier(name);
}

std::string tableName(const std::string& table) {
    const auto dot = table.find('.');
    if (dot != std::string::npos && isPlainIdentifier(table.substr(0, dot)) && isPlainIdentifier(table.substr(dot + 1)))
        return identifier(table.substr(0, dot)) + "." + identifier(table.substr(dot + 1));
    return identifier(table);
}

Result<BatchRecord> recordOf(const PGresult* row, std::size_t number) {
    if (PQgetisnull(row, 0, 0))
        return invalidInput("row " + std::to_string(number) + " of the PostgreSQL batch source has no id (NULL)");
    const std::string_view id(PQgetvalue(row, 0, 0), static_cast<std::size_t>(PQgetlength(row, 0, 0)));
    BatchRecord record;
    record.id = std::string(id);
    const Oid type = PQftype(row, 0);
    std::int64_t value = 0;
    if ((type == kInt2Oid || type == kInt4Oid || type == kInt8Oid) &&
        std::from_chars(id.data(), id.data() + id.size(), value).ec == std::errc() && value <= kMaxExactInteger &&
        value >= -kMaxExactInteger)
        record.id = value;
    if (!PQgetisnull(row, 0, 1))
        record.text.assign(PQgetvalue(row, 0, 1), static_cast<std::size_t>(PQgetlength(row, 0, 1)));
    return record;
}

void cancelQuery(PGconn* connection) {
    if (PGcancel* cancel = PQgetCancel(connection)) {
        char ignored[256];
        (void)PQcancel(cancel, ignored, sizeof ignored);
        PQfreeCancel(cancel);
    }
}

// The next result of the query, waiting on the socket (and the stop token) while libpq is busy.
Result<QueryResult> nextResult(PGconn* connection, const CancellationToken& stop) {
    while (PQisBusy(connection)) {
        if (stop.isCancelled()) {
            cancelQuery(connection);
            return cancelled("cancelled while reading the PostgreSQL batch source");
        }
        if (socketReady(connection, false) && !PQconsumeInput(connection))
            return platformError("reading the PostgreSQL batch source: " + lastError(connection));
    }
    return QueryResult(PQgetResult(connection));
}

} // namespace

bool postgresSupported() noexcept {
    return true;
}

Result<std::vector<BatchRecord>> readPostgresRecords(const std::string& dsn, const std::string& table,
                                                     const RecordQuery& query, const CancellationToken& stop) {
    auto connection = connect(dsn, stop);
    if (!connection)
        return connection.error();
    PGconn* db = connection->get();
    std::string sql =
        "SELECT " + identifier(query.idColumn) + ", " + identifier(query.textColumn) + " FROM " + tableName(table);
    if (query.limit)
        sql += " LIMIT " + std::to_string(*query.limit);
    // Single-row mode: rows arrive one by one, so a large table neither fills memory twice nor delays a cancel.
    if (!PQsendQuery(db, sql.c_str()) || !PQsetSingleRowMode(db))
        return platformError("reading the PostgreSQL batch source: " + lastError(db));
    std::vector<BatchRecord> records;
    std::optional<Error> failure;
    for (;;) {
        auto result = nextResult(db, stop);
        if (!result)
            return result.error();
        if (!*result)
            break; // the query is done
        const ExecStatusType status = PQresultStatus(result->get());
        if (status == PGRES_SINGLE_TUPLE && !failure) {
            auto record = recordOf(result->get(), records.size() + 1);
            if (record)
                records.push_back(std::move(*record));
            else
                failure = record.error(); // keep reading: the connection must drain before it closes cleanly
        } else if (status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE && !failure) {
            failure = invalidInput("reading table " + table +
                                   " of the PostgreSQL batch source: " + trimmed(PQresultErrorMessage(result->get())));
        }
    }
    if (failure)
        return *failure;
    return records;
}

} // namespace faaswb::engine

#else // no libpq in this build

namespace faaswb::engine {

bool postgresSupported() noexcept {
    return false;
}

Result<std::vector<BatchRecord>> readPostgresRecords(const std::string&, const std::string&, const RecordQuery&,
                                                     const CancellationToken&) {
    return invalidInput("this build has no PostgreSQL support (libpq-dev): install libpq-dev and rebuild, or read "
                        "the records from a csv or sqlite source");
}

} // namespace faaswb::engine

#endif
