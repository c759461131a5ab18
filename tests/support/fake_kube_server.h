// FakeKubeServer: a miniature Kubernetes API server for tests — HTTP/1.1 on 127.0.0.1 with an ephemeral port, served
// by Boost.Beast on its own thread inside the test process. It keeps objects of the collections it is given in memory
// (list with labelSelector, get, create, merge/json/apply patch, put with resourceVersion check, delete), answers
// errors with Kubernetes Status objects, and plays scripted watch streams. Qt-free, so any test can use it.
// Thread-safe: configure and inspect it from the test thread while it serves.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faaswb::test {

struct FakeRequest {
    std::string method;
    std::string target;                       // path and query as sent (origin form, also when proxied)
    bool proxied = false;                     // sent in absolute form ("GET http://host/path"), as to a proxy
    std::string path;                         // without the query
    std::map<std::string, std::string> query; // decoded
    std::string authorization;
    std::string contentType;
    std::string body;
};

// What one watch request (GET collection?watch=1) gets. Requests beyond the script get an open stream that stays
// silent until the client leaves or the server stops, like a quiet real watch.
struct WatchScript {
    int status = 200;                // other than 200: a Status error with this code instead of a stream
    std::vector<std::string> chunks; // written as separate HTTP chunks; use eventLine() (lines may span chunks)
    bool holdOpen = false;           // after the chunks keep the stream open instead of ending it
};

// A canned answer for scriptResponses().
struct ScriptedResponse {
    int status = 200;
    nlohmann::json body; // an object, a Status (FakeKubeServer::status), or a string sent as is
};

class FakeKubeServer {
public:
    FakeKubeServer(); // listening when constructed
    ~FakeKubeServer();
    FakeKubeServer(const FakeKubeServer&) = delete;
    FakeKubeServer& operator=(const FakeKubeServer&) = delete;

    int port() const;
    std::string url() const; // http://127.0.0.1:PORT

    // Requests must carry "Authorization: Bearer <token>"; others get 401 Unauthorized. Empty: no check.
    void requireToken(const std::string& token);
    // Serves `path` (e.g. /apis/serving.knative.dev/v1/namespaces/ns/services) and `path`/NAME from memory.
    void addCollection(const std::string& path);
    void putObject(const std::string& collectionPath, nlohmann::json object); // stored as is, new resourceVersion
    void scriptWatches(const std::string& collectionPath, std::vector<WatchScript> scripts);
    // Requests with `method` on exactly `path` (watches excluded) get these answers in order instead of the
    // collections' behaviour; the last one then repeats. An empty list removes the script.
    void scriptResponses(const std::string& method, const std::string& path, std::vector<ScriptedResponse> responses);

    std::vector<FakeRequest> requests() const;
    std::vector<FakeRequest> requestsTo(const std::string& path) const; // same path, any query

    // {"type": type, "object": object} + "\n"
    static std::string eventLine(const std::string& type, const nlohmann::json& object);
    static nlohmann::json status(int code, const std::string& reason, const std::string& message);

    class Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::test
