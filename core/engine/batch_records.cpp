#include "engine/batch_records.h"

#include "engine/batch_csv.h"
#include "model/env_expand.h"
#include "results/sqlite_handle.h"

#include <charconv>
#include <cmath>
#include <fstream>

namespace faaswb::engine {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53; // beyond it JavaScript handlers round the id
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr int kRowsBetweenStopChecks = 1024;

json idValue(std::int64_t value) {
    if (value > kMaxExactInteger || value < -kMaxExactInteger)
        return std::to_string(value);
    return value;
}

// An integer id stays an integer in the body; anything else is sent as the string it is.
json idFromText(std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [next, error] = std::from_chars(text.data(), end, value);
    if (!text.empty() && error == std::errc() && next == end)
        return idValue(value);
    return std::string(text);
}

bool limitReached(const std::vector<BatchRecord>& records, const RecordQuery& query) {
    return query.limit && records.size() >= *query.limit;
}

// Turns CSV rows into records: the header names the columns, every later row must have as many fields.
class CsvRecordCollector {
public:
    CsvRecordCollector(const std::string& path, const RecordQuery& query)
        : m_path(path)
        , m_query(query) {}

    Status row(std::vector<std::string>& fields, int line) {
        if (!m_header)
            return header(fields, line);
        if (fields.size() != m_columns)
            return invalidInput(where(line) + std::to_string(fields.size()) + " fields, the header has " +
                                std::to_string(m_columns));
        BatchRecord record;
        record.id = m_idIndex ? idFromText(fields[*m_idIndex]) : json(m_records.size() + 1);
        record.text = std::move(fields[m_textIndex]);
        m_records.push_back(std::move(record));
        return {};
    }
    bool done() const { return limitReached(m_records, m_query); }
    std::vector<BatchRecord> take() { return std::move(m_records); }

private:
    Status header(const std::vector<std::string>& names, int line) {
        m_header = true;
        m_columns = names.size();
        std::optional<std::size_t> text;
        std::string listed;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == m_query.idColumn)
                m_idIndex = i;
            if (names[i] == m_query.textColumn)
                text = i;
            listed += (i ? ", " : "") + names[i];
        }
        if (!text)
            return invalidInput(where(line) + "no column \"" + m_query.textColumn +
                                "\" (textColumn) in the header: " + listed);
        m_textIndex = *text;
        return {};
    }
    std::string where(int line) const { return m_path + ":" + std::to_string(line) + ": "; }

    std::string m_path;
    RecordQuery m_query;
    bool m_header = false;
    std::size_t m_columns = 0;
    std::optional<std::size_t> m_idIndex;
    std::size_t m_textIndex = 0;
    std::vector<BatchRecord> m_records;
};

