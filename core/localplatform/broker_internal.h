// Byte helpers shared by the broker's translation units (cloudevent.cpp, broker.cpp). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace faaswb::localplatform::detail {

bool isUtf8Text(std::string_view bytes);          // valid UTF-8 without control characters other than \t\r\n

} // namespace faaswb::localplatform::detail
