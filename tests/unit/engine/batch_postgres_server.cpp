#include "batch_postgres_server.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace faaswb::test {
namespace {

// The folder of initdb and pg_ctl: Debian keeps them in /usr/lib/postgresql/<version>/bin, off the PATH.
QString postgresBinDir() {
    if (const QString onPath = QStandardPaths::findExecutable(QStringLiteral("initdb")); !onPath.isEmpty())
        return QFileInfo(QFileInfo(onPath).canonicalFilePath()).absolutePath(); // past a symlink, beside psql
    const QDir versions(QStringLiteral("/usr/lib/postgresql"));
    const auto entries = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    for (const QString& version : entries)
        if (QFileInfo::exists(versions.filePath(version + "/bin/initdb")))
            return versions.filePath(version + "/bin");
    return {};
}

// A loopback port nothing listens on right now (the kernel's pick for port 0).
int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}

} // namespace

PostgresServer::~PostgresServer() {
    if (m_running)
        runTool(QStringLiteral("pg_ctl"), {"-D", m_dataDir, "-m", "immediate", "-w", "stop"}, 30000);
}

QString PostgresServer::start(const QString& folder) {
    m_binDir = postgresBinDir();
    if (m_binDir.isEmpty())
        return QStringLiteral("no initdb found (install postgresql)");
    if (::geteuid() == 0) {
        const passwd* user = ::getpwnam("postgres");
        if (!user || QStandardPaths::findExecutable(QStringLiteral("runuser")).isEmpty())
            return QStringLiteral("running as root without a postgres user and runuser to start PostgreSQL as");
        m_asPostgres = true;
        if (!QDir().mkpath(folder) || ::chown(folder.toLocal8Bit().constData(), user->pw_uid, user->pw_gid) != 0)
            return QStringLiteral("cannot hand %1 to the postgres user").arg(folder);
        // The postgres user must be able to reach the folder through its parents (QTemporaryDir makes them 0700).
        // Only folders lacking o+x are touched (a chmod through QFile would drop /tmp's sticky bit).
        for (QDir parent = QFileInfo(folder).dir(); !parent.isRoot(); parent = QFileInfo(parent.path()).dir()) {
            const QFileInfo info(parent.path());
            if (!(info.permissions() & QFile::ExeOther) &&
                !QFile::setPermissions(parent.path(), info.permissions() | QFile::ExeOther))
                return QStringLiteral("cannot open %1 to the postgres user").arg(parent.path());
        }
    } else if (!QDir().mkpath(folder)) {
        return QStringLiteral("cannot create %1").arg(folder);
    }
    m_dataDir = folder + "/data";
    m_port = freeLoopbackPort();
    if (m_port == 0)
        return QStringLiteral("no free loopback port");
    if (!runTool(QStringLiteral("initdb"),
                 {"-D", m_dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"},
                 60000))
        return QStringLiteral("initdb cannot run here: ") + m_lastError;
    const QString options = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -F").arg(m_port).arg(folder);
    if (!runTool(QStringLiteral("pg_ctl"),
                 {"-D", m_dataDir, "-o", options, "-l", folder + "/log", "-w", "-t", "30", "start"}, 40000))
        return QStringLiteral("pg_ctl cannot start a server here: ") + m_lastError;
    m_running = true;
    return {};
}

std::string PostgresServer::dsn() const {
    return QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=postgres").arg(m_port).toStdString();
}

bool PostgresServer::psql(const QString& sql) {
    return runTool(QStringLiteral("psql"),
                   {"-h", "127.0.0.1", "-p", QString::number(m_port), "-U", "postgres", "-d", "postgres", "-v",
                    "ON_ERROR_STOP=1", "-q", "-c", sql},
                   30000);
}

bool PostgresServer::runTool(const QString& tool, const QStringList& args, int timeoutMs) {
    QProcess process;
    const QString program = m_binDir + "/" + tool;
    if (m_asPostgres)
        process.start(QStringLiteral("runuser"), QStringList{"-u", "postgres", "--", program} + args);
    else
        process.start(program, args);
    const bool finished = process.waitForFinished(timeoutMs);
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return true;
    if (!finished)
        process.kill();
    m_lastError = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    if (m_lastError.isEmpty())
        m_lastError = process.errorString();
    return false;
}

} // namespace faaswb::test
