// The workbench's span receiver (platform/trace_source.h OtlpReceiver) on an ephemeral loopback port: OTLP/HTTP JSON
// and Zipkin v2 JSON posts, the time-window filter, the bound, refused bodies (415, 400), refused addresses, and the
// socket closing with the receiver.
#include "platform/trace_source.h"
#include "trace/zipkin_json.h"

#include <QtTest>
#include <chrono>
#include <curl/curl.h>
#include <memory>
#include <nlohmann/json.hpp>

using namespace faaswb;
using nlohmann::json;

namespace {

using Clock = std::chrono::system_clock;

struct Reply {
    long status = 0; // 0: no answer
    std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// A blocking request with libcurl; POST when `body` is given (with exactly the Content-Type passed).
Reply send(const std::string& url, const std::string& contentType, const std::string& body, bool post = true) {
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, ("Content-Type: " + contentType).c_str()), curl_slist_free_all);
    Reply reply;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    if (post) {
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, long(body.size()));
    }
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
    if (curl_easy_perform(curl.get()) == CURLE_OK)
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

std::string hexId(int n, int width) {
    return QString::number(n, 16).rightJustified(width, QLatin1Char('0')).toStdString();
}

const std::int64_t kT0Us = 1'700'000'000'000'000LL;

json otlpSpan(int n, std::int64_t startUs, int kind) {
    return {{"traceId", hexId(n, 32)},
            {"spanId", hexId(n, 16)},
            {"name", "span-" + std::to_string(n)},
            {"kind", kind},
            {"startTimeUnixNano", std::to_string(startUs * 1000)},
            {"endTimeUnixNano", std::to_string((startUs + 2500) * 1000)},
            {"attributes", json::array({{{"key", "faaswb.cold"}, {"value", {{"stringValue", "true"}}}}})}};
}

json resource(const std::string& service, json spans) {
    return {
        {"resource", {{"attributes", json::array({{{"key", "service.name"}, {"value", {{"stringValue", service}}}}})}}},
        {"scopeSpans", json::array({{{"scope", {{"name", "test"}}}, {"spans", std::move(spans)}}})}};
}

json zipkinSpan(int n, std::int64_t startUs) {
    return {{"traceId", hexId(n, 32)},
            {"id", hexId(n, 16)},
            {"name", "function"},
            {"kind", "SERVER"},
            {"timestamp", startUs},
            {"duration", 100},
            {"localEndpoint", {{"serviceName", "zip"}}}};
}

platform::TimeWindow windowUs(std::int64_t fromUs, std::int64_t toUs) {
    return {Clock::time_point(std::chrono::microseconds(fromUs)), Clock::time_point(std::chrono::microseconds(toUs))};
}

std::unique_ptr<platform::OtlpReceiver> startReceiver(std::size_t maxSpans = 1000) {
    auto receiver = platform::OtlpReceiver::start("127.0.0.1:0", false, maxSpans);
    if (!receiver.ok())
        qWarning("%s", receiver.error().message.c_str());
    return receiver.ok() ? std::move(*receiver) : nullptr;
}

std::string url(const platform::OtlpReceiver& receiver, const std::string& path) {
    return "http://" + receiver.address() + path;
}

} // namespace

