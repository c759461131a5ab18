// An ephemeral PostgreSQL server for tests: initdb into a temporary folder, pg_ctl start on a free loopback port
// (trust authentication, user postgres), stopped when destroyed. As root the server runs as the `postgres` user
// through runuser (PostgreSQL refuses to run as root). Used from the test's main thread.
#pragma once

#include <QString>

namespace faaswb::test {

class PostgresServer {
public:
    ~PostgresServer();
    // Starts the server with its files under `folder` (created); an empty string on success, else why it cannot
    // run here (for QSKIP).
    QString start(const QString& folder);
    std::string dsn() const; // libpq key=value connection string
    // Runs SQL with psql; false (see lastError) when it fails.
    bool psql(const QString& sql);
    QString lastError() const { return m_lastError; }

private:
    bool runTool(const QString& tool, const QStringList& args, int timeoutMs);

    QString m_binDir;
    QString m_dataDir;
    bool m_asPostgres = false; // root: tools run through `runuser -u postgres --`
    bool m_running = false;
    int m_port = 0;
    QString m_lastError;
};

} // namespace faaswb::test
