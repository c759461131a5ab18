#include "cli/interrupt.h"

#include <atomic>
#include <csignal>

namespace faaswb::cli {
namespace {

std::atomic<CancellationToken*> g_token{nullptr};

extern "C" void onInterrupt(int signal) {
    CancellationToken* token = g_token.load();
    if (token && !token->isCancelled()) {
        token->cancel();
        return;
    }
    std::signal(signal, SIG_DFL); // second Ctrl-C: the user really wants out
    std::raise(signal);
}

void install(void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace

InterruptScope::InterruptScope(CancellationToken& token) {
    g_token.store(&token);
    install(onInterrupt);
}

InterruptScope::~InterruptScope() {
    install(SIG_DFL);
    g_token.store(nullptr);
}

} // namespace faaswb::cli
