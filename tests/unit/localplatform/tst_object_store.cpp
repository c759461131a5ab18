// The local platform's object store: Kubernetes metadata semantics, label selectors, watches with history replay and
// 410 Gone, change listeners.
#include "localplatform/object_store.h"

#include <QtTest>
#include <chrono>
#include <thread>

using namespace faaswb;
using namespace faaswb::localplatform;

namespace {

Json pod(const std::string& name, Json labels = Json::object()) {
    return {{"metadata", {{"name", name}, {"labels", labels}}}, {"spec", {{"containers", Json::array()}}}};
}

Json service(const std::string& name, const std::string& image) {
    return {{"metadata", {{"name", name}}},
            {"spec", {{"template", {{"spec", {{"containers", {{{"image", image}}}}}}}}}}};
}

std::string rvOf(const Json& object) {
    return object["metadata"]["resourceVersion"].get<std::string>();
}

LabelSelector selector(const std::string& text) {
    auto parsed = LabelSelector::parse(text);
    return parsed ? *parsed : LabelSelector{};
}

struct Recorder {
    std::vector<std::pair<std::string, std::string>> events; // type, name
    std::function<void(const WatchEvent&)> sink() {
        return [this](const WatchEvent& event) {
            events.emplace_back(watchEventTypeName(event.type), event.object["metadata"]["name"].get<std::string>());
        };
    }
};

} // namespace

class TestObjectStore : public QObject {
    Q_OBJECT
private slots:
    void servedResources_haveShortNames() {
        QCOMPARE(resource("services").shortNames, (std::vector<std::string>{"ksvc", "kservice"}));
        QCOMPARE(resource("pods").group, std::string());
        QCOMPARE(resource("podautoscalers").groupVersion(), std::string("autoscaling.internal.knative.dev/v1alpha1"));
        QVERIFY(findResource("eventing.knative.dev", "v1", "triggers"));
        QVERIFY(!findResource("serving.knative.dev", "v1", "pods"));
    }

    void create_fillsMetadata() {
        ObjectStore store([] { return std::string("2026-01-02T03:04:05Z"); });
        const auto before = store.resourceVersion();
        const auto created = store.create(resource("services"), "default", service("hello", "local/a:python"));
        QVERIFY(created.ok());
        const Json& metadata = (*created)["metadata"];
        QCOMPARE((*created)["apiVersion"].get<std::string>(), std::string("serving.knative.dev/v1"));
        QCOMPARE((*created)["kind"].get<std::string>(), std::string("Service"));
        QCOMPARE(metadata["namespace"].get<std::string>(), std::string("default"));
        QCOMPARE(metadata["generation"].get<int>(), 1);
        QCOMPARE(metadata["creationTimestamp"].get<std::string>(), std::string("2026-01-02T03:04:05Z"));
        QCOMPARE(metadata["uid"].get<std::string>().size(), std::size_t(36));
        QVERIFY(rvOf(*created) != before);
        QCOMPARE(rvOf(*created), store.resourceVersion());
        QCOMPARE(*store.get(resource("services"), "default", "hello"), *created);
        QVERIFY(!store.get(resource("services"), "other", "hello"));
    }

    void create_rejectsDuplicatesAndBadNames() {
        ObjectStore store;
        QVERIFY(store.create(resource("pods"), "default", pod("a")).ok());
        const auto again = store.create(resource("pods"), "default", pod("a"));
        QVERIFY(again.is(kube::StatusReason::AlreadyExists));
        QCOMPARE(again.status().httpCode, 409);
        QCOMPARE(again.status().message, std::string("pods \"a\" already exists"));
        QVERIFY(store.create(resource("pods"), "default", pod("Bad_Name")).is(kube::StatusReason::Invalid));
        QVERIFY(store.create(resource("pods"), "default", Json{{"metadata", Json::object()}})
                    .is(kube::StatusReason::Invalid));
        auto generated = store.create(resource("pods"), "default", Json{{"metadata", {{"generateName", "p-"}}}});
        QVERIFY(generated.ok());
        QVERIFY((*generated)["metadata"]["name"].get<std::string>().starts_with("p-"));
    }

