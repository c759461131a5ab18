// Test helper for tst_supervisor's "no orphans" case: runs a Supervisor with two 000.noop instances, prints
// "pids A B" once both are ready and then serves until it is killed.
//   supervisor_orphan_driver <bin dir> <benchmarks root>
#include "localplatform/http_server.h"
#include "localplatform/supervisor.h"

#include <boost/asio/io_context.hpp>
#include <iostream>

using namespace faaswb::localplatform;

namespace {

class Listener : public SupervisorListener {
public:
    std::function<void()> readyChanged;
    int ready = 0;
    void onInstanceReady(const std::string&, std::uint16_t, double) override {
        ++ready;
        readyChanged();
    }
    void onInstanceCrashed(const std::string& name, const std::string& reason, int) override {
        std::cerr << name << " crashed: " << reason << std::endl;
    }
    void onInstanceGone(const std::string&) override {}
    void onInstanceFailed(const std::string& name, const std::string& reason) override {
        std::cerr << name << " failed: " << reason << std::endl;
        std::exit(1);
    }
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: supervisor_orphan_driver <bin dir> <benchmarks root>\n";
        return 2;
    }
    boost::asio::io_context io;
    HttpClient probes(io);
    Listener listener;
    Supervisor supervisor(io, probes, listener);
    auto second = resolveLocalImage("local/000.noop:python", argv[2], argv[1]);
    if (!second) // no python here: two C++ instances prove the same
        second = resolveLocalImage("local/000.noop:cpp", argv[2], argv[1]);
    const auto first = resolveLocalImage("local/000.noop:cpp", argv[2], argv[1]);
    if (!first || !second) {
        std::cerr << (first ? second : first).error().message << std::endl;
        return 1;
    }
    listener.readyChanged = [&] {
        if (listener.ready == 2)
            std::cout << "pids " << *supervisor.pid("first") << ' ' << *supervisor.pid("second") << std::endl;
    };
    if (!supervisor.start({"first", *first, {}, {}}) || !supervisor.start({"second", *second, {}, {}}))
        return 1;
    io.run();
    return 0;
}
