// ResultStore's private state and helpers shared by its write (result_store.cpp) and read (store_queries.cpp)
// halves. Private to core/results; same threading contract as ResultStore.
#pragma once

#include "results/result_store.h"
#include "results/sqlite_handle.h"

#include <nlohmann/json.hpp>
#include <string>

namespace faaswb::results {

struct ResultStore::Impl {
    sqlite::Connection db; // declared first so that the cached statements are finalized before it closes
    sqlite::StatementCache statements{nullptr};
    std::string path;

    Result<sqlite::Statement*> prepare(std::string_view sql) { return statements.get(sql); }
    Error error(std::string_view what) const { return sqlite::errorOf(db.get(), what); }
};

// A 'running' run whose writer on this host is gone (pid reuse is not detected: a reused pid keeps it running).
bool writerIsGone(std::int64_t ownerPid, const std::string& ownerHost);
std::string abandonedMessage(std::int64_t ownerPid);

std::optional<engine::RunStatus> runStatusFromName(std::string_view name);
std::optional<load::ErrorKind> errorKindFromName(std::string_view name);
Error noSuchRun(std::int64_t runId);
// The point's values of a stored runs.sweep_json ({"index": i, "values": {...}}); an empty object without a sweep.
nlohmann::json storedSweepValues(const std::string& sweepJson);
Status requireRun(ResultStore::Impl& store, std::int64_t runId); // noSuchRun unless the run exists

} // namespace faaswb::results
