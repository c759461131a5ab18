// Shared by the benchmark suites: starting a language wrapper on an ephemeral loopback port, and a loopback HTTP
// server that keeps what it receives (the next chain step, a K_SINK, or a Zipkin collector). Test main thread only.
#pragma once

#include "testutils.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace faaswb::test {

struct WrapperCommand {
    QString program;
    QStringList args;
    QString missing; // why it cannot run here, when it cannot
};

WrapperCommand wrapperCommand(const QString& language, const QString& id);

// PORT=0 and none of the caller's wrapper variables, plus `extra` (e.g. ZIPKIN_ENDPOINT, K_SINK).
QProcessEnvironment wrapperEnvironment(const std::map<QString, QString>& extra = {});

// Skips the test (missing runtime) or fails it (did not start) and returns nullptr; the caller just returns.
std::unique_ptr<ServerProcess> startWrapper(const QString& id, const QString& language,
                                            const std::map<QString, QString>& extra = {});

// One wrapper's answer to one request.
struct WrapperReply {
    int status = 0; // 0: no HTTP answer (see networkError)
    QByteArray body;
    std::map<QByteArray, QByteArray> headers; // names in lower case
    QString networkError;

    nlohmann::json bodyJson() const; // discarded (is_discarded()) when not JSON
    QByteArray header(const char* name) const;
    QByteArray describe() const; // "HTTP 200 <body start> <error>", for failure messages
};

// One HTTP client per wrapper; QNetworkAccessManager reuses its connections, so keep-alive is exercised too.
class WrapperClient {
public:
    explicit WrapperClient(QString baseUrl, int timeoutMs)
        : m_baseUrl(std::move(baseUrl))
        , m_timeoutMs(timeoutMs) {}

    WrapperReply get(const QString& path) { return send("GET", path, {}, {}); }
    WrapperReply send(const QByteArray& verb, const QString& path, const QByteArray& body,
                      const std::map<QByteArray, QByteArray>& headers);

private:
    QString m_baseUrl;
    int m_timeoutMs;
    QNetworkAccessManager m_network;
};

class CaptureServer : public QObject {
    Q_OBJECT
public:
    struct Request {
        std::map<QByteArray, QByteArray> headers; // names in lower case
        nlohmann::json body;
    };

    explicit CaptureServer(nlohmann::json answer, int status = 200);
    QString url() const;
    const std::vector<Request>& requests() const { return m_requests; }

signals:
    void requestReceived();

private:
    void accept();
    void readFrom(QTcpSocket* socket);

    QTcpServer m_server;
    nlohmann::json m_answer;
    int m_status;
    std::map<QTcpSocket*, QByteArray> m_buffers;
    std::vector<Request> m_requests;
};

} // namespace faaswb::test
