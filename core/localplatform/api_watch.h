// WatchHub: the control API's open watch streams. Each stream is a chunked HTTP response fed from an ObjectStore
// watch as newline-delimited {"type","object"} events (platform-facts §2.3), optionally as Tables for kubectl.
// Private to core/localplatform. Platform thread only.
#pragma once

#include "localplatform/api_table.h"
#include "localplatform/http_server.h"
#include "localplatform/object_store.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace faaswb::localplatform::api {

struct WatchOptions {
    const ResourceType* type = nullptr;
    std::string ns; // empty: all namespaces
    LabelSelector selector;
    std::string name; // fieldSelector metadata.name=..., empty: any
    std::string resourceVersion;
    bool bookmarks = false;
    bool table = false;
    IncludeObject include = IncludeObject::Metadata;
    std::chrono::seconds timeout{0}; // 0: 30-60 minutes, like the apiserver's min-request-timeout
};

using Scheduler = std::function<void(std::chrono::milliseconds, std::function<void()>)>;

class WatchHub : public std::enable_shared_from_this<WatchHub> {
public:
    WatchHub(ObjectStore& store, Scheduler schedule);
    ~WatchHub();

    void start(WatchOptions options, const std::shared_ptr<ResponseWriter>& writer);
    void sendBookmarks(); // also ends streams past their deadline when there is no scheduler
    std::size_t size() const { return m_streams.size(); }

private:
    struct Stream {
        WatchOptions options;
        std::shared_ptr<ResponseWriter> writer;
        ObjectStore::WatchId storeWatch = 0;
        std::chrono::steady_clock::time_point deadline;
    };
    void forward(std::uint64_t id, const WatchEvent& event);
    bool write(Stream& stream, const std::string& type, const Json& object); // false: stream dropped
    void finish(std::uint64_t id);
    void drop(std::uint64_t id);
    void armTimeout(std::uint64_t id, std::chrono::seconds timeout);

    ObjectStore& m_store;
    Scheduler m_schedule;
    std::uint64_t m_nextId = 1;
    std::map<std::uint64_t, Stream> m_streams;
};

} // namespace faaswb::localplatform::api
