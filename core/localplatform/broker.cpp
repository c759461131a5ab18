// Broker ingress and trigger dispatch (platform-facts §3). One Delivery per (event, trigger): attempts on the
// subscriber with backoff timers, then on the dead-letter sink with the same policy, then counted as dropped.
#include "localplatform/broker.h"

#include "common/encoding.h"

#include "localplatform/broker_internal.h"
#include "trace/trace_context.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace faaswb::localplatform {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr std::size_t maxErrorDataBytes = 1024;
// Replies feed back into the broker; a subscriber answering every event with a matching event would loop forever.
// Knative's MT broker once bounded this with the knativebrokerttl extension (default 255); we keep the count inside.
constexpr int maxReplyDepth = 255;
// Zipkin service names: the two halves of Knative's MT broker.
const std::string ingressService = "broker-ingress";
const std::string dispatchService = "broker-filter";

std::int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string objectKey(const std::string& ns, const std::string& name) {
    return ns + "/" + name;
}

// "/ns/name" or "/ns/name/" -> {ns, name}; nullopt for any other shape.
std::optional<std::pair<std::string, std::string>> brokerPath(std::string_view path) {
    if (path.ends_with('/'))
        path.remove_suffix(1);
    if (!path.starts_with('/'))
        return std::nullopt;
    path.remove_prefix(1);
    const auto slash = path.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size() ||
        path.find('/', slash + 1) != std::string_view::npos)
        return std::nullopt;
    return std::make_pair(std::string(path.substr(0, slash)), std::string(path.substr(slash + 1)));
}

// spec.filter.attributes: every entry must equal the event's attribute; "" matches any value, even an absent one.
bool filterMatches(const std::map<std::string, std::string>& filter, const CloudEvent& event) {
    return std::all_of(filter.begin(), filter.end(), [&](const auto& entry) {
        if (entry.second.empty())
            return true;
        if (entry.first == "datacontenttype")
            return event.dataContentType == entry.second;
        const auto found = event.attributes.find(entry.first);
        return found != event.attributes.end() && found->second == entry.second;
    });
}

bool isSuccess(const ClientResponse& response) {
    return response.ok() && response.status >= 200 && response.status < 300;
}

bool isRetryable(const ClientResponse& response) {
    return !response.ok() || isRetryableStatus(response.status);
}

std::string outcomeText(const ClientResponse& response) {
    if (response.ok())
        return std::to_string(response.status);
    switch (response.error) {
    case ClientErrorKind::Connect:
        return "connect-error";
    case ClientErrorKind::Timeout:
        return "timeout";
    case ClientErrorKind::Reset:
        return "reset";
    default:
        return "protocol-error";
    }
}

// knativeerrordata: the subscriber's response body (or our error), at most 1 KiB, base64 when it is not text.
std::string errorData(const ClientResponse& response) {
    if (!response.ok())
        return response.errorMessage;
    const std::string body = response.body.substr(0, maxErrorDataBytes);
    return detail::isUtf8Text(body) ? body : base64Encode(body);
}

struct Counters {
    std::uint64_t delivered = 0;
    std::uint64_t retries = 0;
    std::uint64_t deadLettered = 0;
    std::uint64_t dropped = 0;
};

struct BrokerState {
    DeliverySpec delivery;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
};

struct TriggerState {
    TriggerSpec spec;
    Counters counters;
};

// Where a hop's spans hang: the span that caused it.
struct SpanParent {
    std::string traceId;
    std::string spanId;
    bool sampled = true;
};

struct Delivery {
    std::uint64_t id = 0;
    std::string ns;
    std::string broker;
    std::string trigger;
    CloudEvent event;
    DeliverySpec spec;
    std::string subscriberUrl;
    std::string url; // the current destination: the subscriber, then the dead-letter sink
    bool deadLetter = false;
    int attempt = 0; // attempts made on the current destination
    int depth = 0;   // reply generations before this event
    SpanParent parent;
    std::unique_ptr<asio::steady_timer> timer;
    bool cancelled = false;
};

} // namespace

