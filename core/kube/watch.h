// Watching Kubernetes collections (platform-facts §2.3). WatchStreamParser turns the newline-delimited JSON of a
// watch response into events; it is a pure value, one per stream. Watcher runs LIST + WATCH on its own thread,
// resumes from the last resourceVersion, re-lists on 410 Gone, and calls its callbacks on that thread.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "kube/client.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace faaswb::kube {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

std::string_view toString(WatchEventType type); // "ADDED", ...

struct WatchEvent {
    WatchEventType type = WatchEventType::Error;
    nlohmann::json object; // the object; for Error a Status (code 410: the resourceVersion is too old)
};

// A line that is not a watch event becomes an Error event whose Status has reason "InvalidWatchEvent" and code 0,
// so one bad line neither crashes nor ends the stream.
class WatchStreamParser {
public:
    // Feeds bytes as they arrive (any split: mid-line, mid-UTF-8, "\r" | "\n"); returns the events completed by them.
    std::vector<WatchEvent> feed(std::string_view chunk);
    // At the end of the stream: the last line when it had no newline.
    std::vector<WatchEvent> finish();
    bool hasPartialLine() const { return !m_pending.empty(); }

private:
    static std::optional<WatchEvent> parseLine(std::string_view line);
    std::string m_pending;
};

struct WatchOptions {
    std::string path;          // a collection: /api/v1/namespaces/bench/pods
    std::string labelSelector; // serving.knative.dev/revision=hello-00001
    std::string fieldSelector;
    int timeoutSeconds = 300; // the server ends each watch after this; we then resume from the last resourceVersion
    std::chrono::milliseconds retryDelay{500}; // after a failed LIST or WATCH; doubles per failure
    std::chrono::milliseconds maxRetryDelay{30000};
    std::chrono::milliseconds listTimeout{30000};
};

// Called on the watcher's thread. They must not destroy the Watcher; they may call other KubeClient methods.
struct WatchCallbacks {
    // After every LIST (the first, and each resync after 410 Gone): the complete current set. Replace, don't merge.
    std::function<void(const std::vector<nlohmann::json>& items)> onList;
    // ADDED, MODIFIED, DELETED, and ERROR events other than 410 Gone (which the watcher handles by re-listing).
    // BOOKMARKs only move the resume point and are not delivered.
    std::function<void(const WatchEvent& event)> onEvent;
    // A LIST or WATCH failed (connection, 403, ...); the watcher retries after a growing delay.
    std::function<void(const Error& error)> onError;
};

class Watcher {
public:
    // Starts the thread at once; the first thing it does is the LIST.
    Watcher(KubeClient client, WatchOptions options, WatchCallbacks callbacks);
    ~Watcher(); // stop()
    Watcher(const Watcher&) = delete;
    Watcher& operator=(const Watcher&) = delete;

    // Ends the thread within ~100 ms (a blocking watch is cancelled), then returns. Idempotent.
    void stop();
    // The resume point: from the last LIST, event or BOOKMARK.
    std::string resourceVersion() const;

private:
    enum class Outcome { Ended, Expired, Failed, Stopped };

    void run();
    bool relist();
    Outcome watchOnce();
    bool handle(const WatchEvent& event); // false: 410 Gone, stop this watch and re-list
    void fail(const Error& error);
    void setResourceVersion(const nlohmann::json& object);
    std::string watchPath() const;

    const KubeClient m_client;
    const WatchOptions m_options;
    const WatchCallbacks m_callbacks;
    CancellationToken m_stop;
    mutable std::mutex m_mutex;
    std::string m_resourceVersion;
    std::chrono::milliseconds m_delay;
    std::thread m_thread; // last: starts after everything it uses exists
};

} // namespace faaswb::kube
