// BatchSink: the batch scenario's SQLite sink table, written by its own thread.
#include "engine/batch_records.h"
#include "results/sqlite_handle.h"

#include <deque>

namespace faaswb::engine {
namespace {

std::string quotedIdentifier(const std::string& name) {
    std::string text = "\"";
    for (char c : name)
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
    return text + "\"";
}

Error sinkError(sqlite3* db, const std::string& what) {
    return internalError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void bindId(results::sqlite::Statement& insert, const nlohmann::json& id) {
    if (id.is_number_integer())
        insert.bindInt(1, id.get<std::int64_t>());
    else if (id.is_string())
        insert.bindText(1, id.get_ref<const std::string&>());
    else
        insert.bindText(1, id.dump());
}

} // namespace

struct BatchSink::Impl {
    results::sqlite::Connection db;
    results::sqlite::Statement insert;
    std::string what; // "batch sink FILE table T", for messages

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::vector<SinkRow>> queue; // guarded by mutex
    bool stopping = false;                  // guarded by mutex
    std::optional<Error> failure;           // written by the writer thread; read after it joined
    std::uint64_t written = 0;              // likewise
    std::jthread writer;

    void writeLoop();
    Status writeAll(std::deque<std::vector<SinkRow>>& batches);
    Status finish();
};

Result<std::unique_ptr<BatchSink>> BatchSink::open(const std::string& path, const std::string& table) {
    auto impl = std::make_unique<Impl>();
    impl->what = "batch sink " + path + " table " + table;
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    impl->db.reset(raw);
    if (opened != SQLITE_OK)
        return sinkError(raw, "cannot open the " + impl->what);
    sqlite3_busy_timeout(raw, 5000);
    // `id` has no declared type, so integer ids stay integers and others stay text, as the source had them.
    const std::string name = quotedIdentifier(table);
    const std::string create = "CREATE TABLE IF NOT EXISTS " + name + " (id, sentiment TEXT, score REAL)";
    if (sqlite3_exec(raw, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return sinkError(raw, impl->what);
    auto insert =
        results::sqlite::Statement::prepare(raw, "INSERT INTO " + name + " (id, sentiment, score) VALUES (?, ?, ?)");
    if (!insert) // an existing table with other columns
        return sinkError(raw, impl->what);
    impl->insert = std::move(*insert);
    Impl* writer = impl.get();
    impl->writer = std::jthread([writer] { writer->writeLoop(); });
    return std::unique_ptr<BatchSink>(new BatchSink(std::move(impl)));
}

BatchSink::BatchSink(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

BatchSink::~BatchSink() {
    (void)m_impl->finish();
}

void BatchSink::push(std::vector<SinkRow> rows) {
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_impl->stopping)
            return;
        m_impl->queue.push_back(std::move(rows));
    }
    m_impl->wake.notify_one();
}

Status BatchSink::finish() {
    return m_impl->finish();
}

std::uint64_t BatchSink::rowsWritten() const {
    return m_impl->written;
}

Status BatchSink::Impl::finish() {
    {
        std::lock_guard lock(mutex);
        stopping = true;
    }
    wake.notify_one();
    if (writer.joinable())
        writer.join();
    if (failure)
        return *failure;
    return {};
}

// Takes everything queued at each wake-up and commits it as one transaction; the last round drains the queue.
void BatchSink::Impl::writeLoop() {
    for (;;) {
        std::deque<std::vector<SinkRow>> batches;
        bool last = false;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return stopping || !queue.empty(); });
            batches.swap(queue);
            last = stopping;
        }
        if (!failure && !batches.empty())
            if (Status wrote = writeAll(batches); !wrote)
                failure = wrote.error();
        if (last)
            return;
    }
}

Status BatchSink::Impl::writeAll(std::deque<std::vector<SinkRow>>& batches) {
    auto transaction = results::sqlite::Transaction::begin(db.get());
    if (!transaction)
        return sinkError(db.get(), what);
    std::uint64_t rows = 0;
    for (const auto& batch : batches)
        for (const SinkRow& row : batch) {
            bindId(insert, row.id);
            insert.bindText(2, row.sentiment).bindDouble(3, row.score);
            if (!insert.run())
                return sinkError(db.get(), what);
            ++rows;
        }
    if (!transaction->commit())
        return sinkError(db.get(), what);
    written += rows;
    return {};
}

} // namespace faaswb::engine
