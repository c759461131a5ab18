#include "load/request.h"

namespace faaswb::load {

const char* errorKindName(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::None:
        return "none";
    case ErrorKind::HttpStatus:
        return "http_status";
    case ErrorKind::ConnectRefused:
        return "connect_refused";
    case ErrorKind::ConnectTimeout:
        return "connect_timeout";
    case ErrorKind::Timeout:
        return "timeout";
    case ErrorKind::Reset:
        return "reset";
    case ErrorKind::Dns:
        return "dns";
    case ErrorKind::Tls:
        return "tls";
    case ErrorKind::TooLarge:
        return "too_large";
    case ErrorKind::InvalidResponse:
        return "invalid_response";
    case ErrorKind::Other:
        return "other";
    }
    return "other";
}

} // namespace faaswb::load
