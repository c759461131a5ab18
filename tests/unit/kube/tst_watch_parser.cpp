#include "kube/api_status.h"
#include "kube/watch.h"

#include <QtTest>

using namespace faaswb;
using kube::WatchEvent;
using kube::WatchEventType;
using nlohmann::json;

namespace {

json pod(const std::string& name, const std::string& resourceVersion) {
    return json{{"kind", "Pod"}, {"metadata", {{"name", name}, {"resourceVersion", resourceVersion}}}};
}

std::string line(const std::string& type, const json& object, const std::string& end = "\n") {
    return json{{"type", type}, {"object", object}}.dump() + end;
}

std::vector<WatchEvent> feedAll(kube::WatchStreamParser& parser, const std::vector<std::string>& chunks) {
    std::vector<WatchEvent> events;
    for (const auto& chunk : chunks) {
        for (auto& event : parser.feed(chunk))
            events.push_back(std::move(event));
    }
    return events;
}

std::string names(const std::vector<WatchEvent>& events) {
    std::string text;
    for (const auto& event : events)
        text +=
            std::string(kube::toString(event.type)) + ":" + event.object.value("/metadata/name"_json_pointer, "") + " ";
    return text;
}

} // namespace

class TestWatchParser : public QObject {
    Q_OBJECT
private slots:
    void wholeLines() {
        kube::WatchStreamParser parser;
        const auto events = parser.feed(line("ADDED", pod("a", "1")) + line("MODIFIED", pod("a", "2")) +
                                        line("DELETED", pod("a", "3")));
        QCOMPARE(names(events), std::string("ADDED:a MODIFIED:a DELETED:a "));
        QCOMPARE(events[1].object["metadata"]["resourceVersion"], json("2"));
        QVERIFY(!parser.hasPartialLine());
    }
    // Every split point of a two-event stream gives the same events, never more, never fewer.
    void byteByByte() {
        const std::string stream = line("ADDED", pod("a", "1")) + line("MODIFIED", pod("b", "2"), "\r\n");
        kube::WatchStreamParser parser;
        std::vector<std::string> bytes;
        for (const char c : stream)
            bytes.emplace_back(1, c);
        QCOMPARE(names(feedAll(parser, bytes)), std::string("ADDED:a MODIFIED:b "));
        for (std::size_t split = 0; split <= stream.size(); ++split) {
            kube::WatchStreamParser splitParser;
            const auto events = feedAll(splitParser, {stream.substr(0, split), stream.substr(split)});
            QCOMPARE(names(events), std::string("ADDED:a MODIFIED:b "));
        }
    }
    void crlfAndBlankLines() {
        kube::WatchStreamParser parser;
        const auto events = parser.feed("\r\n\n" + line("ADDED", pod("a", "1"), "\r\n") + "  \r\n" +
                                        line("DELETED", pod("a", "2"), "\r\n") + "\n");
        QCOMPARE(names(events), std::string("ADDED:a DELETED:a "));
    }
    void multipleEventsAndPartialTail() {
        kube::WatchStreamParser parser;
        const std::string third = line("ADDED", pod("c", "3"));
        auto events = parser.feed(line("ADDED", pod("a", "1")) + line("ADDED", pod("b", "2")) + third.substr(0, 10));
        QCOMPARE(names(events), std::string("ADDED:a ADDED:b "));
        QVERIFY(parser.hasPartialLine());
        events = parser.feed(third.substr(10));
        QCOMPARE(names(events), std::string("ADDED:c "));
    }
    void lastLineWithoutNewline() {
        kube::WatchStreamParser parser;
        QVERIFY(parser.feed(line("ADDED", pod("a", "1"), "")).empty());
        const auto events = parser.finish();
        QCOMPARE(names(events), std::string("ADDED:a "));
        QVERIFY(parser.finish().empty());
    }
    void bookmark() {
        kube::WatchStreamParser parser;
        const json object{{"kind", "Pod"}, {"metadata", {{"resourceVersion", "12345"}}}};
        const auto events = parser.feed(line("BOOKMARK", object));
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(std::string(kube::toString(events[0].type)), std::string("BOOKMARK"));
        QCOMPARE(events[0].object["metadata"]["resourceVersion"], json("12345"));
    }
    void errorGone() {
        kube::WatchStreamParser parser;
        const json status{{"kind", "Status"},    {"apiVersion", "v1"}, {"status", "Failure"},
                          {"reason", "Expired"}, {"code", 410},        {"message", "too old resource version: 1 (2)"}};
        const auto events = parser.feed(line("ERROR", status));
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(std::string(kube::toString(events[0].type)), std::string("ERROR"));
        const auto apiStatus = kube::ApiStatus::fromStatusObject(events[0].object, 200);
        QCOMPARE(apiStatus.httpCode, 410);
        QVERIFY(apiStatus.is(kube::StatusReason::Gone));
    }
    void garbage_data() {
        QTest::addColumn<QString>("text");
        QTest::addRow("not json") << "this is not json";
        QTest::addRow("truncated") << R"({"type":"ADDED","object":{"metadata")";
        QTest::addRow("array") << "[1,2,3]";
        QTest::addRow("no object") << R"({"type":"ADDED"})";
        QTest::addRow("no type") << R"({"object":{}})";
        QTest::addRow("unknown type") << R"({"type":"RENAMED","object":{}})";
        QTest::addRow("binary") << QString::fromLatin1("\x01\x02\xff");
    }
    // A bad line becomes one error event and the stream goes on.
    void garbage() {
        QFETCH(QString, text);
        kube::WatchStreamParser parser;
        const auto events = parser.feed(text.toStdString() + "\n" + line("ADDED", pod("a", "1")));
        QCOMPARE(events.size(), std::size_t(2));
        QCOMPARE(std::string(kube::toString(events[0].type)), std::string("ERROR"));
        QCOMPARE(events[0].object["reason"], json("InvalidWatchEvent"));
        QCOMPARE(events[0].object["code"], json(0));
        QVERIFY(!kube::ApiStatus::fromStatusObject(events[0].object, 0).is(kube::StatusReason::Gone));
        QCOMPARE(names({events[1]}), std::string("ADDED:a "));
    }
};

QTEST_GUILESS_MAIN(TestWatchParser)
#include "tst_watch_parser.moc"