class TestOtlpReceiver : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QCOMPARE(curl_global_init(CURL_GLOBAL_ALL), CURLE_OK); }
    void cleanupTestCase() { curl_global_cleanup(); }

    void ephemeralPortAndDescribe() {
        auto receiver = startReceiver();
        QVERIFY(receiver);
        const auto address = receiver->address();
        QVERIFY2(address.rfind("127.0.0.1:", 0) == 0, address.c_str());
        QVERIFY(std::stoi(address.substr(10)) > 0);
        QCOMPARE(receiver->describe(), "otlp receiver " + address);
        QCOMPARE(receiver->received(), std::size_t(0));
    }

    void otlpJsonWithTwoResources() {
        auto receiver = startReceiver();
        QVERIFY(receiver);
        const json body = {
            {"resourceSpans", json::array({resource("alpha", json::array({otlpSpan(1, kT0Us, 2)})),
                                           resource("beta", json::array({otlpSpan(2, kT0Us + 10, 3)}))})}};
        const auto reply = send(url(*receiver, "/v1/traces"), "application/json", body.dump());
        QCOMPARE(reply.status, 200L);
        QCOMPARE(reply.body, std::string("{}"));
        QCOMPARE(receiver->received(), std::size_t(2));
        auto spans = receiver->spans(windowUs(kT0Us, kT0Us + 1000));
        QVERIFY(spans.ok());
        QCOMPARE(spans->size(), std::size_t(2));
        QCOMPARE(spans->at(0).service, std::string("alpha"));
        QCOMPARE(spans->at(0).kind, std::string("SERVER"));
        QCOMPARE(spans->at(0).traceId, hexId(1, 32));
        QCOMPARE(spans->at(0).startUs, kT0Us);
        QCOMPARE(spans->at(0).durationUs, std::int64_t(2500));
        QCOMPARE(spans->at(0).tags.at("faaswb.cold"), std::string("true"));
        QCOMPARE(spans->at(1).service, std::string("beta"));
        QCOMPARE(spans->at(1).kind, std::string("CLIENT"));
    }

    void zipkinJson() {
        auto receiver = startReceiver();
        QVERIFY(receiver);
        const json body = json::array({zipkinSpan(1, kT0Us), zipkinSpan(2, kT0Us + 1)});
        const auto reply = send(url(*receiver, "/api/v2/spans"), "application/json; charset=utf-8", body.dump());
        QCOMPARE(reply.status, 202L);
        auto spans = receiver->spans(windowUs(kT0Us, kT0Us));
        QVERIFY(spans.ok());
        QCOMPARE(spans->size(), std::size_t(2));
        QCOMPARE(spans->at(1).service, std::string("zip"));
        QCOMPARE(spans->at(1).name, std::string("function"));
    }

    void windowKeepsFiveSecondsOfSlack() {
        auto receiver = startReceiver();
        QVERIFY(receiver);
        const std::int64_t s = 1'000'000;
        json spans = json::array();
        int n = 1;
        for (std::int64_t at : {0 * s, 4 * s, 6 * s, 15 * s, 25 * s, 26 * s, 100 * s})
            spans.push_back(zipkinSpan(n++, kT0Us + at));
        QCOMPARE(send(url(*receiver, "/api/v2/spans"), "application/json", spans.dump()).status, 202L);
        auto inWindow = receiver->spans(windowUs(kT0Us + 10 * s, kT0Us + 20 * s));
        QVERIFY(inWindow.ok());
        std::vector<std::int64_t> starts;
        for (const auto& span : *inWindow)
            starts.push_back((span.startUs - kT0Us) / s);
        QCOMPARE(starts, (std::vector<std::int64_t>{6, 15, 25}));
    }

    void boundDropsOldestAndKeepsCount() {
        auto receiver = startReceiver(3);
        QVERIFY(receiver);
        json first = json::array({zipkinSpan(1, kT0Us), zipkinSpan(2, kT0Us), zipkinSpan(3, kT0Us)});
        json second = json::array({zipkinSpan(4, kT0Us), zipkinSpan(5, kT0Us)});
        QCOMPARE(send(url(*receiver, "/api/v2/spans"), "application/json", first.dump()).status, 202L);
        QCOMPARE(send(url(*receiver, "/api/v2/spans"), "application/json", second.dump()).status, 202L);
        QCOMPARE(receiver->received(), std::size_t(5));
        auto spans = receiver->spans(windowUs(kT0Us, kT0Us));
        QVERIFY(spans.ok());
        QCOMPARE(spans->size(), std::size_t(3));
        QCOMPARE(spans->at(0).traceId, hexId(3, 32));
        QCOMPARE(spans->at(2).traceId, hexId(5, 32));
    }

    void refusedBodies() {
        auto receiver = startReceiver();
        QVERIFY(receiver);
        const auto protobuf = send(url(*receiver, "/v1/traces"), "application/x-protobuf", "\x0a\x02zz");
        QCOMPARE(protobuf.status, 415L);
        QVERIFY2(protobuf.body.find("only JSON is accepted") != std::string::npos, protobuf.body.c_str());

        const std::string malformed = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]})";
        const auto expected = trace::parseOtlpJson(malformed);
        QVERIFY(!expected.ok());
        const auto bad = send(url(*receiver, "/v1/traces"), "application/json", malformed);
        QCOMPARE(bad.status, 400L);
        QCOMPARE(bad.body, expected.error().message + "\n");

        const auto notJson = send(url(*receiver, "/api/v2/spans"), "application/json", "[{");
        QCOMPARE(notJson.status, 400L);
        QCOMPARE(send(url(*receiver, "/v1/metrics"), "application/json", "{}").status, 404L);
        QCOMPARE(send(url(*receiver, "/v1/traces"), "application/json", "", false).status, 405L);
        QCOMPARE(receiver->received(), std::size_t(0));
    }

    void refusedAddresses_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("expected");
        QTest::addRow("all interfaces") << "0.0.0.0:0"
                                        << "refusing to listen on 0.0.0.0:0: not a loopback address";
        QTest::addRow("no port") << "127.0.0.1"
                                 << "must be host:port";
        QTest::addRow("port too large") << "127.0.0.1:99999"
                                        << "port '99999'";
        QTest::addRow("port not a number") << "127.0.0.1:http"
                                           << "port 'http'";
        QTest::addRow("host name") << "collector:4318"
                                   << "host 'collector' in 'collector:4318' is not an IP address";
    }

    void refusedAddresses() {
        QFETCH(QString, address);
        QFETCH(QString, expected);
        auto receiver = platform::OtlpReceiver::start(address.toStdString());
        QVERIFY(!receiver.ok());
        QCOMPARE(receiver.error().code, ErrorCode::InvalidInput);
        QVERIFY2(receiver.error().message.find(expected.toStdString()) != std::string::npos,
                 receiver.error().message.c_str());
    }

    void loopbackNamesAreAccepted() {
        auto v6 = platform::OtlpReceiver::start("[::1]:0");
        if (!v6.ok() && v6.error().code == ErrorCode::Platform)
            QSKIP("no IPv6 loopback on this machine");
        QVERIFY2(v6.ok(), v6.ok() ? "" : v6.error().message.c_str());
        QVERIFY2((*v6)->address().rfind("[::1]:", 0) == 0, (*v6)->address().c_str());
        auto localhost = platform::OtlpReceiver::start("localhost:0");
        QVERIFY(localhost.ok());
        QVERIFY((*localhost)->address().rfind("127.0.0.1:", 0) == 0);
    }

    void portInUseIsAPlatformError() {
        auto first = startReceiver();
        QVERIFY(first);
        auto second = platform::OtlpReceiver::start(first->address());
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, ErrorCode::Platform);
        QVERIFY2(second.error().message.find("otlp receiver: ") == 0, second.error().message.c_str());
    }

    void destroyingClosesTheSocket() {
        auto receiver = startReceiver();
        QVERIFY(receiver);
        const auto target = url(*receiver, "/api/v2/spans");
        QCOMPARE(send(target, "application/json", "[]").status, 202L);
        receiver.reset();
        QCOMPARE(send(target, "application/json", "[]").status, 0L);
    }
};

QTEST_GUILESS_MAIN(TestOtlpReceiver)
#include "tst_otlp_receiver.moc"
