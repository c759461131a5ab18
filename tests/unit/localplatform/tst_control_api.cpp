// The control API driven directly through handle() with a recording ResponseWriter: authentication, discovery,
// CRUD with Kubernetes Status errors, admission, watches (replay, 410, bookmarks, timeouts, client leaving), Tables
// and pod metrics.
#include "localplatform/control_api.h"

#include <QtTest>
#include <set>

using namespace faaswb;
using namespace faaswb::localplatform;

namespace {

const std::string kToken = "s3cret-token";
const std::string kServices = "/apis/serving.knative.dev/v1/namespaces/default/services";
const std::string kPods = "/api/v1/namespaces/default/pods";

const char* const kServiceYaml = R"(apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
spec:
  template:
    spec:
      containers:
        - image: local/010.sleep:python
)";

class FakeWriter : public ResponseWriter {
public:
    void send(HttpResponse response) override { m_response = std::move(response); }
    void beginStream(int status, HttpHeaders) override { m_streamStatus = status; }
    bool writeChunk(std::string data) override {
        if (!m_open)
            return false;
        m_chunks.push_back(std::move(data));
        return true;
    }
    void endStream() override { m_ended = true; }
    bool isOpen() const override { return m_open; }
    void onClose(std::function<void()> callback) override { m_onClose = std::move(callback); }

    void clientLeaves() {
        m_open = false;
        if (m_onClose)
            m_onClose();
    }
    int status() const { return m_response ? m_response->status : 0; }
    Json body() const { return Json::parse(m_response ? m_response->body : "null", nullptr, false); }
    std::string contentType() const {
        for (const auto& [name, value] : m_response ? m_response->headers : HttpHeaders())
            if (name == "Content-Type")
                return value;
        return {};
    }
    std::vector<Json> events() const {
        std::vector<Json> result;
        for (const auto& chunk : m_chunks)
            result.push_back(Json::parse(chunk));
        return result;
    }
    std::vector<std::string> eventSummary() const { // "ADDED hello"
        std::vector<std::string> result;
        for (const auto& event : events())
            result.push_back(event["type"].get<std::string>() + " " +
                             event["object"]["metadata"].value("name", std::string("")));
        return result;
    }
    int streamStatus() const { return m_streamStatus; }
    bool ended() const { return m_ended; }
    const std::vector<std::string>& chunks() const { return m_chunks; }

private:
    std::optional<HttpResponse> m_response;
    int m_streamStatus = 0;
    std::vector<std::string> m_chunks;
    bool m_ended = false;
    bool m_open = true;
    std::function<void()> m_onClose;
};

HttpRequest request(const std::string& method, const std::string& target, std::string body = {},
                    HttpHeaders headers = {{"Authorization", "Bearer " + kToken}}) {
    HttpRequest result;
    result.method = method;
    result.target = target;
    const auto question = target.find('?');
    result.path = target.substr(0, question);
    result.query = question == std::string::npos ? std::string() : target.substr(question + 1);
    result.headers = std::move(headers);
    result.body = std::move(body);
    result.remoteAddress = "127.0.0.1";
    return result;
}

HttpHeaders withToken(HttpHeaders headers) {
    headers.emplace_back("Authorization", "Bearer " + kToken);
    return headers;
}

Json podObject(const std::string& name, const std::string& service) {
    return {{"metadata", {{"name", name}, {"labels", {{"serving.knative.dev/service", service}}}}},
            {"spec", {{"containers", {{{"name", "user-container"}, {"image", "x"}}}}}},
            {"status", {{"phase", "Running"}, {"containerStatuses", {{{"ready", true}, {"restartCount", 2}}}}}}};
}

} // namespace

class TestControlApi : public QObject {
    Q_OBJECT

    struct Fixture {
        ObjectStore store;
        SpanStore spans;
        ControlApiHooks hooks;
        std::unique_ptr<ControlApi> api;
        std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> scheduled;

