#include "wrapper_support.h"

#include <QFileInfo>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

namespace faaswb::test {
namespace {

// Debian's python3 first: benchmarks' dependencies are Debian python3-* packages, which only it can import.
QString findPython() {
    const QString configured = qEnvironmentVariable("FAASWB_PYTHON");
    if (!configured.isEmpty())
        return configured;
    if (QFileInfo(QStringLiteral("/usr/bin/python3")).isExecutable())
        return QStringLiteral("/usr/bin/python3");
    return QStandardPaths::findExecutable(QStringLiteral("python3"));
}

QString findNode() {
    const QString configured = qEnvironmentVariable("FAASWB_NODE");
    if (!configured.isEmpty())
        return configured;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    return node.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("nodejs")) : node;
}

} // namespace

WrapperCommand wrapperCommand(const QString& language, const QString& id) {
    const auto source = [&id](const QString& relative) { return sourcePath(relative.arg(id)); };
    if (language == u"cpp")
        return {binaryPath(QStringLiteral("faaswb-function-host")), {id}, {}};
    if (language == u"python") {
        const QString python = findPython();
        return {python,
                {sourcePath(QStringLiteral("benchmarks/wrappers/python/server.py")),
                 source(QStringLiteral("benchmarks/%1/python/function.py"))},
                python.isEmpty() ? QStringLiteral("no python3 on PATH (packaging/install-deps.sh installs it)") : ""};
    }
    if (language == u"nodejs") {
        const QString node = findNode();
        return {node,
                {sourcePath(QStringLiteral("benchmarks/wrappers/nodejs/server.js")),
                 source(QStringLiteral("benchmarks/%1/nodejs/function.js"))},
                node.isEmpty() ? QStringLiteral("no node on PATH (packaging/install-deps.sh installs nodejs)") : ""};
    }
    return {{}, {}, QStringLiteral("unknown language ") + language};
}

QProcessEnvironment wrapperEnvironment(const std::map<QString, QString>& extra) {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PORT"), QStringLiteral("0"));
    for (const char* name : {"HOST", "ZIPKIN_ENDPOINT", "FAASWB_INSTANCE", "FAASWB_SERVICE_NAME", "K_SINK"})
        environment.remove(QString::fromLatin1(name));
    for (const auto& [name, value] : extra)
        environment.insert(name, value);
    return environment;
}

std::unique_ptr<ServerProcess> startWrapper(const QString& id, const QString& language,
                                            const std::map<QString, QString>& extra) {
    const WrapperCommand command = wrapperCommand(language, id);
    if (!command.missing.isEmpty()) {
        QTest::qSkip(qPrintable(command.missing), __FILE__, __LINE__);
        return nullptr;
    }
    auto server = ServerProcess::start(command.program, command.args, wrapperEnvironment(extra));
    if (!server)
        QTest::qFail(qPrintable(QStringLiteral("%1 did not start (its stderr is above)").arg(command.program)),
                     __FILE__, __LINE__);
    return server;
}

CaptureServer::CaptureServer(nlohmann::json answer, int status)
    : m_answer(std::move(answer))
    , m_status(status) {
    connect(&m_server, &QTcpServer::newConnection, this, &CaptureServer::accept);
    m_server.listen(QHostAddress::LocalHost, 0);
}

QString CaptureServer::url() const {
    return QStringLiteral("http://127.0.0.1:%1/").arg(m_server.serverPort());
}

void CaptureServer::accept() {
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

// Keep-alive clients send several requests on one connection: take every complete one in the buffer.
void CaptureServer::readFrom(QTcpSocket* socket) {
    QByteArray& buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (qsizetype headerEnd = buffer.indexOf("\r\n\r\n"); headerEnd >= 0; headerEnd = buffer.indexOf("\r\n\r\n")) {
        Request request;
        for (const QByteArray& line : buffer.left(headerEnd).split('\n').mid(1)) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                request.headers[line.left(colon).trimmed().toLower()] = line.mid(colon + 1).trimmed();
        }
        const qsizetype length = request.headers["content-length"].toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        request.body = nlohmann::json::parse(buffer.mid(headerEnd + 4, length).toStdString(), nullptr, false);
        buffer.remove(0, headerEnd + 4 + length);
        const QByteArray answer = QByteArray::fromStdString(m_answer.dump());
        socket->write("HTTP/1.1 " + QByteArray::number(m_status) +
                      " OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(answer.size()) +
                      "\r\n\r\n" + answer);
        m_requests.push_back(std::move(request));
        emit requestReceived();
    }
}

nlohmann::json WrapperReply::bodyJson() const {
    return nlohmann::json::parse(body.toStdString(), nullptr, false);
}

QByteArray WrapperReply::header(const char* name) const {
    const auto found = headers.find(QByteArray(name).toLower());
    return found == headers.end() ? QByteArray() : found->second;
}

QByteArray WrapperReply::describe() const {
    return QStringLiteral("HTTP %1 %2 %3").arg(status).arg(QString::fromUtf8(body.left(300)), networkError).toUtf8();
}

WrapperReply WrapperClient::send(const QByteArray& verb, const QString& path, const QByteArray& body,
                                 const std::map<QByteArray, QByteArray>& headers) {
    QNetworkRequest request(QUrl(m_baseUrl + path));
    request.setTransferTimeout(m_timeoutMs);
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, verb, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(m_timeoutMs + 1000))
        return {0, {}, {}, QStringLiteral("no reply within %1 ms").arg(m_timeoutMs)};
    WrapperReply result{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(), {}, {}};
    for (const auto& [name, value] : reply->rawHeaderPairs())
        result.headers[name.toLower()] = value;
    if (result.status == 0)
        result.networkError = reply->errorString();
    return result;
}

} // namespace faaswb::test
