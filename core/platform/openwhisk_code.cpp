// Code actions: a suite handler plus an OpenWhisk entry point that plays the wrapper contract (benchmarks/README.md)
// inside one activation — python:3 calls main(args) and nodejs:20 calls main(params), each expecting a dict/object.
#include "platform/openwhisk_action.h"

#include <fstream>
#include <sstream>

namespace faaswb::platform {
namespace {

// Appended to function.py. The reply has the wrapper's shape ({result, begin_us, end_us, cold, instance}); a rejected
// event returns {"error": ...}, which OpenWhisk reports as an application error (HTTP 502), as the wrapper's 400/500.
constexpr const char* kPythonEntry = R"PY(

# ---- faas-workbench: OpenWhisk entry point (python:3 actions call main(args) and expect a dict) ----
import os as _faaswb_os
import socket as _faaswb_socket
import time as _faaswb_time

_FAASWB_BENCHMARK_ID = @BENCHMARK@
_faaswb_state = {'cold': True, 'instance': f'{_faaswb_socket.gethostname()}-{_faaswb_os.getpid()}'}


class _FaaswbContext:
    def __init__(self):
        self.trace_headers = {}
        self.sink = _faaswb_os.environ.get('K_SINK')
        self.instance = _faaswb_state['instance']
        self.benchmark_id = _FAASWB_BENCHMARK_ID

    def __getitem__(self, key):
        return getattr(self, key)


def main(args):
    event = {key: value for key, value in (args or {}).items() if not key.startswith('__ow_')}
    cold, _faaswb_state['cold'] = _faaswb_state['cold'], False
    begin_us = _faaswb_time.time_ns() // 1000
    try:
        result = handler(event, _FaaswbContext())
    except KeyError as error:
        return {'error': f'missing field {error.args[0]!r}' if error.args else 'missing field', 'status': 400}
    except (ValueError, TypeError) as error:
        return {'error': str(error) or type(error).__name__, 'status': 400}
    except Exception as error:  # the wrapper's 500: any other handler failure
        return {'error': f'{type(error).__name__}: {error}', 'status': 500}
    return {'result': result, 'begin_us': begin_us, 'end_us': _faaswb_time.time_ns() // 1000, 'cold': cold,
            'instance': _faaswb_state['instance']}
)PY";

// function.js runs inside its own function scope with a private module object, so `exports.handler` does not touch
// the runtime's module; `require` is the runtime's.
constexpr const char* kNodePrologue =
    R"JS(// ---- faas-workbench: OpenWhisk wrapper (nodejs:20 actions call main(params)) ----
const __faaswb = { module: { exports: {} }, cold: true, instance: `${require('os').hostname()}-${process.pid}` };
(function (module, exports) {
)JS";

constexpr const char* kNodeEntry = R"JS(
})(__faaswb.module, __faaswb.module.exports);

async function main(params) {
    const event = {};
    for (const [key, value] of Object.entries(params || {})) {
        if (!key.startsWith('__ow_')) event[key] = value;
    }
    const cold = __faaswb.cold;
    __faaswb.cold = false;
    const beginUs = Date.now() * 1000;
    const context = { traceHeaders: {}, trace_headers: {}, sink: process.env.K_SINK || null,
                      instance: __faaswb.instance, benchmarkId: @BENCHMARK@ };
    try {
        const result = await __faaswb.module.exports.handler(event, context);
        return { result, begin_us: beginUs, end_us: Date.now() * 1000, cold, instance: __faaswb.instance };
    } catch (error) {
        const invalid = error instanceof TypeError || error instanceof RangeError || (error && error.status === 400);
        const message = error instanceof Error ? (error.message || error.name) : String(error);
        return { error: message, status: invalid ? 400 : 500 };
    }
}
)JS";

std::string withBenchmark(std::string text, const std::string& benchmarkId) {
    const std::string marker = "@BENCHMARK@";
    // A JSON string is a valid Python and JavaScript string literal for the ids we have (printable ASCII).
    text.replace(text.find(marker), marker.size(), nlohmann::json(benchmarkId).dump());
    return text;
}

} // namespace

std::optional<std::string> wrappedHandlerCode(const std::string& functionFile, const std::string& language,
                                              const std::string& benchmarkId) {
    std::ifstream in(functionFile, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream source;
    source << in.rdbuf();
    if (!in.good() && !in.eof())
        return std::nullopt;
    if (language == "python")
        return source.str() + withBenchmark(kPythonEntry, benchmarkId);
    if (language == "nodejs")
        return kNodePrologue + source.str() + withBenchmark(kNodeEntry, benchmarkId);
    return std::nullopt;
}

} // namespace faaswb::platform