        Fixture() {
            hooks.metricsText = [] { return std::string("faaswb_up 1\n"); };
            hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> callback) {
                scheduled.emplace_back(delay, std::move(callback));
            };
            hooks.podMetrics = [](const std::string&) {
                std::vector<Json> items;
                for (const char* name : {"hello-1", "other-1"})
                    items.push_back({{"kind", "PodMetrics"},
                                     {"metadata", {{"name", name}, {"namespace", "default"}}},
                                     {"containers", {{{"name", "user-container"}, {"usage", {{"cpu", "1m"}}}}}}});
                return items;
            };
            hooks.admitService = [](const Json& service) -> Status {
                if (service["spec"]["template"]["spec"]["containers"][0]["image"] == "local/unknown:python")
                    return invalidInput("spec.template.spec.containers[0].image: no local benchmark \"unknown\"");
                return {};
            };
            rebuild();
        }
        void rebuild() { api = std::make_unique<ControlApi>(store, spans, hooks, kToken); }
        std::shared_ptr<FakeWriter> call(HttpRequest httpRequest) {
            auto writer = std::make_shared<FakeWriter>();
            api->handle(std::move(httpRequest), writer);
            return writer;
        }
        std::shared_ptr<FakeWriter> get(const std::string& target) { return call(request("GET", target)); }
        std::shared_ptr<FakeWriter> createService(const std::string& yaml = kServiceYaml) {
            return call(request("POST", kServices, yaml, withToken({{"Content-Type", "application/yaml"}})));
        }
    };