std::string quoteSqliteIdentifier(const std::string& name) {
    std::string quoted = "\"";
    for (char c : name)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

Result<json> sqliteId(const results::sqlite::Statement& row, std::size_t rowNumber, const std::string& table) {
    switch (sqlite3_column_type(row.handle(), 0)) {
    case SQLITE_INTEGER:
        return idValue(row.columnInt(0));
    case SQLITE_NULL:
        return invalidInput("row " + std::to_string(rowNumber) + " of table " + table + " has no id (NULL)");
    default:
        return json(row.columnText(0));
    }
}

Error sqliteError(sqlite3* db, const std::string& what) {
    return invalidInput(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

} // namespace

Result<std::vector<BatchRecord>> readCsvRecords(const std::string& path, const RecordQuery& query,
                                                const CancellationToken& stop) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return invalidInput("cannot open the batch source " + path);
    CsvRecordCollector collector(path, query);
    CsvParser parser(path);
    const auto onRow = [&collector](std::vector<std::string>& fields, int line) { return collector.row(fields, line); };
    std::string chunk(kChunkBytes, '\0');
    while (!collector.done() && in) {
        if (stop.isCancelled())
            return cancelled("cancelled while reading " + path);
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (Status fed = parser.feed(std::string_view(chunk.data(), got), onRow, [&] { return collector.done(); });
            !fed)
            return fed.error();
    }
    if (in.bad())
        return invalidInput("cannot read the batch source " + path);
    if (!collector.done())
        if (Status finished = parser.finish(onRow); !finished)
            return finished.error();
    if (!parser.sawHeader())
        return invalidInput(path + ": the file is empty (a header row naming the columns is expected)");
    return collector.take();
}

Result<std::vector<BatchRecord>> readSqliteRecords(const std::string& path, const std::string& table,
                                                   const RecordQuery& query, const CancellationToken& stop) {
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    results::sqlite::Connection db(raw);
    const std::string what = "batch source " + path + " table " + table;
    if (opened != SQLITE_OK)
        return sqliteError(raw, "cannot open the " + what);
    sqlite3_busy_timeout(raw, 5000);
    // Without this, a quoted column name that does not exist reads as a string literal (SQLite's "double-quoted
    // string literal" quirk) and every record would get the column's name as its text.
    sqlite3_db_config(raw, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
    std::string sql = "SELECT " + quoteSqliteIdentifier(query.idColumn) + ", " +
                      quoteSqliteIdentifier(query.textColumn) + " FROM " + quoteSqliteIdentifier(table);
    if (query.limit)
        sql += " LIMIT " + std::to_string(*query.limit);
    auto statement = results::sqlite::Statement::prepare(raw, sql);
    if (!statement)
        return sqliteError(raw, what);
    std::vector<BatchRecord> records;
    for (;;) {
        if (records.size() % kRowsBetweenStopChecks == 0 && stop.isCancelled())
            return cancelled("cancelled while reading the " + what);
        auto row = statement->step();
        if (!row)
            return sqliteError(raw, what);
        if (!*row)
            return records;
        auto id = sqliteId(*statement, records.size() + 1, table);
        if (!id)
            return id.error();
        records.push_back({std::move(*id), statement->isNull(1) ? std::string() : statement->columnText(1)});
    }
}

Result<std::vector<BatchRecord>> readBatchRecords(const model::BatchConfig& config, const CancellationToken& stop) {
    RecordQuery query{config.idColumn, config.textColumn, config.limit};
    switch (config.sourceKind) {
    case model::BatchConfig::SourceKind::Csv:
        return readCsvRecords(config.source, query, stop);
    case model::BatchConfig::SourceKind::Sqlite:
        return readSqliteRecords(config.source, config.table, query, stop);
    case model::BatchConfig::SourceKind::Postgres:
        break;
    }
    auto dsn = model::expandEnvironment(config.source);
    if (!dsn)
        return invalidInput("batch source (postgres): " + dsn.error().message);
    return readPostgresRecords(*dsn, config.table, query, stop);
}

std::string batchBody(const std::vector<BatchRecord>& records, std::size_t first, std::size_t count) {
    json list = json::array();
    for (std::size_t i = first; i < std::min(records.size(), first + count); ++i)
        list.push_back({{"id", records[i].id}, {"text", records[i].text}});
    return json{{"records", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<SinkRow>> parseBatchResponse(std::string_view body, std::size_t expectedRecords) {
    const json document = json::parse(body.begin(), body.end(), nullptr, false);
    if (!document.is_object())
        return invalidInput("the response is not a JSON object");
    const auto wrapped = document.find("result");
    const json& result = wrapped != document.end() && wrapped->is_object() ? *wrapped : document;
    const auto list = result.find("results");
    if (list == result.end() || !list->is_array())
        return invalidInput("the response has no \"results\" list (is the function 600.sentiment?)");
    if (list->size() != expectedRecords)
        return invalidInput("the response has " + std::to_string(list->size()) + " results for " +
                            std::to_string(expectedRecords) + " records");
    std::vector<SinkRow> rows;
    rows.reserve(list->size());
    for (const json& item : *list) {
        const auto id = item.find("id");
        const auto sentiment = item.find("sentiment");
        const auto score = item.find("score");
        if (!item.is_object() || id == item.end() || sentiment == item.end() || !sentiment->is_string() ||
            score == item.end() || !score->is_number())
            return invalidInput("a result lacks id, sentiment (string) or score (number): " + item.dump());
        rows.push_back({*id, sentiment->get<std::string>(), score->get<double>()});
    }
    return rows;
}

} // namespace faaswb::engine
