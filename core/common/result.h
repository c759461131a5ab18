// Result<T>: a value or an Error a user can act on; the one error channel of the core (no exceptions cross it).
// Plain value type; thread-compatible like any std type.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace faaswb {

// The codes double as the process exit codes of the command line (ARCHITECTURE.md, "Command line").
enum class ErrorCode {
    Internal = 1,        // a bug or an environment failure the user cannot fix by changing input
    InvalidInput = 2,    // bad experiment file, flag, or argument
    Platform = 3,        // the platform or target failed (connection, deploy, timeout)
    ThresholdFailed = 4, // the run completed but a threshold of the experiment failed
    Cancelled = 130,     // the user stopped it; partial results are kept
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
};

inline Error invalidInput(std::string message) {
    return {ErrorCode::InvalidInput, std::move(message)};
}
inline Error platformError(std::string message) {
    return {ErrorCode::Platform, std::move(message)};
}
inline Error internalError(std::string message) {
    return {ErrorCode::Internal, std::move(message)};
}
inline Error cancelled(std::string message = "cancelled") {
    return {ErrorCode::Cancelled, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error)
        : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return assertOk(), std::get<0>(m_state); }
    const T& value() const& { return assertOk(), std::get<0>(m_state); }
    T&& value() && { return assertOk(), std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(m_state);
    }

private:
    void assertOk() const { assert(ok() && "Result::value() on an error"); }
    std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const {
        assert(m_failed);
        return m_error;
    }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

} // namespace faaswb
