// libFuzzer target: see fuzz_entries.h.
#include "fuzz_entries.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    faaswb::fuzz::run(faaswb::fuzz::Target::GatewayRequest, {reinterpret_cast<const char*>(data), size});
    return 0;
}
