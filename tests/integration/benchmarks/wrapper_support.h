// Shared by the benchmark suites: starting a language wrapper on an ephemeral loopback port, and a loopback HTTP
// server that keeps what it receives (the next chain step, a K_SINK, or a Zipkin collector). Test main thread only.
#pragma once

#include "testutils.h"

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