class Broker::Impl : public std::enable_shared_from_this<Broker::Impl> {
public:
    Impl(asio::io_context& io, HttpClient& client, SpanSink& spans)
        : m_io(io)
        , m_client(client)
        , m_spans(spans) {}

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
    void stop();
    std::string brokerUrl(const std::string& ns, const std::string& name) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + "/" + ns + "/" + name;
    }
    void upsertBroker(const std::string& ns, const std::string& name, const DeliverySpec& delivery) {
        m_brokers[objectKey(ns, name)].delivery = delivery;
    }
    void removeBroker(const std::string& ns, const std::string& name);
    void upsertTrigger(const TriggerSpec& trigger) {
        m_triggers[objectKey(trigger.namespaceName, trigger.name)].spec = trigger;
    }
    void removeTrigger(const std::string& ns, const std::string& name);
    std::vector<BrokerMetrics> metrics() const;
    std::size_t pendingDeliveries() const { return m_pending.size(); }

private:
    void handle(const HttpRequest& request, const std::shared_ptr<ResponseWriter>& writer);
    void reject(BrokerState* broker, const std::shared_ptr<ResponseWriter>& writer, HttpResponse response);
    SpanParent recordIngress(const std::string& ns, const std::string& name, const CloudEvent& event,
                             const std::optional<trace::TraceContext>& incoming, std::int64_t startUs, bool reply);
    void ingest(const std::string& ns, const std::string& name, const CloudEvent& event, const SpanParent& parent,
                int depth);
    void startDelivery(const TriggerState& trigger, const BrokerState& broker, const CloudEvent& event,
                       const SpanParent& parent, int depth);
    void sendAttempt(const std::shared_ptr<Delivery>& delivery);
    void onAttemptDone(const std::shared_ptr<Delivery>& delivery, const std::string& spanId, std::int64_t startUs,
                       const ClientResponse& response);
    void recordAttempt(const Delivery& delivery, const std::string& spanId, std::int64_t startUs,
                       const ClientResponse& response);
    void scheduleRetry(const std::shared_ptr<Delivery>& delivery);
    void onSucceeded(const std::shared_ptr<Delivery>& delivery, const std::string& spanId,
                     const ClientResponse& response);
    void onFailed(const std::shared_ptr<Delivery>& delivery, const ClientResponse& response);
    void ingestReply(const Delivery& delivery, const std::string& spanId, const ClientResponse& response);
    void finish(const Delivery& delivery) { m_pending.erase(delivery.id); }
    void cancelWhere(const std::function<bool(const Delivery&)>& predicate);
    Counters* countersOf(const Delivery& delivery);

    asio::io_context& m_io;
    HttpClient& m_client;
    SpanSink& m_spans;
    std::unique_ptr<HttpServer> m_server;
    std::uint16_t m_port = 0;
    std::map<std::string, BrokerState> m_brokers;   // "ns/name"
    std::map<std::string, TriggerState> m_triggers; // "ns/name"
    std::map<std::uint64_t, std::shared_ptr<Delivery>> m_pending;
    std::uint64_t m_nextId = 1;
};

Result<std::uint16_t> Broker::Impl::listen(const std::string& address, std::uint16_t port) {
    std::weak_ptr<Impl> weak = weak_from_this();
    m_server = std::make_unique<HttpServer>(m_io, [weak](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
        if (auto self = weak.lock())
            self->handle(request, writer);
        else
            writer->send(textResponse(503, "broker is shutting down\n"));
    });
    auto bound = m_server->listen(address, port);
    if (bound)
        m_port = bound.value();
    return bound;
}

void Broker::Impl::stop() {
    if (m_server)
        m_server->stop();
    cancelWhere([](const Delivery&) { return true; });
}

void Broker::Impl::removeBroker(const std::string& ns, const std::string& name) {
    m_brokers.erase(objectKey(ns, name));
    cancelWhere([&](const Delivery& delivery) { return delivery.ns == ns && delivery.broker == name; });
}

void Broker::Impl::removeTrigger(const std::string& ns, const std::string& name) {
    m_triggers.erase(objectKey(ns, name));
    cancelWhere([&](const Delivery& delivery) { return delivery.ns == ns && delivery.trigger == name; });
}

// A request already on the wire cannot be withdrawn from the client: its completion sees `cancelled` and is ignored.
void Broker::Impl::cancelWhere(const std::function<bool(const Delivery&)>& predicate) {
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (!predicate(*it->second)) {
            ++it;
            continue;
        }
        it->second->cancelled = true;
        if (it->second->timer)
            it->second->timer->cancel();
        it = m_pending.erase(it);
    }
}

