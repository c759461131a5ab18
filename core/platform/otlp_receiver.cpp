// OtlpReceiver: a Beast HTTP server on its own I/O thread that keeps the spans functions export during a run. The
// store is guarded by a mutex: the I/O thread adds, the runner thread reads.
#include "localplatform/http_server.h"
#include "platform/trace_source.h"
#include "trace/zipkin_json.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <charconv>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

namespace faaswb::platform {
namespace {

namespace asio = boost::asio;
using localplatform::HttpRequest;
using localplatform::HttpResponse;
using localplatform::ResponseWriter;

constexpr std::chrono::microseconds kSlack{5'000'000}; // functions stamp spans with their own clocks

struct ListenAddress {
    asio::ip::address ip;
    std::uint16_t port = 0;
};

// "127.0.0.1:4318", "[::1]:4318" or "localhost:4318".
Result<ListenAddress> parseAddress(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
        return invalidInput("otlp receiver: address '" + address + "' must be host:port, e.g. 127.0.0.1:4318");
    std::string host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host == "localhost")
        host = "127.0.0.1";
    const std::string portText = address.substr(colon + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || end != portText.data() + portText.size() || port > 65535)
        return invalidInput("otlp receiver: port '" + portText + "' in '" + address + "' must be 0..65535");
    boost::system::error_code parseError;
    const auto ip = asio::ip::make_address(host, parseError);
    if (parseError)
        return invalidInput("otlp receiver: host '" + host + "' in '" + address + "' is not an IP address");
    return ListenAddress{ip, std::uint16_t(port)};
}

std::string hostPort(const asio::ip::address& ip, std::uint16_t port) {
    return (ip.is_v6() ? "[" + ip.to_string() + "]" : ip.to_string()) + ":" + std::to_string(port);
}

std::string mediaType(const HttpRequest& request) {
    std::string type(request.header("Content-Type").value_or(""));
    type = type.substr(0, type.find(';'));
    type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return type;
}

// Why a body cannot be read, as an HTTP answer; nullopt when it is JSON we can parse.
std::optional<HttpResponse> refuseEncoding(const HttpRequest& request) {
    const std::string type = mediaType(request);
    if (!type.empty() && type != "application/json")
        return localplatform::textResponse(
            415, "only JSON is accepted (Content-Type: application/json; got " + type +
                     "): configure the exporter for OTLP/HTTP JSON (protocol http/json) or Zipkin v2 JSON\n");
    const std::string encoding(request.header("Content-Encoding").value_or("identity"));
    if (encoding != "identity" && !encoding.empty())
        return localplatform::textResponse(415, "compressed bodies (Content-Encoding: " + encoding +
                                                    ") are not accepted: disable compression\n");
    return std::nullopt;
}

class Receiver : public OtlpReceiver {
public:
    explicit Receiver(std::size_t maxSpans)
        : m_maxSpans(std::max<std::size_t>(1, maxSpans)) {}

    ~Receiver() override {
        if (m_thread.joinable()) {
            // The server must be stopped on the I/O thread; then run() returns and the thread ends.
            asio::post(m_io, [this] {
                if (m_server)
                    m_server->stop();
                m_work.reset();
                m_io.stop();
            });
            m_thread.join();
        }
        m_server.reset();
    }

    Status listen(const ListenAddress& where) {
        m_server.emplace(m_io, [this](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
            writer->send(handle(request));
        });
        auto port = m_server->listen(where.ip.to_string(), where.port);
        if (!port)
            return Error{port.error().code, "otlp receiver: " + port.error().message};
        m_address = hostPort(where.ip, *port);
        m_thread = std::thread([this] { m_io.run(); });
        return {};
    }

    Result<std::vector<trace::Span>> spans(const TimeWindow& window) override {
        const auto from = toUs(window.from) - kSlack.count();
        const auto to = toUs(window.to) + kSlack.count();
        std::vector<trace::Span> out;
        const std::lock_guard lock(m_mutex);
        for (const auto& span : m_spans) {
            if (span.startUs >= from && span.startUs <= to)
                out.push_back(span);
        }
        return out;
    }

    std::string describe() const override { return "otlp receiver " + m_address; }
    std::string address() const override { return m_address; }

    std::size_t received() const override {
        const std::lock_guard lock(m_mutex);
        return m_received;
    }

private:
    static std::int64_t toUs(std::chrono::system_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    }

    // On the I/O thread. Answers like the real collectors: OTLP 200 with an empty ExportTraceServiceResponse,
    // Zipkin 202 with no body.
    HttpResponse handle(const HttpRequest& request) {
        const bool otlp = request.path == "/v1/traces";
        if (!otlp && request.path != "/api/v2/spans")
            return localplatform::textResponse(404, "not found: POST spans to /v1/traces or /api/v2/spans\n");
        if (request.method != "POST") {
            auto response = localplatform::textResponse(405, "method not allowed: use POST\n");
            response.headers.emplace_back("Allow", "POST");
            return response;
        }
        if (auto refused = refuseEncoding(request))
            return *refused;
        auto parsed = otlp ? trace::parseOtlpJson(request.body) : trace::parseZipkinSpans(request.body);
        if (!parsed)
            return localplatform::textResponse(400, parsed.error().message + "\n");
        add(std::move(*parsed));
        return otlp ? localplatform::jsonResponse(200, "{}") : localplatform::textResponse(202, "");
    }

    void add(std::vector<trace::Span> spans) {
        const std::lock_guard lock(m_mutex);
        m_received += spans.size();
        for (auto& span : spans)
            m_spans.push_back(std::move(span));
        while (m_spans.size() > m_maxSpans)
            m_spans.pop_front(); // oldest received first: a bounded store must not grow with a long run
    }

    const std::size_t m_maxSpans;
    asio::io_context m_io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_work{asio::make_work_guard(m_io)};
    std::optional<localplatform::HttpServer> m_server;
    std::thread m_thread;
    std::string m_address;
    mutable std::mutex m_mutex;
    std::deque<trace::Span> m_spans;
    std::size_t m_received = 0;
};

} // namespace

Result<std::unique_ptr<OtlpReceiver>> OtlpReceiver::start(const std::string& address, bool allowRemote,
                                                          std::size_t maxSpans) {
    auto where = parseAddress(address);
    if (!where)
        return where.error();
    if (!where->ip.is_loopback() && !allowRemote)
        return invalidInput("otlp receiver: refusing to listen on " + address +
                            ": not a loopback address, so any host could send spans; use 127.0.0.1 (with a "
                            "port-forward or tunnel from the cluster) or allow remote senders explicitly");
    auto receiver = std::make_unique<Receiver>(maxSpans);
    if (auto listening = receiver->listen(*where); !listening)
        return listening.error();
    if (!where->ip.is_loopback())
        std::cerr << "warning: otlp receiver listens on " << receiver->address()
                  << ", which is not loopback: any host that reaches it can add spans to this run\n";
    return std::unique_ptr<OtlpReceiver>(std::move(receiver));
}

} // namespace faaswb::platform
