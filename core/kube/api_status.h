// ApiStatus and KubeResult: how a Kubernetes API call failed — the server's `Status` (code, reason, message) beside
// the user-facing Error — so callers can branch (404 -> create, 409 -> retry, 410 -> re-list). Plain value types;
// thread-compatible like any std type.
#pragma once

#include "common/result.h"

#include <cassert>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace faaswb::kube {

// metav1.StatusReason values a caller is likely to branch on.
enum class StatusReason {
    Unknown,
    BadRequest,         // 400
    Unauthorized,       // 401
    Forbidden,          // 403
    NotFound,           // 404
    MethodNotAllowed,   // 405
    AlreadyExists,      // 409, on create
    Conflict,           // 409, stale resourceVersion or an apply conflict
    Gone,               // 410, "Gone" or "Expired": a watch's resourceVersion is too old
    Invalid,            // 422
    TooManyRequests,    // 429
    InternalError,      // 500
    ServiceUnavailable, // 503
    Timeout,            // 504, or reason "Timeout"
};

struct ApiStatus {
    int httpCode = 0;       // 0: no HTTP answer (connection refused, TLS, timeout, cancelled)
    std::string reason;     // Status.reason as the server sent it, else derived from httpCode
    std::string message;    // Status.message; empty when the body was not a Status
    nlohmann::json details; // Status.details, null when absent

    StatusReason kind() const;
    bool is(StatusReason wanted) const { return kind() == wanted; }

    // A Status object (kind: Status) as in an HTTP error body or a watch ERROR event; codes missing from it are
    // taken from httpCode.
    static ApiStatus fromStatusObject(const nlohmann::json& status, int httpCode);
};

struct KubeError {
    Error error;      // Platform for server and transport failures, Cancelled, or InvalidInput for bad configuration
    ApiStatus status; // status.httpCode == 0 when no HTTP answer arrived
};

// A value or a KubeError. Like faaswb::Result, plus status() for branching on what the server said.
template <typename T>
class [[nodiscard]] KubeResult {
public:
    KubeResult(T value)
        : m_state(std::in_place_index<0>, std::move(value)) {}
    KubeResult(KubeError error)
        : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    bool is(StatusReason reason) const { return !ok() && status().is(reason); }

    T& value() & { return assertOk(), std::get<0>(m_state); }
    const T& value() const& { return assertOk(), std::get<0>(m_state); }
    T&& value() && { return assertOk(), std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const KubeError& kubeError() const {
        assert(!ok());
        return std::get<1>(m_state);
    }
    const Error& error() const { return kubeError().error; }
    const ApiStatus& status() const { return kubeError().status; }

    // Drops the ApiStatus, for code that only reports.
    Result<T> toResult() && {
        if (ok())
            return std::get<0>(std::move(m_state));
        return std::get<1>(std::move(m_state)).error;
    }

private:
    void assertOk() const { assert(ok() && "KubeResult::value() on an error"); }
    std::variant<T, KubeError> m_state;
};

template <>
class [[nodiscard]] KubeResult<void> {
public:
    KubeResult() = default;
    KubeResult(KubeError error)
        : m_error(std::move(error))
        , m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    bool is(StatusReason reason) const { return !ok() && status().is(reason); }

    const KubeError& kubeError() const {
        assert(m_failed);
        return m_error;
    }
    const Error& error() const { return kubeError().error; }
    const ApiStatus& status() const { return kubeError().status; }

private:
    KubeError m_error;
    bool m_failed = false;
};

} // namespace faaswb::kube
