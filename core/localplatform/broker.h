// Broker: Knative Eventing's broker ingress and trigger dispatch for the local platform (platform-facts §3), on its
// own port. POST /<ns>/<broker> accepts a CloudEvent 1.0 in binary or structured mode (202; 400 malformed, naming
// what is wrong; 404 unknown broker; 405 other methods). Each trigger of the broker whose filter attributes all match
// exactly ("" matches any value) gets the event delivered to its subscriber URL in the broker's chosen format
// (binary by default), retried per the delivery spec (retry count, linear/exponential backoff, retryable codes: no
// response, 5xx, 404, 408, 409, 429), then sent to the dead-letter sink with knativeerrordest/-code/-data. A
// subscriber reply that is a CloudEvent goes back into the broker. Spans: broker ingress and each delivery attempt.
// Platform thread only.
#pragma once

#include "common/result.h"
#include "localplatform/http_server.h"
#include "localplatform/span_store.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

enum class BackoffPolicy { Linear, Exponential };
enum class EventFormat { Binary, Structured }; // spec.delivery.format: "binary" or "json"

// deadLetterSink.ref: an addressable the controller resolves to a URL (e.g. a Knative Service's gateway URL).
struct DestinationRef {
    std::string apiVersion;
    std::string kind;
    std::string name;
    std::string namespaceName; // empty: the Broker's or Trigger's namespace
};

struct DeliverySpec {
    int retry = 0; // retries after the first attempt
    BackoffPolicy backoffPolicy = BackoffPolicy::Exponential;
    std::chrono::milliseconds backoffDelay{0};
    std::string deadLetterSink;                  // URL; empty: events that exhaust retries are dropped (counted)
    std::optional<DestinationRef> deadLetterRef; // deadLetterSink.ref without uri: the controller resolves it
    std::chrono::milliseconds timeout{30000};    // per attempt
    EventFormat format = EventFormat::Binary;
};
// spec.delivery of a Broker or Trigger (retry, backoffPolicy, backoffDelay as ISO-8601 "PT0.2S", deadLetterSink.uri
// or .ref, timeout, format). Absent fields keep `defaults`. Errors name the field: "spec.delivery.backoffDelay: ...".
Result<DeliverySpec> parseDeliverySpec(const nlohmann::json& delivery, const DeliverySpec& defaults = {});
// An ISO-8601 duration ("PT0.2S", "PT1M30S", "P1DT2H", "P2W"); years and months are rejected (no fixed length).
Result<std::chrono::milliseconds> parseIsoDuration(std::string_view text);
// Wait before retry `attempt` (1-based): linear delay x attempt, exponential delay x 2^(attempt-1).
std::chrono::milliseconds retryDelay(const DeliverySpec& spec, int attempt);
bool isRetryableStatus(int httpStatus);

struct CloudEvent {
    std::map<std::string, std::string> attributes; // specversion, id, source, type, subject, time, extensions...
    std::string dataContentType;
    std::string data; // bytes (structured data_base64 decoded; JSON data re-serialised)
};
// Binary mode (ce-* headers, Content-Type = datacontenttype) or structured (application/cloudevents+json); errors
// (InvalidInput) say which attribute is missing or malformed.
Result<CloudEvent> parseCloudEvent(const HttpRequest& request);
// Binary mode: ce-* headers (percent-encoded as the HTTP binding requires) + Content-Type + body.
HttpRequest binaryCloudEventRequest(const CloudEvent& event);
HttpRequest structuredCloudEventRequest(const CloudEvent& event);
// True when the message carries a CloudEvent (a ce-specversion header or an application/cloudevents* content type),
// e.g. a subscriber's reply.
bool isCloudEventMessage(const HttpHeaders& headers);
// The HTTP binding's header value escaping: space, '"', '%' and bytes outside U+0021-U+007E become %XX.
std::string percentEncodeHeaderValue(std::string_view value);
std::string percentDecodeHeaderValue(std::string_view value); // malformed escapes are kept as sent

struct TriggerSpec {
    std::string namespaceName;
    std::string name;
    std::string broker;
    std::map<std::string, std::string> filter; // spec.filter.attributes
    std::string subscriberUrl;                 // resolved by the controller (a service's gateway URL or a uri)
    std::optional<DeliverySpec> delivery;      // defaults to the broker's
};

struct BrokerMetrics {
    std::string namespaceName;
    std::string broker;
    std::string trigger;        // empty for the broker's ingress row
    std::uint64_t accepted = 0; // ingress
    std::uint64_t rejected = 0; // ingress 4xx
    std::uint64_t delivered = 0;
    std::uint64_t retries = 0;
    std::uint64_t deadLettered = 0;
    std::uint64_t dropped = 0;
};

class Broker {
public:
    Broker(boost::asio::io_context& io, HttpClient& client, SpanSink& spans);
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
    void stop();
    // http://127.0.0.1:<port>/<ns>/<name> once listening.
    std::string brokerUrl(const std::string& ns, const std::string& name) const;

    void upsertBroker(const std::string& ns, const std::string& name, const DeliverySpec& delivery);
    void removeBroker(const std::string& ns, const std::string& name); // its triggers stop receiving
    void upsertTrigger(const TriggerSpec& trigger);
    void removeTrigger(const std::string& ns, const std::string& name);
    std::vector<BrokerMetrics> metrics() const;
    std::size_t pendingDeliveries() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
