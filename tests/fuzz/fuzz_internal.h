// Shared between the fuzz entry files only.
#pragma once

#include <string>
#include <string_view>

namespace faaswb::fuzz {

[[noreturn]] void propertyFailed(const std::string& what); // prints and aborts, so the fuzzer records the input
void gatewayRequest(std::string_view input);               // fuzz_gateway.cpp

} // namespace faaswb::fuzz
