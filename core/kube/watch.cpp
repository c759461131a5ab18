#include "kube/watch.h"

#include <algorithm>
#include <array>
#include <utility>

namespace faaswb::kube {
namespace {

constexpr std::array<std::pair<std::string_view, WatchEventType>, 5> eventNames{{
    {"ADDED", WatchEventType::Added},
    {"MODIFIED", WatchEventType::Modified},
    {"DELETED", WatchEventType::Deleted},
    {"BOOKMARK", WatchEventType::Bookmark},
    {"ERROR", WatchEventType::Error},
}};

// Stream lines are JSON objects, never pretty-printed; the line itself is not quoted back (it may hold a Secret).
WatchEvent invalidEvent(const std::string& why) {
    return WatchEvent{WatchEventType::Error, nlohmann::json{{"kind", "Status"},
                                                            {"apiVersion", "v1"},
                                                            {"status", "Failure"},
                                                            {"code", 0},
                                                            {"reason", "InvalidWatchEvent"},
                                                            {"message", why}}};
}

bool isBlank(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string resourceVersionOf(const nlohmann::json& object) {
    if (!object.is_object())
        return {};
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return {};
    const auto version = metadata->find("resourceVersion");
    return version != metadata->end() && version->is_string() ? version->get<std::string>() : std::string();
}

} // namespace

std::string_view toString(WatchEventType type) {
    for (const auto& [name, value] : eventNames) {
        if (value == type)
            return name;
    }
    return "ERROR";
}

std::vector<WatchEvent> WatchStreamParser::feed(std::string_view chunk) {
    std::vector<WatchEvent> events;
    m_pending.append(chunk);
    std::size_t start = 0;
    for (std::size_t end = m_pending.find('\n'); end != std::string::npos; end = m_pending.find('\n', start)) {
        if (auto event = parseLine(std::string_view(m_pending).substr(start, end - start)))
            events.push_back(std::move(*event));
        start = end + 1;
    }
    m_pending.erase(0, start);
    return events;
}

std::vector<WatchEvent> WatchStreamParser::finish() {
    std::vector<WatchEvent> events;
    if (auto event = parseLine(m_pending))
        events.push_back(std::move(*event));
    m_pending.clear();
    return events;
}

std::optional<WatchEvent> WatchStreamParser::parseLine(std::string_view line) {
    if (isBlank(line))
        return std::nullopt;
    const auto document = nlohmann::json::parse(line, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return invalidEvent("a watch stream line is not a JSON object");
    const auto type = document.find("type");
    const auto object = document.find("object");
    if (type == document.end() || !type->is_string() || object == document.end())
        return invalidEvent("a watch stream line has no type or object");
    const auto known = std::find_if(eventNames.begin(), eventNames.end(),
                                    [&](const auto& entry) { return entry.first == type->get<std::string>(); });
    if (known == eventNames.end())
        return invalidEvent("unknown watch event type '" + type->get<std::string>() + "'");
    return WatchEvent{known->second, *object};
}

Watcher::Watcher(KubeClient client, WatchOptions options, WatchCallbacks callbacks)
    : m_client(std::move(client))
    , m_options(std::move(options))
    , m_callbacks(std::move(callbacks))
    , m_delay(m_options.retryDelay)
    , m_thread([this] { run(); }) {}

Watcher::~Watcher() {
    stop();
}

void Watcher::stop() {
    m_stop.cancel();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

std::string Watcher::resourceVersion() const {
    const std::lock_guard lock(m_mutex);
    return m_resourceVersion;
}

// LIST, then WATCH again and again from the last resourceVersion; LIST again only when the server says 410.
void Watcher::run() {
    bool needList = true;
    while (!m_stop.isCancelled()) {
        if (needList && !relist())
            continue;
        needList = false;
        switch (watchOnce()) {
        case Outcome::Expired:
            needList = true;
            break;
        case Outcome::Ended:
            m_delay = m_options.retryDelay;
            break;
        case Outcome::Failed:
        case Outcome::Stopped:
            break;
        }
    }
}

bool Watcher::relist() {
    auto list = m_client.list(m_options.path, ListOptions{m_options.labelSelector, m_options.fieldSelector, {}, 0, {}},
                              CallOptions{m_options.listTimeout, &m_stop});
    if (!list) {
        fail(list.error());
        return false;
    }
    setResourceVersion(*list);
    m_delay = m_options.retryDelay;
    std::vector<nlohmann::json> items;
    if (const auto found = list->find("items"); found != list->end() && found->is_array())
        items.assign(found->begin(), found->end());
    if (m_callbacks.onList)
        m_callbacks.onList(items);
    return true;
}

Watcher::Outcome Watcher::watchOnce() {
    WatchStreamParser parser;
    bool expired = false;
    bool heardAnything = false;
    const auto deliver = [&](std::vector<WatchEvent> events) {
        heardAnything = heardAnything || !events.empty();
        for (const auto& event : events) {
            if (!handle(event)) {
                expired = true;
                return false;
            }
        }
        return true;
    };
    // The client-side limit only guards against a server that vanished without closing the connection.
    const CallOptions call{std::chrono::seconds(m_options.timeoutSeconds + 30), &m_stop};
    const auto result = m_client.stream(
        watchPath(), [&](std::string_view chunk) { return deliver(parser.feed(chunk)); }, call);
    if (m_stop.isCancelled())
        return Outcome::Stopped;
    if (result && !expired)
        deliver(parser.finish());
    if (expired || result.is(StatusReason::Gone))
        return Outcome::Expired;
    if (!result) {
        fail(result.error());
        return Outcome::Failed;
    }
    // A server that ends every watch at once would otherwise have us reconnect in a tight loop.
    if (!heardAnything)
        m_stop.waitFor(m_options.retryDelay);
    return Outcome::Ended;
}

bool Watcher::handle(const WatchEvent& event) {
    if (event.type == WatchEventType::Error) {
        if (ApiStatus::fromStatusObject(event.object, 0).is(StatusReason::Gone))
            return false;
    } else {
        setResourceVersion(event.object);
    }
    if (event.type != WatchEventType::Bookmark && m_callbacks.onEvent)
        m_callbacks.onEvent(event);
    return true;
}

// Reports, then waits (waking at once on stop) before the next attempt; the delay doubles up to the maximum.
void Watcher::fail(const Error& error) {
    if (m_stop.isCancelled())
        return;
    if (m_callbacks.onError)
        m_callbacks.onError(error);
    m_stop.waitFor(m_delay);
    m_delay = std::min(m_delay * 2, m_options.maxRetryDelay);
}

void Watcher::setResourceVersion(const nlohmann::json& object) {
    std::string version = resourceVersionOf(object);
    if (version.empty())
        return;
    const std::lock_guard lock(m_mutex);
    m_resourceVersion = std::move(version);
}

std::string Watcher::watchPath() const {
    return withQuery(m_options.path, {{"watch", "1"},
                                      {"resourceVersion", resourceVersion()},
                                      {"allowWatchBookmarks", "true"},
                                      {"labelSelector", m_options.labelSelector},
                                      {"fieldSelector", m_options.fieldSelector},
                                      {"timeoutSeconds", std::to_string(m_options.timeoutSeconds)}});
}

} // namespace faaswb::kube