std::vector<BrokerMetrics> Broker::Impl::metrics() const {
    std::vector<BrokerMetrics> rows;
    for (const auto& [key, broker] : m_brokers) {
        const auto slash = key.find('/');
        BrokerMetrics row{key.substr(0, slash), key.substr(slash + 1), {}};
        row.accepted = broker.accepted;
        row.rejected = broker.rejected;
        rows.push_back(row);
    }
    for (const auto& [key, trigger] : m_triggers) {
        BrokerMetrics row{trigger.spec.namespaceName, trigger.spec.broker, trigger.spec.name};
        row.delivered = trigger.counters.delivered;
        row.retries = trigger.counters.retries;
        row.deadLettered = trigger.counters.deadLettered;
        row.dropped = trigger.counters.dropped;
        rows.push_back(row);
    }
    return rows;
}

void Broker::Impl::handle(const HttpRequest& request, const std::shared_ptr<ResponseWriter>& writer) {
    const std::int64_t startUs = nowUs();
    const auto path = brokerPath(request.path);
    const auto found = path ? m_brokers.find(objectKey(path->first, path->second)) : m_brokers.end();
    BrokerState* broker = found == m_brokers.end() ? nullptr : &found->second;
    if (request.method != "POST") {
        HttpResponse response = textResponse(405, "only POST is allowed; send a CloudEvent to /<namespace>/<broker>\n");
        response.headers.emplace_back("Allow", "POST");
        return reject(broker, writer, std::move(response));
    }
    if (!path)
        return reject(nullptr, writer, textResponse(404, "not a broker path; use /<namespace>/<broker>\n"));
    if (!broker)
        return reject(
            nullptr, writer,
            textResponse(404, "broker \"" + path->second + "\" not found in namespace \"" + path->first + "\"\n"));
    auto event = parseCloudEvent(request);
    if (!event)
        return reject(broker, writer, textResponse(400, "malformed CloudEvent: " + event.error().message + "\n"));
    ++broker->accepted;
    writer->send(HttpResponse{202, {}, {}});
    const auto incoming = trace::extractContext([&](std::string_view name) -> std::optional<std::string> {
        const auto value = findHeader(request.headers, name);
        return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
    });
    const SpanParent parent = recordIngress(path->first, path->second, event.value(), incoming, startUs, false);
    ingest(path->first, path->second, event.value(), parent, 0);
}

void Broker::Impl::reject(BrokerState* broker, const std::shared_ptr<ResponseWriter>& writer, HttpResponse response) {
    if (broker)
        ++broker->rejected;
    writer->send(std::move(response));
}

// The PRODUCER span of an event entering the broker; its id becomes the parent of every delivery attempt.
SpanParent Broker::Impl::recordIngress(const std::string& ns, const std::string& name, const CloudEvent& event,
                                       const std::optional<trace::TraceContext>& incoming, std::int64_t startUs,
                                       bool reply) {
    SpanParent parent{incoming ? incoming->traceId : trace::newTraceId(), trace::newSpanId(),
                      incoming ? incoming->sampled : true};
    if (!parent.sampled)
        return parent;
    trace::Span span;
    span.traceId = parent.traceId;
    span.spanId = parent.spanId;
    span.parentId = incoming ? incoming->spanId : std::string();
    span.service = ingressService;
    span.name = "broker-ingress";
    span.kind = "PRODUCER";
    span.startUs = startUs;
    span.durationUs = std::max<std::int64_t>(1, nowUs() - startUs);
    span.tags = {{"broker", ns + "/" + name},
                 {"cloudevents.id", event.attributes.at("id")},
                 {"cloudevents.source", event.attributes.at("source")},
                 {"cloudevents.type", event.attributes.at("type")}};
    if (reply)
        span.tags["reply"] = "true";
    m_spans.add(std::move(span));
    return parent;
}

void Broker::Impl::ingest(const std::string& ns, const std::string& name, const CloudEvent& event,
                          const SpanParent& parent, int depth) {
    const auto broker = m_brokers.find(objectKey(ns, name));
    if (broker == m_brokers.end())
        return;
    for (const auto& [key, trigger] : m_triggers)
        if (trigger.spec.namespaceName == ns && trigger.spec.broker == name &&
            filterMatches(trigger.spec.filter, event))
            startDelivery(trigger, broker->second, event, parent, depth);
}

