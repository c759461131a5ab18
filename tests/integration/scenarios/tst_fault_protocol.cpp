// A target that breaks HTTP: garbage instead of a status line, or a chunked body with a bad chunk size, is recorded as
// its own error kind (invalid_response), not as a reset or "other", and ends each request at once (no hang). A
// response cut short is still a reset, so the two stay apart.
#include "load/load_generator.h"

#include <QtTest>
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace faaswb;
using namespace faaswb::load;
using namespace std::chrono_literals;

namespace {

// A loopback server that answers every request on a connection with the same bytes, then closes the connection.
// Its thread ends when the server is destroyed.
class RawServer {
public:
    explicit RawServer(std::string reply)
        : m_reply(std::move(reply)) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_fd, 16) != 0 || ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            return;
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~RawServer() {
        m_stopping = true;
        ::shutdown(m_fd, SHUT_RDWR); // wakes accept()
        if (m_thread.joinable())
            m_thread.join();
        ::close(m_fd);
    }
    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/"; }
    bool listening() const { return m_port != 0; }

private:
    void serve() {
        while (!m_stopping) {
            const int client = ::accept(m_fd, nullptr, nullptr);
            if (client < 0)
                return;
            answer(client);
            ::close(client);
        }
    }
    // Reads the request head (GET: no body), then sends the reply.
    void answer(int client) {
        std::string request;
        char buffer[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const auto got = ::recv(client, buffer, sizeof buffer, 0);
            if (got <= 0)
                return;
            request.append(buffer, static_cast<std::size_t>(got));
        }
        (void)::send(client, m_reply.data(), m_reply.size(), MSG_NOSIGNAL);
    }

    std::string m_reply;
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

struct Outcome {
    LoadSummary summary;
    std::chrono::steady_clock::duration elapsed{};
};

class NullSink final : public LoadSink {
public:
    void onInterval(const IntervalSnapshot&, std::vector<RequestRecord>&&) override {}
};

// Ten requests from two virtual users with a 5 s timeout: a misread response would take the timeout.
std::optional<Outcome> drive(const RawServer& server) {
    RequestSpec request;
    request.url = server.url();
    request.timeout = 5000ms;
    LoadModel model = LoadModel::virtualUsers(2, Nanos{0});
    model.maxRequests = 10;
    LoadOptions options;
    options.threads = 1;
    LoadGenerator generator(request, model, options);
    NullSink sink;
    CancellationToken cancel;
    const auto started = std::chrono::steady_clock::now();
    auto summary = generator.run(sink, cancel);
    if (!summary)
        return std::nullopt;
    return Outcome{*summary, std::chrono::steady_clock::now() - started};
}

std::uint64_t errorsOf(const LoadSummary& summary, ErrorKind kind) {
    return summary.errorsByKind[static_cast<std::size_t>(kind)];
}

} // namespace

class TestFaultProtocol : public QObject {
    Q_OBJECT
private slots:
    void brokenResponses_data() {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("kind");
        QTest::newRow("garbage instead of a status line")
            << QByteArray("\x16\x03\x01garbage, not HTTP at all\r\n\r\n") << QStringLiteral("invalid_response");
        QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                      "zz\r\nhello\r\n0\r\n\r\n")
                                        << QStringLiteral("invalid_response");
        QTest::newRow("chunk size line too long")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + QByteArray(64, '1') + "\r\n")
            << QStringLiteral("invalid_response");
        QTest::newRow("status line without a code")
            << QByteArray("HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n") << QStringLiteral("invalid_response");
        // Not a protocol violation: the body ends early because the connection closed. Still a reset.
        QTest::newRow("body cut short") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..")
                                        << QStringLiteral("reset");
    }

    void brokenResponses() {
        QFETCH(QByteArray, reply);
        QFETCH(QString, kind);
        RawServer server(reply.toStdString());
        QVERIFY(server.listening());
        const auto outcome = drive(server);
        QVERIFY(outcome);
        const LoadSummary& summary = outcome->summary;
        QCOMPARE(summary.requests, std::uint64_t(10));
        QCOMPARE(summary.errors, std::uint64_t(10));
        int counted = 0;
        for (int k = 1; k < kErrorKindCount; ++k) {
            if (summary.errorsByKind[k] == 0)
                continue;
            ++counted;
            QCOMPARE(QString::fromLatin1(errorKindName(static_cast<ErrorKind>(k))), kind);
        }
        QCOMPARE(counted, 1);
        QVERIFY2(outcome->elapsed < 3s, qPrintable(QString::number(outcome->elapsed / 1ms)));
        QCOMPARE(errorsOf(summary, ErrorKind::Other), std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestFaultProtocol)
#include "tst_fault_protocol.moc"