private slots:
    void token_requiredExceptHealthAndSpanIngest() {
        Fixture f;
        QCOMPARE(f.call(request("GET", "/api/v1/pods", {}, {}))->status(), 401);
        const auto wrong = f.call(request("GET", "/version", {}, {{"Authorization", "Bearer nope"}}));
        QCOMPARE(wrong->status(), 401);
        QCOMPARE(wrong->body()["kind"], Json("Status"));
        QCOMPARE(wrong->body()["reason"], Json("Unauthorized"));
        QCOMPARE(f.call(request("GET", "/metrics", {}, {{"Authorization", "Basic " + kToken}}))->status(), 401);
        QCOMPARE(f.call(request("GET", "/healthz", {}, {}))->status(), 200);
        const auto spans = f.call(request("POST", "/api/v2/spans", "[]", {{"Content-Type", "application/json"}}));
        QVERIFY(spans->status() != 401 && spans->status() != 0);
        QCOMPARE(f.call(request("GET", "/api/v2/services", {}, {}))->status(), 401);
        QCOMPARE(f.get("/api/v2/services")->status(), 200);
    }

    void metrics_prometheusText() {
        Fixture f;
        const auto metrics = f.get("/metrics");
        QCOMPARE(metrics->status(), 200);
        QVERIFY(metrics->contentType().starts_with("text/plain; version=0.0.4"));
    }

    void discovery() {
        Fixture f;
        const auto version = f.get("/version")->body();
        QCOMPARE(version["major"], Json("1"));
        QCOMPARE(version["minor"], Json("31"));
        QCOMPARE(version["gitVersion"], Json("v1.31.0-faaswb"));
        QCOMPARE(f.get("/api")->body()["versions"], Json({"v1"}));

        auto aggregated = request("GET", "/apis");
        aggregated.headers.emplace_back(
            "Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        const auto groups = f.call(aggregated);
        QCOMPARE(groups->contentType(), std::string("application/json"));
        const Json groupList = groups->body();
        QCOMPARE(groupList["kind"], Json("APIGroupList"));
        std::set<std::string> names;
        for (const auto& group : groupList["groups"])
            names.insert(group["name"].get<std::string>());
        const std::set<std::string> expected{"serving.knative.dev", "autoscaling.internal.knative.dev",
                                             "eventing.knative.dev", "sources.knative.dev", "metrics.k8s.io"};
        QCOMPARE(names, expected);

        const auto serving = f.get("/apis/serving.knative.dev/v1")->body();
        QCOMPARE(serving["kind"], Json("APIResourceList"));
        QCOMPARE(serving["groupVersion"], Json("serving.knative.dev/v1"));
        const auto& ksvc = serving["resources"][0];
        QCOMPARE(ksvc["name"], Json("services"));
        QCOMPARE(ksvc["singularName"], Json("service"));
        QCOMPARE(ksvc["kind"], Json("Service"));
        QCOMPARE(ksvc["namespaced"], Json(true));
        QCOMPARE(ksvc["shortNames"], Json({"ksvc", "kservice"}));
        QVERIFY(ksvc["verbs"].dump().find("watch") != std::string::npos);
        const auto core = f.get("/api/v1")->body();
        QCOMPARE(core["resources"][0]["shortNames"], Json({"po"}));
        QCOMPARE(f.get("/apis/metrics.k8s.io/v1beta1")->body()["resources"][0]["kind"], Json("PodMetrics"));
        QCOMPARE(f.get("/apis/serving.knative.dev")->body()["kind"], Json("APIGroup"));
        QCOMPARE(f.get("/apis/apps/v1")->status(), 404);
    }

    void crud_createGetListDelete() {
        Fixture f;
        const auto created = f.createService();
        QCOMPARE(created->status(), 201);
        QCOMPARE(created->body()["metadata"]["namespace"], Json("default"));
        QCOMPARE(created->body()["metadata"]["generation"], Json(1));

        const auto got = f.get(kServices + "/hello");
        QCOMPARE(got->status(), 200);
        QCOMPARE(got->body()["metadata"]["uid"], created->body()["metadata"]["uid"]);
        QCOMPARE(f.get(kServices + "/hello/status")->status(), 200);

        const auto list = f.get(kServices + "?limit=500")->body();
        QCOMPARE(list["kind"], Json("ServiceList"));
        QCOMPARE(list["apiVersion"], Json("serving.knative.dev/v1"));
        QCOMPARE(list["items"].size(), std::size_t(1));
        QVERIFY(list["metadata"]["resourceVersion"].is_string());
        QCOMPARE(f.get("/apis/serving.knative.dev/v1/services")->body()["items"].size(), std::size_t(1));
        QCOMPARE(f.get("/apis/serving.knative.dev/v1/namespaces/other/services")->body()["items"].size(),
                 std::size_t(0));

        const auto deleted = f.call(request("DELETE", kServices + "/hello"));
        QCOMPARE(deleted->status(), 200);
        QCOMPARE(deleted->body()["status"], Json("Success"));
        const auto missing = f.get(kServices + "/hello");
        QCOMPARE(missing->status(), 404);
        QCOMPARE(missing->body()["reason"], Json("NotFound"));
        QCOMPARE(missing->body()["message"], Json("services.serving.knative.dev \"hello\" not found"));
        QCOMPARE(missing->body()["code"], Json(404));
    }

    void crud_createFromJson() {
        Fixture f;
        const Json body{{"apiVersion", "serving.knative.dev/v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "j"}}},
                        {"spec", {{"template", {{"spec", {{"containers", {{{"image", "local/a:cpp"}}}}}}}}}}};
        const auto created =
            f.call(request("POST", kServices, body.dump(), withToken({{"Content-Type", "application/json"}})));
        QCOMPARE(created->status(), 201);
        const auto wrongNamespace = body;
        auto mismatched = wrongNamespace;
        mismatched["metadata"]["namespace"] = "elsewhere";
        QCOMPARE(f.call(request("POST", kServices, mismatched.dump()))->status(), 400);
        QCOMPARE(f.call(request("POST", kServices, "{not json"))->body()["reason"], Json("BadRequest"));
    }

    void errors_conflictAndInvalid() {
        Fixture f;
        QCOMPARE(f.createService()->status(), 201);
        const auto again = f.createService();
        QCOMPARE(again->status(), 409);
        QCOMPARE(again->body()["reason"], Json("AlreadyExists"));

        Json current = f.get(kServices + "/hello")->body();
        current["spec"]["template"]["spec"]["containers"][0]["image"] = "local/020.echo:python";
        const auto replaced = f.call(request("PUT", kServices + "/hello", current.dump()));
        QCOMPARE(replaced->status(), 200);
        QCOMPARE(replaced->body()["metadata"]["generation"], Json(2));
        const auto stale = f.call(request("PUT", kServices + "/hello", current.dump()));
        QCOMPARE(stale->status(), 409);
        QCOMPARE(stale->body()["reason"], Json("Conflict"));

        std::string noImage = kServiceYaml;
        noImage.replace(noImage.find("name: hello"), 11, "name: bad");
        noImage.replace(noImage.find("- image: local/010.sleep:python"), 31, "- name: c");
        const auto invalid = f.createService(noImage);
        QCOMPARE(invalid->status(), 422);
        QCOMPARE(invalid->body()["reason"], Json("Invalid"));
        QVERIFY(invalid->body()["message"].get<std::string>().starts_with("spec.template.spec.containers[0].image"));

        std::string unknown = kServiceYaml;
        unknown.replace(unknown.find("010.sleep"), 9, "unknown");
        const auto rejected = f.createService(unknown);
        QCOMPARE(rejected->status(), 422);
        QCOMPARE(rejected->body()["message"],
                 Json("spec.template.spec.containers[0].image: no local benchmark \"unknown\""));
        QCOMPARE(f.store.list(resource("services"), "").items.size(), std::size_t(1));

        QCOMPARE(f.call(request("DELETE", kServices))->status(), 405);
        QCOMPARE(f.call(request("DELETE", kServices))->body()["reason"], Json("MethodNotAllowed"));
        QCOMPARE(f.get("/apis/serving.knative.dev/v1/namespaces/default/widgets")->status(), 404);
        QCOMPARE(f.get("/nothing/here")->status(), 404);
        QCOMPARE(f.get(kPods + "?labelSelector=a%20in%20(b")->status(), 400);
    }

    void patch_mergeAndApply() {
        Fixture f;
        QCOMPARE(f.createService()->status(), 201);
        const auto merged = f.call(request("PATCH", kServices + "/hello", R"({"metadata":{"labels":{"team":"a"}}})",
                                           withToken({{"Content-Type", "application/merge-patch+json"}})));
        QCOMPARE(merged->status(), 200);
        QCOMPARE(merged->body()["metadata"]["labels"]["team"], Json("a"));
        const auto badPatch = f.call(request("PATCH", kServices + "/hello",
                                             R"({"spec":{"template":{"spec":{"containerConcurrency":5000}}}})",
                                             withToken({{"Content-Type", "application/merge-patch+json"}})));
        QCOMPARE(badPatch->status(), 422);

        std::string other = kServiceYaml;
        other.replace(other.find("name: hello"), 11, "name: applied");
        const auto applied = f.call(request("PATCH", kServices + "/applied?fieldManager=test", other,
                                            withToken({{"Content-Type", "application/apply-patch+yaml"}})));
        QCOMPARE(applied->status(), 201);
        const auto reapplied = f.call(request("PATCH", kServices + "/applied?fieldManager=test", other,
                                              withToken({{"Content-Type", "application/apply-patch+yaml"}})));
        QCOMPARE(reapplied->status(), 200);

        const auto status = f.call(request("PATCH", kServices + "/hello/status", R"({"status":{"url":"http://h"}})",
                                           withToken({{"Content-Type", "application/merge-patch+json"}})));
        QCOMPARE(status->status(), 200);
        QCOMPARE(f.get(kServices + "/hello")->body()["status"]["url"], Json("http://h"));
    }

    void deletePod_marksTerminating() {
        Fixture f;
        (void)f.store.create(resource("pods"), "default", podObject("hello-1", "hello"));
        const auto deleted = f.call(request("DELETE", kPods + "/hello-1"));
        QCOMPARE(deleted->status(), 200);
        QVERIFY(deleted->body()["metadata"].contains("deletionTimestamp"));
        QVERIFY(f.store.get(resource("pods"), "default", "hello-1"));
        QCOMPARE(f.call(request("DELETE", kPods + "/nope"))->status(), 404);
    }

    void list_labelSelector() {
        Fixture f;
        (void)f.store.create(resource("pods"), "default", podObject("hello-1", "hello"));
        (void)f.store.create(resource("pods"), "default", podObject("other-1", "other"));
        const auto selected = f.get(kPods + "?labelSelector=serving.knative.dev%2Fservice%3Dhello")->body();
        QCOMPARE(selected["kind"], Json("PodList"));
        QCOMPARE(selected["items"].size(), std::size_t(1));
        QCOMPARE(selected["items"][0]["metadata"]["name"], Json("hello-1"));
        QCOMPARE(f.get("/api/v1/pods?fieldSelector=metadata.name%3Dother-1")->body()["items"].size(), std::size_t(1));
    }

    void watch_streamsAddedThenLiveEvents() {
        Fixture f;
        (void)f.store.create(resource("pods"), "default", podObject("hello-1", "hello"));
        (void)f.store.create(resource("pods"), "default", podObject("other-1", "other"));
        const auto watch = f.get(kPods + "?watch=1&labelSelector=serving.knative.dev%2Fservice%3Dhello");
        QCOMPARE(watch->streamStatus(), 200);
        QCOMPARE(f.api->openWatches(), std::size_t(1));
        (void)f.store.create(resource("pods"), "default", podObject("hello-2", "hello"));
        (void)f.store.create(resource("pods"), "default", podObject("other-2", "other"));
        (void)f.store.markDeleting(resource("pods"), "default", "hello-1");
        (void)f.store.remove(resource("pods"), "default", "hello-1");
        const std::vector<std::string> expected{"ADDED hello-1", "ADDED hello-2", "MODIFIED hello-1",
                                                "DELETED hello-1"};
        QCOMPARE(watch->eventSummary(), expected);
        QVERIFY(watch->chunks().front().ends_with("\n"));
        QVERIFY(watch->events()[1]["object"]["metadata"]["resourceVersion"].is_string());

        watch->clientLeaves();
        QCOMPARE(f.api->openWatches(), std::size_t(0));
        (void)f.store.create(resource("pods"), "default", podObject("hello-3", "hello"));
        QCOMPARE(watch->chunks().size(), expected.size());
    }

    void watch_fromResourceVersionReplays_tooOldIsExpired() {
        Fixture f;
        (void)f.store.create(resource("pods"), "default", podObject("a", "hello"));
        const auto list = f.get(kPods)->body();
        const std::string rv = list["metadata"]["resourceVersion"];
        (void)f.store.create(resource("pods"), "default", podObject("b", "hello"));
        const auto watch = f.get(kPods + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv);
        QCOMPARE(watch->eventSummary(), std::vector<std::string>{"ADDED b"});
        f.api->sendBookmarks();
        const auto bookmark = watch->events().back();
        QCOMPARE(bookmark["type"], Json("BOOKMARK"));
        QCOMPARE(bookmark["object"]["metadata"]["resourceVersion"], Json(f.store.resourceVersion()));
        QCOMPARE(bookmark["object"]["kind"], Json("Pod"));

        ObjectStore small({}, 2);
        f.hooks.schedule = {};
        auto api = ControlApi(small, f.spans, f.hooks, kToken);
        for (const char* name : {"a", "b", "c", "d"})
            (void)small.create(resource("pods"), "default", podObject(name, "hello"));
        auto writer = std::make_shared<FakeWriter>();
        api.handle(request("GET", kPods + "?watch=1&resourceVersion=1"), writer);
        QCOMPARE(writer->events().size(), std::size_t(1));
        const auto error = writer->events().front();
        QCOMPARE(error["type"], Json("ERROR"));
        QCOMPARE(error["object"]["kind"], Json("Status"));
        QCOMPARE(error["object"]["code"], Json(410));
        QCOMPARE(error["object"]["reason"], Json("Expired"));
        QVERIFY(writer->ended());
        QCOMPARE(api.openWatches(), std::size_t(0));
    }

    void watch_timeoutEndsStream() {
        Fixture f;
        const auto watch = f.get(kPods + "?watch=1&timeoutSeconds=5");
        QCOMPARE(f.scheduled.size(), std::size_t(1));
        QCOMPARE(f.scheduled[0].first, std::chrono::milliseconds(5000));
        QVERIFY(!watch->ended());
        f.scheduled[0].second();
        QVERIFY(watch->ended());
        QCOMPARE(f.api->openWatches(), std::size_t(0));
        const auto noTimeout = f.get(kPods + "?watch=1");
        QCOMPARE(f.scheduled.size(), std::size_t(2));
        QVERIFY(f.scheduled[1].first >= std::chrono::minutes(30) && f.scheduled[1].first <= std::chrono::minutes(60));
    }

    void table_servicesAndPods() {
        Fixture f;
        QCOMPARE(f.createService()->status(), 201);
        (void)f.store.updateStatus(resource("services"), "default", "hello",
                                   {{"url", "http://hello.default.127.0.0.1.sslip.io"},
                                    {"latestCreatedRevisionName", "hello-00001"},
                                    {"latestReadyRevisionName", "hello-00001"},
                                    {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
        (void)f.store.create(resource("pods"), "default", podObject("hello-1", "hello"));
        const HttpHeaders tableAccept = withToken(
            {{"Accept",
              "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
              "application/json"}});
        const auto services = f.call(request("GET", kServices + "?limit=500", {}, tableAccept))->body();
        QCOMPARE(services["kind"], Json("Table"));
        QCOMPARE(services["apiVersion"], Json("meta.k8s.io/v1"));
        std::vector<std::string> columns;
        for (const auto& column : services["columnDefinitions"])
            columns.push_back(column["name"]);
        const std::vector<std::string> expected{"Name", "URL", "LatestCreated", "LatestReady", "Ready", "Reason"};
        QCOMPARE(columns, expected);
        const auto& row = services["rows"][0];
        QCOMPARE(row["cells"],
                 Json({"hello", "http://hello.default.127.0.0.1.sslip.io", "hello-00001", "hello-00001", "True", ""}));
        QCOMPARE(row["object"]["kind"], Json("PartialObjectMetadata"));
        QCOMPARE(row["object"]["metadata"]["name"], Json("hello"));

        const auto pods = f.call(request("GET", kPods, {}, tableAccept))->body();
        QCOMPARE(pods["columnDefinitions"].size(), std::size_t(5));
        QCOMPARE(pods["columnDefinitions"][4]["name"], Json("Age"));
        const auto& cells = pods["rows"][0]["cells"];
        QCOMPARE(cells[0], Json("hello-1"));
        QCOMPARE(cells[1], Json("1/1"));
        QCOMPARE(cells[2], Json("Running"));
        QCOMPARE(cells[3], Json(2));
        QVERIFY(cells[4].get<std::string>().ends_with("s"));

        const auto single = f.call(request("GET", kServices + "/hello", {}, tableAccept))->body();
        QCOMPARE(single["kind"], Json("Table"));
        QCOMPARE(single["rows"].size(), std::size_t(1));
        const auto brokers = f.call(request("GET", "/apis/eventing.knative.dev/v1/brokers", {}, tableAccept))->body();
        QCOMPARE(brokers["columnDefinitions"].size(), std::size_t(2));

        const auto watch = f.call(request("GET", kPods + "?watch=1", {}, tableAccept));
        QCOMPARE(watch->events().front()["object"]["kind"], Json("Table"));
        QCOMPARE(watch->events().front()["object"]["rows"][0]["cells"][0], Json("hello-1"));
    }

    void podMetrics_filteredByPodLabels() {
        Fixture f;
        (void)f.store.create(resource("pods"), "default", podObject("hello-1", "hello"));
        (void)f.store.create(resource("pods"), "default", podObject("other-1", "other"));
        const std::string base = "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods";
        const auto all = f.get(base)->body();
        QCOMPARE(all["kind"], Json("PodMetricsList"));
        QCOMPARE(all["items"].size(), std::size_t(2));
        const auto selected = f.get(base + "?labelSelector=serving.knative.dev/service=hello")->body();
        QCOMPARE(selected["items"].size(), std::size_t(1));
        QCOMPARE(selected["items"][0]["metadata"]["name"], Json("hello-1"));
        QCOMPARE(f.get(base + "/other-1")->body()["kind"], Json("PodMetrics"));
        QCOMPARE(f.get(base + "/missing")->status(), 404);
        QCOMPARE(f.get("/apis/metrics.k8s.io/v1beta1/pods")->body()["items"].size(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestControlApi)
#include "tst_control_api.moc"