void Broker::Impl::startDelivery(const TriggerState& trigger, const BrokerState& broker, const CloudEvent& event,
                                 const SpanParent& parent, int depth) {
    auto delivery = std::make_shared<Delivery>();
    delivery->id = m_nextId++;
    delivery->ns = trigger.spec.namespaceName;
    delivery->broker = trigger.spec.broker;
    delivery->trigger = trigger.spec.name;
    delivery->event = event;
    delivery->spec = trigger.spec.delivery.value_or(broker.delivery);
    delivery->subscriberUrl = trigger.spec.subscriberUrl;
    delivery->url = trigger.spec.subscriberUrl;
    delivery->depth = depth;
    delivery->parent = parent;
    m_pending.emplace(delivery->id, delivery);
    sendAttempt(delivery);
}

void Broker::Impl::sendAttempt(const std::shared_ptr<Delivery>& delivery) {
    ++delivery->attempt;
    const std::string spanId = trace::newSpanId();
    const std::int64_t startUs = nowUs();
    const auto url = parseHttpUrl(delivery->url);
    if (!url) {
        ClientResponse failure;
        failure.error = ClientErrorKind::Protocol;
        failure.errorMessage = url.error().message;
        recordAttempt(*delivery, spanId, startUs, failure);
        return onFailed(delivery, failure); // not retried: the URL will not parse any better later
    }
    HttpRequest request = delivery->spec.format == EventFormat::Binary ? binaryCloudEventRequest(delivery->event)
                                                                       : structuredCloudEventRequest(delivery->event);
    request.target = url->target;
    request.path = url->target.substr(0, url->target.find('?'));
    // Knative's broker filter asks subscribers for a reply event.
    request.headers.emplace_back("Prefer", "reply");
    for (auto& header :
         trace::propagationHeaders(delivery->parent.traceId, spanId, delivery->parent.spanId, delivery->parent.sampled))
        request.headers.push_back(std::move(header));
    std::weak_ptr<Impl> weak = weak_from_this();
    m_client.send(url->host, url->port, std::move(request), delivery->spec.timeout,
                  [weak, delivery, spanId, startUs](ClientResponse response) {
                      if (auto self = weak.lock())
                          self->onAttemptDone(delivery, spanId, startUs, response);
                  });
}

void Broker::Impl::onAttemptDone(const std::shared_ptr<Delivery>& delivery, const std::string& spanId,
                                 std::int64_t startUs, const ClientResponse& response) {
    if (delivery->cancelled)
        return;
    recordAttempt(*delivery, spanId, startUs, response);
    if (isSuccess(response))
        return onSucceeded(delivery, spanId, response);
    if (isRetryable(response) && delivery->attempt <= delivery->spec.retry)
        return scheduleRetry(delivery);
    onFailed(delivery, response);
}

void Broker::Impl::recordAttempt(const Delivery& delivery, const std::string& spanId, std::int64_t startUs,
                                 const ClientResponse& response) {
    if (!delivery.parent.sampled)
        return;
    trace::Span span;
    span.traceId = delivery.parent.traceId;
    span.spanId = spanId;
    span.parentId = delivery.parent.spanId;
    span.service = dispatchService;
    span.name = "broker-dispatch";
    span.kind = "CLIENT";
    span.startUs = startUs;
    span.durationUs = std::max<std::int64_t>(1, nowUs() - startUs);
    span.tags = {{"trigger", delivery.ns + "/" + delivery.trigger},
                 {"attempt", std::to_string(delivery.attempt)},
                 {"status", outcomeText(response)},
                 {"http.url", delivery.url}};
    if (response.ok())
        span.tags["http.status_code"] = std::to_string(response.status);
    if (delivery.deadLetter)
        span.tags["deadletter"] = "true";
    if (!isSuccess(response))
        span.tags["error"] = response.ok() ? "HTTP " + std::to_string(response.status) : response.errorMessage;
    m_spans.add(std::move(span));
}

