#include "http_call.h"

#include <cctype>
#include <curl/curl.h>
#include <memory>
#include <sstream>

namespace faaswb::test {
namespace {

size_t appendBody(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

size_t collectHeader(char* data, size_t size, size_t count, void* out) {
    const std::string line(data, size * count);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        value.erase(value.find_last_not_of("\r\n ") + 1);
        (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
    }
    return size * count;
}

} // namespace

HttpReply httpCall(const std::string& url, const HttpCallOptions& options) {
    HttpReply reply;
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!options.token.empty())
        list = curl_slist_append(list, ("Authorization: Bearer " + options.token).c_str());
    for (const auto& [name, value] : options.headers)
        list = curl_slist_append(list, (name + ": " + value).c_str());
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 30000L);
    if (!options.body.empty())
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, options.body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, collectHeader);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &reply.headers);
    if (curl_easy_perform(curl.get()) == CURLE_OK)
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

double prometheusSum(const std::string& exposition, const std::string& metric, const std::vector<std::string>& labels) {
    std::istringstream lines(exposition);
    double total = 0;
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with(metric + "{"))
            continue;
        bool matches = true;
        for (const std::string& label : labels)
            matches = matches && line.find(label) != std::string::npos;
        if (matches)
            total += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return total;
}

} // namespace faaswb::test
