// KnativeScaleWatch: the Knative adapter's ScaleWatch (also behind `local`). A kube::Watcher keeps the revision's pods
// (LIST + WATCH, BOOKMARK, 410 -> re-list); the watch's own thread polls the revision's PodAutoscaler once per second
// and calls the sink (only from that thread) on every change and at least once per second.
// Private to core/platform. Destroying it stops and joins both threads.
#pragma once

#include "kube/client.h"
#include "kube/watch.h"
#include "platform/platform.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace faaswb::platform {

class KnativeScaleWatch : public ScaleWatch {
public:
    KnativeScaleWatch(kube::KubeClient client, std::string namespaceName, std::string revision,
                      std::function<void(const ScaleSample&)> sink);
    ~KnativeScaleWatch() override;
    KnativeScaleWatch(const KnativeScaleWatch&) = delete;
    KnativeScaleWatch& operator=(const KnativeScaleWatch&) = delete;

private:
    struct AutoscalerStatus {
        std::optional<int> desired;
        std::optional<int> actual;
        std::optional<bool> panic;
    };

    void run();
    AutoscalerStatus pollAutoscaler() const;
    ScaleSample sample(const AutoscalerStatus& autoscaler);
    void podsListed(const std::vector<nlohmann::json>& items);
    void podEvent(const kube::WatchEvent& event);

    const kube::KubeClient m_client;
    const std::string m_namespace;
    const std::string m_revision;
    const std::function<void(const ScaleSample&)> m_sink;
    const std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    CancellationToken m_stop;

    std::mutex m_mutex; // guards m_pods, m_podsChanged and m_listed (written by the watcher thread)
    std::condition_variable m_wake;
    std::map<std::string, nlohmann::json> m_pods;
    bool m_podsChanged = false;
    bool m_listed = false;

    std::thread m_thread;
    std::unique_ptr<kube::Watcher> m_watcher; // last: its callbacks use everything above
};

} // namespace faaswb::platform
