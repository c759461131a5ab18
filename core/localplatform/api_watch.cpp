#include "localplatform/api_watch.h"

#include "localplatform/api_common.h"
#include "localplatform/api_http.h"

#include <random>

namespace faaswb::localplatform::api {
namespace {

// The apiserver spreads watch lifetimes over [min-request-timeout, 2 x min-request-timeout] (30-60 minutes).
std::chrono::seconds defaultTimeout() {
    static std::mt19937 engine{std::random_device{}()};
    return std::chrono::seconds(1800 + engine() % 1800);
}

} // namespace

WatchHub::WatchHub(ObjectStore& store, Scheduler schedule)
    : m_store(store)
    , m_schedule(std::move(schedule)) {}

WatchHub::~WatchHub() {
    for (auto& [id, stream] : m_streams)
        m_store.unwatch(stream.storeWatch);
}

void WatchHub::start(WatchOptions options, const std::shared_ptr<ResponseWriter>& writer) {
    const std::uint64_t id = m_nextId++;
    const bool fromNow = options.resourceVersion.empty() || options.resourceVersion == "0";
    m_streams[id] = Stream{options, writer, 0, {}};
    writer->beginStream(200, {{"Content-Type", "application/json"}, {"Cache-Control", "no-cache, private"}});
    std::weak_ptr<WatchHub> weak = weak_from_this();
    writer->onClose([weak, id] {
        if (const auto hub = weak.lock())
            hub->drop(id);
    });
    if (!m_streams.count(id)) // closed already
        return;
    if (fromNow) { // like the apiserver: a watch from "now" first sees every current object as ADDED
        for (const auto& object : m_store.list(*options.type, options.ns, options.selector).items) {
            if ((options.name.empty() || stringAt(metadataOf(object), "name") == options.name) &&
                !write(m_streams.at(id), "ADDED", object))
                return;
        }
    }
    auto watched =
        m_store.watch(*options.type, options.ns, options.selector, fromNow ? std::string() : options.resourceVersion,
                      [weak, id](const WatchEvent& event) {
                          if (const auto hub = weak.lock())
                              hub->forward(id, event);
                      });
    if (!watched) {
        const auto found = m_streams.find(id);
        if (found != m_streams.end() && write(found->second, "ERROR", statusObject(watched.status())))
            finish(id);
        return;
    }
    const auto found = m_streams.find(id);
    if (found == m_streams.end()) { // the client left during the replay
        m_store.unwatch(*watched);
        return;
    }
    found->second.storeWatch = *watched;
    armTimeout(id, options.timeout.count() > 0 ? options.timeout : defaultTimeout());
}

void WatchHub::armTimeout(std::uint64_t id, std::chrono::seconds timeout) {
    m_streams.at(id).deadline = std::chrono::steady_clock::now() + timeout;
    if (!m_schedule)
        return;
    std::weak_ptr<WatchHub> weak = weak_from_this();
    m_schedule(timeout, [weak, id] {
        if (const auto hub = weak.lock())
            hub->finish(id);
    });
}

void WatchHub::forward(std::uint64_t id, const WatchEvent& event) {
    const auto found = m_streams.find(id);
    if (found == m_streams.end())
        return;
    const auto& name = found->second.options.name;
    if (!name.empty() && stringAt(metadataOf(event.object), "name") != name)
        return;
    write(found->second, watchEventTypeName(event.type), event.object);
}

bool WatchHub::write(Stream& stream, const std::string& type, const Json& object) {
    const auto& options = stream.options;
    Json payload = object;
    if (options.table && (type == "ADDED" || type == "MODIFIED" || type == "DELETED")) {
        const std::string version = stringAt(metadataOf(object), "resourceVersion");
        payload = makeTable(*options.type, {object}, version, options.include, std::chrono::system_clock::now());
    }
    const Json event{{"type", type}, {"object", std::move(payload)}};
    const auto writer = stream.writer; // writeChunk may close the stream and drop it
    if (writer->writeChunk(event.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"))
        return true;
    for (const auto& [id, candidate] : m_streams) {
        if (candidate.writer == writer) {
            drop(id);
            break;
        }
    }
    return false;
}

void WatchHub::sendBookmarks() {
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::uint64_t> ids;
    for (const auto& [id, stream] : m_streams)
        ids.push_back(id);
    for (const auto id : ids) {
        const auto found = m_streams.find(id);
        if (found == m_streams.end())
            continue;
        if (!m_schedule && found->second.deadline <= now) {
            finish(id);
            continue;
        }
        if (!found->second.options.bookmarks)
            continue;
        const auto& type = *found->second.options.type;
        write(found->second, "BOOKMARK",
              {{"kind", type.kind},
               {"apiVersion", type.groupVersion()},
               {"metadata", {{"resourceVersion", m_store.resourceVersion()}}}});
    }
}

void WatchHub::finish(std::uint64_t id) {
    const auto found = m_streams.find(id);
    if (found == m_streams.end())
        return;
    const auto writer = found->second.writer;
    drop(id);
    writer->endStream();
}

void WatchHub::drop(std::uint64_t id) {
    const auto found = m_streams.find(id);
    if (found == m_streams.end())
        return;
    m_store.unwatch(found->second.storeWatch);
    m_streams.erase(found);
}

} // namespace faaswb::localplatform::api
