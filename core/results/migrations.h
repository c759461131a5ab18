// Schema of the results database and the ordered migration steps that build it, tracked by PRAGMA user_version.
// Private to core/results; called on the connection's thread while opening the store.
#pragma once

#include "common/result.h"

#include <sqlite3.h>
#include <string>

namespace faaswb::results {

int latestSchemaVersion();
Result<int> readSchemaVersion(sqlite3* db);

// Applies every step newer than the database's version, each in its own transaction. A database from a newer
// build, or a SQLite file that is not ours, is refused with a message naming `path`.
Status migrate(sqlite3* db, const std::string& path);
// For read-only opens, which cannot migrate: accepts only a database already at the latest version.
Status requireLatest(sqlite3* db, const std::string& path);

} // namespace faaswb::results
