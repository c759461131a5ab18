// 030.memory: allocates `mb` MiB (1..4096) and touches every page, so the memory is really resident.
#include "function_api.h"

#include <memory>

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kMiB = 1024 * 1024;

unsigned touch(std::size_t mb) {
    // make_unique_for_overwrite leaves the block uninitialised: only the writes below make pages resident.
    const std::size_t size = mb * kMiB;
    const auto block = std::make_unique_for_overwrite<unsigned char[]>(size);
    for (std::size_t offset = 0; offset < size; offset += kPage)
        block[offset] = 1;
    // Read back through a volatile pointer so the writes cannot be optimised away.
    const volatile unsigned char* readable = block.get();
    unsigned sum = 0;
    for (std::size_t offset = 0; offset < size; offset += kPage * 256)
        sum += readable[offset];
    return sum;
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    const std::int64_t mb = faaswb::bench::integerField(event, "mb", 1, 4096);
    try {
        touch(static_cast<std::size_t>(mb));
    } catch (const std::bad_alloc&) {
        throw std::runtime_error("could not allocate " + std::to_string(mb) + " MiB");
    }
    return {{"allocated_mb", mb}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("030.memory", handler);
