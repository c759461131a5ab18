// The gateway: calling an instance over a kept-alive connection, timeouts, and answering the client.
#include "localplatform/gateway_impl.h"

namespace faaswb::localplatform {

void Gateway::Impl::startProxy(const std::shared_ptr<Instance>& instance, const PendingPtr& pending) {
    pending->stage = Stage::Proxying;
    pending->proxyStarted = Clock::now();
    pending->proxyStartedUs = epochMicros();
    ++instance->inFlight;
    auto& request = pending->request;
    for (const auto& name : trace::propagationHeaderNames())
        request.erase(boost::beast::string_view(name.data(), name.size()));
    for (const auto& [name, value] :
         trace::propagationHeaders(pending->traceId, pending->proxySpanId, pending->ingressSpanId, pending->sampled))
        request.set(boost::beast::string_view(name.data(), name.size()), value);
    if (pending->viaActivator)
        request.set("K-Proxy-Request", "activator");
    request.version(11);
    request.keep_alive(true);
    while (!instance->idle.empty()) {
        auto connection = std::move(instance->idle.back());
        instance->idle.pop_back();
        if (!connection->socket.is_open())
            continue;
        pending->upstream = std::move(connection);
        pending->reused = true;
        return writeUpstream(pending);
    }
    connectUpstream(pending);
}

// Every handler owns the connection it works on: finish() drops the pending's reference (time-out, stop) while an
// operation is still queued, and beast's read touches the buffer and parser once more as it completes.
void Gateway::Impl::connectUpstream(const PendingPtr& pending) {
    pending->reused = false;
    pending->upstream = std::make_shared<UpstreamConnection>(m_io);
    pending->upstream->socket.async_connect(
        pending->instance->endpoint, [weak = weak_from_this(), pending, connection = pending->upstream](error_code ec) {
            auto self = weak.lock();
            if (!self || pending->stage != Stage::Proxying)
                return;
            if (ec)
                return self->upstreamFailed(pending, ec, false);
            error_code ignored;
            connection->socket.set_option(tcp::no_delay(true), ignored);
            self->writeUpstream(pending);
        });
}

void Gateway::Impl::writeUpstream(const PendingPtr& pending) {
    http::async_write(pending->upstream->socket, pending->request,
                      [weak = weak_from_this(), pending, connection = pending->upstream](error_code ec, std::size_t) {
                          auto self = weak.lock();
                          if (!self || pending->stage != Stage::Proxying)
                              return;
                          if (ec)
                              return self->upstreamFailed(pending, ec, false);
                          connection->parser.emplace();
                          connection->parser->body_limit(kUpstreamBodyLimit);
                          if (pending->request.method() == http::verb::head)
                              connection->parser->skip(true);
                          http::async_read(connection->socket, connection->buffer, *connection->parser,
                                           [weak, pending, connection](error_code readEc, std::size_t) {
                                               auto again = weak.lock();
                                               if (!again || pending->stage != Stage::Proxying)
                                                   return;
                                               if (readEc)
                                                   return again->upstreamFailed(pending, readEc,
                                                                                connection->parser->got_some());
                                               again->upstreamDone(pending);
                                           });
                      });
}

// A kept-alive connection the instance had closed fails before any response byte: retry once on a fresh one.
void Gateway::Impl::upstreamFailed(const PendingPtr& pending, error_code ec, bool gotBytes) {
    error_code ignored;
    pending->upstream->socket.close(ignored);
    if (pending->reused && !pending->retried && !gotBytes) {
        pending->retried = true;
        return connectUpstream(pending);
    }
    auto& instance = *pending->instance;
    ++instance.upstreamErrors;
    ++pending->revision->upstreamErrors;
    fail(pending, 502,
         "error proxying to instance " + instance.pod + " (127.0.0.1:" + std::to_string(instance.endpoint.port()) +
             ") of revision " + pending->revision->route.revision + ": " + ec.message() + "\n");
}

void Gateway::Impl::upstreamDone(const PendingPtr& pending) {
    auto& connection = pending->upstream;
    auto response = connection->parser->release();
    connection->parser.reset();
    auto& instance = *pending->instance;
    if (response.keep_alive() && instance.ready && instance.idle.size() < kMaxIdlePerInstance)
        instance.idle.push_back(std::move(connection));
    finish(pending, std::move(response));
}

void Gateway::Impl::onTimeout(const PendingPtr& pending) {
    if (pending->stage == Stage::Done)
        return;
    const auto& revision = pending->revision->route;
    const auto timeout = std::to_string(revision.timeout.count());
    if (pending->stage == Stage::Proxying)
        return fail(pending, 504,
                    "instance " + pending->instance->pod + " of revision " + revision.revision +
                        " did not answer within the revision timeout of " + timeout + " s\n");
    fail(pending, 504,
         "timed out after " + timeout + " s waiting for " +
             (pending->stage == Stage::Held ? "an instance of revision " : "a free slot of revision ") +
             revision.revision + "\n");
}

void Gateway::Impl::fail(const PendingPtr& pending, int status, std::string body) {
    Response response{http::int_to_status(unsigned(status)), 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
    finish(pending, std::move(response));
}

void Gateway::Impl::finish(const PendingPtr& pending, Response&& response) {
    if (pending->stage == Stage::Done)
        return;
    const auto stage = pending->stage;
    pending->stage = Stage::Done;
    pending->timer.cancel();
    m_active.erase(pending);
    const auto now = Clock::now();
    const auto endUs = epochMicros();
    auto& revision = *pending->revision;
    auto instance = pending->instance;
    if (stage == Stage::Held) {
        --revision.heldCount; // its entry in `held` is skipped later
        pending->activatorWaitUs += endUs - pending->waitStartedUs;
    }
    if (instance && stage == Stage::Queued) {
        --instance->queued;
        pending->queueWaitUs += endUs - pending->waitStartedUs;
    }
    if (instance && stage == Stage::Proxying) {
        --instance->inFlight;
        if (pending->upstream) { // not returned to the pool: timed out, failed or stopping
            error_code ignored;
            pending->upstream->socket.close(ignored);
            pending->upstream.reset();
        }
    }
    if (instance && pending->atInstance) {
        instance->concurrency.change(-1, now);
        if (pending->viaActivator)
            instance->proxiedConcurrency.change(-1, now);
    }
    if (pending->viaActivator)
        revision.activatorConcurrency.change(-1, now);
    --revision.inFlight;

    const int status = int(response.result_int());
    ++revision.responsesByCode[status];
    const double latencyMs = seconds(now - pending->arrived) * 1000.0;
    revision.latencySumMs += latencyMs;
    const auto& bounds = latencyBounds();
    auto bucket = std::lower_bound(bounds.begin(), bounds.end(), latencyMs);
    if (bucket == bounds.end())
        ++revision.latencyOverflow;
    else
        ++revision.latencyBuckets[std::size_t(bucket - bounds.begin())];

    if (instance)
        response.set("X-Faaswb-Instance", instance->pod);
    response.set("X-Faaswb-Cold", pending->cold ? "1" : "0");
    auto session = std::move(pending->session);
    session->respond(std::move(response)); // the bytes leave before the bookkeeping below
    if (pending->sampled)
        emitSpans(*pending, status, endUs);

    if (instance && stage == Stage::Proxying) {
        pump(*instance);
        if (!instance->ready)
            pruneInstances(revision);
    }
    dispatchHeld(revision);
}

void Gateway::Impl::failWaiting(Revision& revision, int status, const std::string& body) {
    auto held = std::move(revision.held);
    for (auto& pending : held)
        fail(pending, status, body);
    for (auto& [pod, instance] : revision.instances) {
        auto queue = std::move(instance->queue);
        for (auto& pending : queue)
            fail(pending, status, body);
    }
}

void Gateway::Impl::closeIdle(Instance& instance) {
    for (auto& connection : instance.idle) {
        error_code ignored;
        connection->socket.close(ignored);
    }
    instance.idle.clear();
}

// Instances no longer ready stay until their last request is done; then whoever waits for the drain (the controller,
// to stop the process only now) is told, outside this call.
void Gateway::Impl::pruneInstances(Revision& revision) {
    std::erase_if(revision.instances, [this](const auto& entry) {
        auto& instance = *entry.second;
        if (instance.ready || instance.inFlight != 0 || instance.queued != 0)
            return false;
        for (auto& drained : instance.whenDrained)
            asio::post(m_io, std::move(drained));
        return true;
    });
}

} // namespace faaswb::localplatform