void Broker::Impl::scheduleRetry(const std::shared_ptr<Delivery>& delivery) {
    if (auto* counters = countersOf(*delivery))
        ++counters->retries;
    delivery->timer = std::make_unique<asio::steady_timer>(m_io, retryDelay(delivery->spec, delivery->attempt));
    std::weak_ptr<Impl> weak = weak_from_this();
    delivery->timer->async_wait([weak, delivery](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (error || !self || delivery->cancelled)
            return;
        self->sendAttempt(delivery);
    });
}

void Broker::Impl::onSucceeded(const std::shared_ptr<Delivery>& delivery, const std::string& spanId,
                               const ClientResponse& response) {
    finish(*delivery);
    auto* counters = countersOf(*delivery);
    if (delivery->deadLetter) {
        if (counters)
            ++counters->deadLettered;
        return;
    }
    if (counters)
        ++counters->delivered;
    if (isCloudEventMessage(response.headers))
        ingestReply(*delivery, spanId, response);
}

// Exhausted or non-retryable: on to the dead-letter sink (once), else the event is dropped.
void Broker::Impl::onFailed(const std::shared_ptr<Delivery>& delivery, const ClientResponse& response) {
    if (delivery->deadLetter || delivery->spec.deadLetterSink.empty()) {
        finish(*delivery);
        if (auto* counters = countersOf(*delivery))
            ++counters->dropped;
        return;
    }
    auto& attributes = delivery->event.attributes;
    attributes["knativeerrordest"] = delivery->subscriberUrl;
    if (response.ok())
        attributes["knativeerrorcode"] = std::to_string(response.status);
    if (const std::string data = errorData(response); !data.empty())
        attributes["knativeerrordata"] = data;
    delivery->deadLetter = true;
    delivery->attempt = 0;
    delivery->url = delivery->spec.deadLetterSink;
    sendAttempt(delivery);
}

// A 2xx answer that is itself a CloudEvent enters the same broker as a new event (the dispatch span its parent).
void Broker::Impl::ingestReply(const Delivery& delivery, const std::string& spanId, const ClientResponse& response) {
    if (delivery.depth + 1 >= maxReplyDepth)
        return;
    HttpRequest message;
    message.method = "POST";
    message.headers = response.headers;
    message.body = response.body;
    auto event = parseCloudEvent(message);
    const auto broker = m_brokers.find(objectKey(delivery.ns, delivery.broker));
    if (!event || broker == m_brokers.end())
        return;
    ++broker->second.accepted;
    const trace::TraceContext caller{delivery.parent.traceId, spanId, delivery.parent.spanId, delivery.parent.sampled};
    const SpanParent parent = recordIngress(delivery.ns, delivery.broker, event.value(), caller, nowUs(), true);
    ingest(delivery.ns, delivery.broker, event.value(), parent, delivery.depth + 1);
}

Counters* Broker::Impl::countersOf(const Delivery& delivery) {
    const auto found = m_triggers.find(objectKey(delivery.ns, delivery.trigger));
    return found == m_triggers.end() ? nullptr : &found->second.counters;
}

Broker::Broker(boost::asio::io_context& io, HttpClient& client, SpanSink& spans)
    : m_impl(std::make_shared<Impl>(io, client, spans)) {}

Broker::~Broker() {
    m_impl->stop();
}

Result<std::uint16_t> Broker::listen(const std::string& address, std::uint16_t port) {
    return m_impl->listen(address, port);
}

void Broker::stop() {
    m_impl->stop();
}

std::string Broker::brokerUrl(const std::string& ns, const std::string& name) const {
    return m_impl->brokerUrl(ns, name);
}

void Broker::upsertBroker(const std::string& ns, const std::string& name, const DeliverySpec& delivery) {
    m_impl->upsertBroker(ns, name, delivery);
}

void Broker::removeBroker(const std::string& ns, const std::string& name) {
    m_impl->removeBroker(ns, name);
}

void Broker::upsertTrigger(const TriggerSpec& trigger) {
    m_impl->upsertTrigger(trigger);
}

void Broker::removeTrigger(const std::string& ns, const std::string& name) {
    m_impl->removeTrigger(ns, name);
}

std::vector<BrokerMetrics> Broker::metrics() const {
    return m_impl->metrics();
}

std::size_t Broker::pendingDeliveries() const {
    return m_impl->pendingDeliveries();
}

} // namespace faaswb::localplatform
