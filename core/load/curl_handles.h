// RAII owners for libcurl handles, the process-wide curl_global_init, and the CURLcode -> ErrorKind mapping.
// Private to core/load. The handles are not thread-safe: each belongs to one load worker.
#pragma once

#include "common/result.h"
#include "load/request.h"

#include <curl/curl.h>
#include <memory>
#include <string>

namespace faaswb::load {

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
    void operator()(CURLM* handle) const noexcept { curl_multi_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init exactly once per process (it is not thread-safe itself); an error if libcurl could not start.
Status ensureCurlInitialised();

// Appends "line" to the list; returns the new node (whose data the caller may overwrite in place, keeping its
// length), or nullptr when out of memory.
curl_slist* appendHeader(HeaderList& list, const std::string& line);

// An http:// or https:// URL libcurl can parse, or an invalid-input error saying what is wrong.
Status validateUrl(const std::string& url);

// What a finished transfer means for the user. requestSent distinguishes a timeout while connecting from one
// while waiting for the answer; bodyTooLarge is set by our write callback when it refused more data.
ErrorKind classifyCurlResult(CURLcode code, bool requestSent, bool bodyTooLarge) noexcept;
// Whether libcurl's error message (CURLOPT_ERRORBUFFER) says the peer broke HTTP framing (a bad chunked encoding),
// which libcurl reports with the same code as a reset connection.
bool isProtocolViolation(const char* curlMessage) noexcept;

} // namespace faaswb::load