    void replace_bumpsGenerationOnlyOnSpecChange() {
        ObjectStore store;
        const auto& type = resource("services");
        auto created = *store.create(type, "default", service("hello", "a"));
        Json relabeled = created;
        relabeled["metadata"]["labels"] = {{"x", "y"}};
        auto replaced = store.replace(type, "default", relabeled);
        QVERIFY(replaced.ok());
        QCOMPARE((*replaced)["metadata"]["generation"].get<int>(), 1);
        QVERIFY(rvOf(*replaced) != rvOf(created));

        Json newImage = *replaced;
        newImage["spec"]["template"]["spec"]["containers"][0]["image"] = "b";
        auto bumped = store.replace(type, "default", newImage);
        QVERIFY(bumped.ok());
        QCOMPARE((*bumped)["metadata"]["generation"].get<int>(), 2);
        QCOMPARE((*bumped)["metadata"]["uid"], created["metadata"]["uid"]);

        const auto stale = store.replace(type, "default", newImage); // newImage carries the old resourceVersion
        QVERIFY(stale.is(kube::StatusReason::Conflict));
        QCOMPARE(stale.status().httpCode, 409);

        const auto unchanged = store.replace(type, "default", *bumped);
        QCOMPARE(rvOf(*unchanged), rvOf(*bumped));
        QVERIFY(store.replace(type, "default", service("missing", "a")).is(kube::StatusReason::NotFound));
    }

    void replace_keepsStatus_mergePatchAndStatus() {
        ObjectStore store;
        const auto& type = resource("services");
        (void)store.create(type, "default", service("hello", "a"));
        auto withStatus = store.updateStatus(type, "default", "hello", {{"observedGeneration", 1}});
        QVERIFY(withStatus.ok());
        const auto rv = rvOf(*withStatus);
        QCOMPARE(rvOf(*store.updateStatus(type, "default", "hello", {{"observedGeneration", 1}})), rv);
        QCOMPARE((*withStatus)["metadata"]["generation"].get<int>(), 1);

        Json body = service("hello", "b");
        body["status"] = {{"observedGeneration", 99}};
        auto replaced = store.replace(type, "default", body);
        QCOMPARE((*replaced)["status"]["observedGeneration"].get<int>(), 1);

        auto patched = store.mergePatch(type, "default", "hello", {{"metadata", {{"labels", {{"team", "x"}}}}}});
        QVERIFY(patched.ok());
        QCOMPARE((*patched)["metadata"]["labels"]["team"].get<std::string>(), std::string("x"));
        QCOMPARE((*patched)["metadata"]["generation"].get<int>(), 2);
        auto statusPatch = store.mergePatch(type, "default", "hello", {{"status", {{"url", "http://x"}}}});
        QCOMPARE((*statusPatch)["status"]["url"].get<std::string>(), std::string("http://x"));
        QCOMPARE((*statusPatch)["status"]["observedGeneration"].get<int>(), 1);
        QVERIFY(store.mergePatch(type, "default", "nope", Json::object()).is(kube::StatusReason::NotFound));
    }

    void list_sortedAndSelected() {
        ObjectStore store;
        const auto& pods = resource("pods");
        (void)store.create(pods, "b", pod("z", {{"app", "x"}}));
        (void)store.create(pods, "a", pod("y", {{"app", "y"}, {"tier", "web"}}));
        (void)store.create(pods, "a", pod("x", {{"app", "x"}}));
        const auto all = store.list(pods, "");
        QCOMPARE(all.items.size(), std::size_t(3));
        QCOMPARE(all.items[0]["metadata"]["name"].get<std::string>(), std::string("x"));
        QCOMPARE(all.items[2]["metadata"]["name"].get<std::string>(), std::string("z"));
        QCOMPARE(all.resourceVersion, store.resourceVersion());
        QCOMPARE(store.list(pods, "a").items.size(), std::size_t(2));
        QCOMPARE(store.list(pods, "", selector("app=x")).items.size(), std::size_t(2));
        QCOMPARE(store.list(pods, "a", selector("app=x")).items.size(), std::size_t(1));
        QCOMPARE(store.list(pods, "", selector("app in (y, z),tier")).items.size(), std::size_t(1));
    }

