// Internals shared by http_server.cpp, http_client.cpp and the gateway: percent-decoding, target splitting and
// hand-written HTTP/1.1 response heads (one string per write keeps the write queue trivial). Pure functions.
#pragma once

#include "localplatform/http_server.h"

#include <string>
#include <string_view>

namespace faaswb::localplatform::detail {

std::string percentDecode(std::string_view text, bool plusIsSpace);
// Splits "/a/b?x=1" into path "/a/b" and query "x=1".
void splitTarget(std::string_view target, std::string_view& path, std::string_view& query);
std::string_view reasonPhrase(int status);
// True for statuses that never carry a body (1xx, 204, 304).
bool statusHasNoBody(int status);

struct ResponseHead {
    int status = 200;
    const HttpHeaders* headers = nullptr;
    std::size_t contentLength = 0;
    bool chunked = false;
    bool close = false;
};
// Appends "HTTP/1.1 ...\r\n" with the given headers (Content-Length, Transfer-Encoding and Connection are computed),
// a default Content-Type text/plain, and the closing blank line.
void appendResponseHead(std::string& out, const ResponseHead& head);
// True when a handler's headers ask to close the connection (Connection: close).
bool headersRequestClose(const HttpHeaders& headers);

} // namespace faaswb::localplatform::detail
