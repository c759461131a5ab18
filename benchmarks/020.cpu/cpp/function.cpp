// 020.cpu: counts the primes up to `n` (1..50,000,000) with a sieve of Eratosthenes; CPU-bound.
#include "function_api.h"

#include <vector>

namespace {

std::int64_t countPrimes(std::int64_t n) {
    if (n < 2)
        return 0;
    // One byte per number (not vector<bool>): the same memory traffic as the Python and Node sieves.
    std::vector<unsigned char> composite(static_cast<std::size_t>(n) + 1, 0);
    std::int64_t count = 0;
    for (std::int64_t p = 2; p <= n; ++p) {
        if (composite[static_cast<std::size_t>(p)])
            continue;
        ++count;
        for (std::int64_t multiple = p * p; multiple <= n; multiple += p)
            composite[static_cast<std::size_t>(multiple)] = 1;
    }
    return count;
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    const std::int64_t n = faaswb::bench::integerField(event, "n", 1, 50'000'000);
    return {{"primes", countPrimes(n)}, {"n", n}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("020.cpu", handler);