    void selectors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("matchesWeb");  // labels {app: web, tier: front}
        QTest::addColumn<bool>("matchesNone"); // no labels
        QTest::addRow("empty") << "" << true << true;
        QTest::addRow("equals") << "app=web" << true << false;
        QTest::addRow("double equals") << "app==web" << true << false;
        QTest::addRow("not equals") << "app!=db" << true << true;
        QTest::addRow("not equals same") << "app!=web" << false << true;
        QTest::addRow("exists") << "tier" << true << false;
        QTest::addRow("not exists") << "!tier" << false << true;
        QTest::addRow("in") << "app in (db,web)" << true << false;
        QTest::addRow("notin") << "app notin (web)" << false << true;
        QTest::addRow("joined") << "app=web,tier=front" << true << false;
        QTest::addRow("joined miss") << "app=web,tier=back" << false << false;
        QTest::addRow("knative key") << "serving.knative.dev/service=hello" << false << false;
    }
    void selectors() {
        QFETCH(QString, text);
        QFETCH(bool, matchesWeb);
        QFETCH(bool, matchesNone);
        const auto parsed = LabelSelector::parse(text.toStdString());
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->matches(Json{{"app", "web"}, {"tier", "front"}}), matchesWeb);
        QCOMPARE(parsed->matches(Json()), matchesNone);
    }

    void selectors_rejectSyntaxErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addRow("bad value") << "app=we b";
        QTest::addRow("unclosed set") << "app in (a,b";
        QTest::addRow("unknown operator") << "app within (a)";
        QTest::addRow("empty key") << "=x";
    }
    void selectors_rejectSyntaxErrors() {
        QFETCH(QString, text);
        const auto parsed = LabelSelector::parse(text.toStdString());
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.status().httpCode, 400);
    }

    void watch_liveEventsFilteredByNamespaceAndSelector() {
        ObjectStore store;
        const auto& pods = resource("pods");
        Recorder recorder;
        auto id = store.watch(pods, "default", selector("app=x"), "", recorder.sink());
        QVERIFY(id.ok());
        (void)store.create(pods, "default", pod("a", {{"app", "x"}}));
        (void)store.create(pods, "other", pod("b", {{"app", "x"}}));
        (void)store.create(pods, "default", pod("c", {{"app", "y"}}));
        (void)store.create(resource("services"), "default", service("s", "i"));
        (void)store.markDeleting(pods, "default", "a");
        (void)store.mergePatch(pods, "default", "c", {{"metadata", {{"labels", {{"app", "x"}}}}}});
        (void)store.mergePatch(pods, "default", "c", {{"metadata", {{"labels", {{"app", "z"}}}}}});
        (void)store.remove(pods, "default", "a");
        const std::vector<std::pair<std::string, std::string>> expected{
            {"ADDED", "a"}, {"MODIFIED", "a"}, {"ADDED", "c"}, {"DELETED", "c"}, {"DELETED", "a"}};
        QCOMPARE(recorder.events, expected);
        store.unwatch(*id);
        (void)store.create(pods, "default", pod("d", {{"app", "x"}}));
        QCOMPARE(recorder.events.size(), expected.size());
    }

    void watch_replaysHistoryFromResourceVersion() {
        ObjectStore store;
        const auto& pods = resource("pods");
        (void)store.create(pods, "default", pod("a"));
        const auto from = store.resourceVersion();
        (void)store.create(pods, "default", pod("b"));
        (void)store.remove(pods, "default", "a");
        Recorder recorder;
        QVERIFY(store.watch(pods, "", {}, from, recorder.sink()).ok());
        const std::vector<std::pair<std::string, std::string>> expected{{"ADDED", "b"}, {"DELETED", "a"}};
        QCOMPARE(recorder.events, expected);
        Recorder fromNow;
        QVERIFY(store.watch(pods, "", {}, "0", fromNow.sink()).ok());
        QVERIFY(fromNow.events.empty());
    }

    void watch_tooOldIsGone() {
        ObjectStore store({}, 3);
        const auto& pods = resource("pods");
        const auto start = store.resourceVersion();
        for (const char* name : {"a", "b", "c", "d", "e"})
            (void)store.create(pods, "default", pod(name));
        Recorder recorder;
        const auto gone = store.watch(pods, "", {}, start, recorder.sink());
        QVERIFY(!gone.ok());
        QCOMPARE(gone.status().httpCode, 410);
        QCOMPARE(gone.status().reason, std::string("Expired"));
        QVERIFY(gone.is(kube::StatusReason::Gone));
        // The three newest events are still there: watching from just before them replays them.
        const auto recent = std::to_string(std::stoull(store.resourceVersion()) - 3);
        QVERIFY(store.watch(pods, "", {}, recent, recorder.sink()).ok());
        QCOMPARE(recorder.events.size(), std::size_t(3));
        QVERIFY(store.watch(pods, "", {}, "abc", recorder.sink()).is(kube::StatusReason::BadRequest));
    }

    // Events older than the history's age are compacted even when the count limit is far: a long run's status
    // updates must not grow the daemon for hours. (The wait is the time passing that the test is about.)
    void watch_historyCompactedByAge() {
        ObjectStore store({}, 1000, std::chrono::milliseconds(20));
        const auto& pods = resource("pods");
        const auto start = store.resourceVersion();
        (void)store.create(pods, "default", pod("a"));
        (void)store.create(pods, "default", pod("b"));
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        const auto beforeC = store.resourceVersion();
        (void)store.create(pods, "default", pod("c"));
        Recorder recorder;
        QVERIFY(store.watch(pods, "", {}, start, recorder.sink()).is(kube::StatusReason::Gone));
        QVERIFY(store.watch(pods, "", {}, beforeC, recorder.sink()).ok());
        const std::vector<std::pair<std::string, std::string>> expected{{"ADDED", "c"}};
        QCOMPARE(recorder.events, expected);
    }

    void onChange_calledAfterWatchers_andMayMutate() {
        ObjectStore store;
        const auto& pods = resource("pods");
        std::vector<std::string> order;
        (void)store.watch(pods, "", {}, "", [&](const WatchEvent& event) {
            order.push_back("watch " + std::string(watchEventTypeName(event.type)));
        });
        store.onChange(pods, [&](const WatchEvent& event) {
            order.push_back("listener " + std::string(watchEventTypeName(event.type)));
            if (event.type == WatchEventType::Added) // a controller reacting by updating status
                (void)store.updateStatus(pods, "default", event.object["metadata"]["name"], {{"phase", "Pending"}});
        });
        (void)store.create(pods, "default", pod("a"));
        const std::vector<std::string> expected{"watch ADDED", "listener ADDED", "watch MODIFIED", "listener MODIFIED"};
        QCOMPARE(order, expected);
        QCOMPARE((*store.get(pods, "default", "a"))["status"]["phase"].get<std::string>(), std::string("Pending"));
    }

    void watch_sinkMayUnwatchItself() {
        ObjectStore store;
        const auto& pods = resource("pods");
        int calls = 0;
        ObjectStore::WatchId id = 0;
        id = *store.watch(pods, "", {}, "", [&](const WatchEvent&) {
            ++calls;
            store.unwatch(id);
        });
        (void)store.create(pods, "default", pod("a"));
        (void)store.create(pods, "default", pod("b"));
        QCOMPARE(calls, 1);
    }

    void markDeleting_setsDeletionTimestampOnce() {
        ObjectStore store([] { return std::string("2026-01-02T03:04:05Z"); });
        const auto& pods = resource("pods");
        (void)store.create(pods, "default", pod("a"));
        auto marked = store.markDeleting(pods, "default", "a");
        QCOMPARE((*marked)["metadata"]["deletionTimestamp"].get<std::string>(), std::string("2026-01-02T03:04:05Z"));
        QCOMPARE(rvOf(*store.markDeleting(pods, "default", "a")), rvOf(*marked));
        QVERIFY(store.get(pods, "default", "a"));
        QVERIFY(store.remove(pods, "default", "a").ok());
        QVERIFY(store.remove(pods, "default", "a").is(kube::StatusReason::NotFound));
    }
};

QTEST_GUILESS_MAIN(TestObjectStore)
#include "tst_object_store.moc"
