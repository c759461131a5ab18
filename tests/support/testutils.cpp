#include "testutils.h"

#include <QDir>
#include <QRegularExpression>
#include <QtTest>

namespace faaswb::test {

QString sourcePath(const QString& relative) {
    const QString root = qEnvironmentVariable("FAASWB_SOURCE_ROOT", QStringLiteral(FAASWB_TEST_SOURCE_ROOT));
    return QDir(root).filePath(relative);
}

QString binaryPath(const QString& name) {
    const QString dir = qEnvironmentVariable("FAASWB_BIN_DIR", QStringLiteral(FAASWB_TEST_BIN_DIR));
    return QDir(dir).filePath(name);
}

ServerProcess::~ServerProcess() {
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

std::unique_ptr<ServerProcess> ServerProcess::start(const QString& program, const QStringList& args) {
    return start(program, args, QProcessEnvironment::systemEnvironment());
}

std::unique_ptr<ServerProcess> ServerProcess::start(const QString& program, const QStringList& args,
                                                    const QProcessEnvironment& environment) {
    auto server = std::unique_ptr<ServerProcess>(new ServerProcess);
    server->m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server->m_process.setProcessEnvironment(environment);
    server->m_process.start(program, args);
    if (!server->m_process.waitForStarted(10000)) {
        qWarning("could not start %s: %s", qPrintable(program), qPrintable(server->m_process.errorString()));
        return nullptr;
    }
    static const QRegularExpression portPattern(QStringLiteral("(?:127\\.0\\.0\\.1:|port )(\\d+)"));
    QByteArray seen;
    while (!seen.contains('\n')) {
        if (!server->m_process.waitForReadyRead(10000)) {
            qWarning("%s printed no port line", qPrintable(program));
            return nullptr;
        }
        seen += server->m_process.read(4096);
    }
    const QString firstLine = QString::fromUtf8(seen.left(seen.indexOf('\n')));
    const auto match = portPattern.match(firstLine);
    if (!match.hasMatch()) {
        qWarning("unexpected first line from %s: %s", qPrintable(program), qPrintable(firstLine));
        return nullptr;
    }
    server->m_port = match.captured(1).toInt();
    return server;
}

QString ServerProcess::baseUrl() const {
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

WorkbenchOutcome runWorkbench(const QStringList& args, const QProcessEnvironment& environment, int timeoutMs) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(binaryPath(QStringLiteral("faas-workbench")), args);
    if (!process.waitForFinished(timeoutMs)) {
        qWarning("faas-workbench %s did not finish in %d ms", qPrintable(args.join(u' ')), timeoutMs);
        process.kill();
        process.waitForFinished();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

} // namespace faaswb::test
