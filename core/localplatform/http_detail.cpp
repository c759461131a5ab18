#include "localplatform/http_detail.h"

#include "common/encoding.h"

#include <boost/beast/http/status.hpp>
#include <cstdio>

namespace faaswb::localplatform::detail {
namespace {

bool isComputedHeader(std::string_view name) {
    return equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "transfer-encoding") ||
           equalsIgnoringCase(name, "connection");
}

} // namespace

std::string percentDecode(std::string_view text, bool plusIsSpace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int high = hexDigitValue(text[i + 1]);
            int low = hexDigitValue(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(char(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(plusIsSpace && c == '+' ? ' ' : c);
    }
    return out;
}

void splitTarget(std::string_view target, std::string_view& path, std::string_view& query) {
    auto mark = target.find('?');
    if (mark == std::string_view::npos) {
        path = target;
        query = {};
        return;
    }
    path = target.substr(0, mark);
    query = target.substr(mark + 1);
}

std::string_view reasonPhrase(int status) {
    auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(unsigned(status)));
    if (reason.empty() || reason.front() == '<')
        return "Unknown";
    return {reason.data(), reason.size()};
}

bool statusHasNoBody(int status) {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

void appendResponseHead(std::string& out, const ResponseHead& head) {
    char statusText[8];
    std::snprintf(statusText, sizeof statusText, "%03d", head.status);
    out.append("HTTP/1.1 ").append(statusText).append(" ").append(reasonPhrase(head.status)).append("\r\n");
    bool hasContentType = false;
    if (head.headers) {
        for (const auto& [name, value] : *head.headers) {
            if (isComputedHeader(name))
                continue;
            hasContentType = hasContentType || equalsIgnoringCase(name, "content-type");
            out.append(name).append(": ").append(value).append("\r\n");
        }
    }
    if (!hasContentType && !statusHasNoBody(head.status))
        out.append("Content-Type: text/plain\r\n");
    if (head.chunked)
        out.append("Transfer-Encoding: chunked\r\n");
    else if (!statusHasNoBody(head.status))
        out.append("Content-Length: ").append(std::to_string(head.contentLength)).append("\r\n");
    if (head.close)
        out.append("Connection: close\r\n");
    out.append("\r\n");
}

bool headersRequestClose(const HttpHeaders& headers) {
    auto value = findHeader(headers, "connection");
    return value && equalsIgnoringCase(*value, "close");
}

} // namespace faaswb::localplatform::detail
