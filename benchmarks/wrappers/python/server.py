#!/usr/bin/env python3
"""FaaS Workbench function wrapper for Python.

Serves one benchmark's handler over HTTP/1.1 as benchmarks/README.md ("The wrapper contract") describes:

    python3 benchmarks/wrappers/python/server.py benchmarks/<id>/python/function.py

Standard library only, so it runs on any Debian python3 and in a slim container image.
"""

import base64
import http.server
import importlib.util
import inspect
import json
import os
import queue
import secrets
import socket
import string
import sys
import threading
import time
import traceback
import urllib.request
import uuid

# Modules benchmarks use, and the Debian package that provides each (dependencies come from apt, not pip).
DEBIAN_PACKAGES = {
    'numpy': 'python3-numpy',
    'PIL': 'python3-pil',
    'jinja2': 'python3-jinja2',
    'markupsafe': 'python3-markupsafe',
    'yaml': 'python3-yaml',
    'scipy': 'python3-scipy',
    'networkx': 'python3-networkx',
    'igraph': 'python3-igraph',
    'nltk': 'python3-nltk',
    'textblob': 'python3-textblob',
    'requests': 'python3-requests',
    'sklearn': 'python3-sklearn',
    'pandas': 'python3-pandas',
}

EXIT_USAGE = 2
EXIT_MISSING_MODULE = 3
CLOUDEVENTS_JSON = 'application/cloudevents+json'
RESPONSE_TYPE = 'dev.faaswb.response'
MAX_SPANS_PER_POST = 100
CONTRACT_PATHS = ('/', '/init', '/run')  # our POST / and OpenWhisk's action protocol
INIT_TWICE = 'cannot initialize the action more than once'


def epoch_us():
    return time.time_ns() // 1000


def is_hex(text):
    return len(text) > 0 and all(c in string.hexdigits for c in text)


def is_json_type(content_type):
    media = (content_type or '').split(';', 1)[0].strip().lower()
    return media in ('application/json', 'text/json') or media.endswith('+json')


class InvalidInput(Exception):
    """The request cannot be handed to the handler: answered with 400."""


class Context:
    """What handler(event, context) receives; attributes, with dict-style access for convenience."""

    def __init__(self, trace_headers, sink, instance, benchmark_id):
        self.trace_headers = trace_headers
        self.sink = sink
        self.instance = instance
        self.benchmark_id = benchmark_id

    def __getitem__(self, key):
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key, default)


class Span:
    """This invocation's SERVER span: a child of the incoming B3 or W3C trace context, or the root of a new trace."""

    def __init__(self, headers):
        self.trace_id, self.parent_id, self.sampled = self._incoming(headers)
        self.trace_id = self.trace_id or secrets.token_hex(16)
        self.span_id = secrets.token_hex(8)

    @staticmethod
    def _incoming(headers):
        trace_id = headers.get('X-B3-TraceId')
        if trace_id:
            sampled = headers.get('X-B3-Sampled', '1') not in ('0', 'false')
            return trace_id.lower(), (headers.get('X-B3-SpanId') or '').lower() or None, sampled
        parts = (headers.get('traceparent') or '').strip().split('-')
        if len(parts) >= 4 and len(parts[1]) == 32 and len(parts[2]) == 16:
            flags = parts[3][:2]
            sampled = not is_hex(flags) or int(flags, 16) & 1 == 1
            return parts[1].lower(), parts[2].lower(), sampled
        return None, None, True

    def outgoing_headers(self):
        flag = '1' if self.sampled else '0'
        return {
            'X-B3-TraceId': self.trace_id,
            'X-B3-SpanId': self.span_id,
            'X-B3-Sampled': flag,
            'traceparent': f'00-{self.trace_id.rjust(32, "0")}-{self.span_id}-0{flag}',
        }

    def to_zipkin(self, service, begin_us, end_us, tags):
        span = {
            'traceId': self.trace_id,
            'id': self.span_id,
            'name': 'function',
            'kind': 'SERVER',
            'timestamp': begin_us,
            'duration': max(1, end_us - begin_us),
            'localEndpoint': {'serviceName': service},
            'tags': tags,
        }
        if self.parent_id:
            span['parentId'] = self.parent_id
        return span


class SpanReporter:
    """Posts finished spans to Zipkin from one background thread, so requests never wait for the collector."""

    def __init__(self, endpoint):
        self._endpoint = endpoint
        self._queue = queue.Queue(maxsize=10000)
        self._warned = False
        if endpoint:
            threading.Thread(target=self._run, name='zipkin', daemon=True).start()

    def report(self, span):
        if not self._endpoint:
            return
        try:
            self._queue.put_nowait(span)
        except queue.Full:
            pass  # a stalled collector must not grow memory without bound; losing spans is the lesser harm

    def _run(self):
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_SPANS_PER_POST and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            self._post(batch)

    def _post(self, batch):
        request = urllib.request.Request(self._endpoint, data=json.dumps(batch).encode(), method='POST',
                                         headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
        except OSError as error:
            if not self._warned:
                print(f'warning: could not post spans to {self._endpoint}: {error}', file=sys.stderr, flush=True)
                self._warned = True


class Function:
    """The loaded handler, the instance's identity and its first-invocation flag."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.benchmark_id = os.path.basename(os.path.dirname(os.path.dirname(self.path)))
        self.handler = load_handler(self.path)
        self.wants_context = accepts_context(self.handler)
        self.instance = os.environ.get('FAASWB_INSTANCE') or f'{socket.gethostname()}-{os.getpid()}'
        self.service = os.environ.get('FAASWB_SERVICE_NAME') or self.benchmark_id
        self.sink = os.environ.get('K_SINK') or None
        self.spans = SpanReporter(os.environ.get('ZIPKIN_ENDPOINT'))
        self._cold_lock = threading.Lock()
        self._cold = True
        self._initialized = False  # OpenWhisk's /init, at most once per process (guarded by _cold_lock)

    def take_cold(self):
        with self._cold_lock:
            cold, self._cold = self._cold, False
            return cold

    def initialized(self):
        with self._cold_lock:
            return self._initialized

    def take_init(self):
        """True for the first OpenWhisk /init of this process, False for any later one."""
        with self._cold_lock:
            first, self._initialized = not self._initialized, True
            return first

    def call(self, event, span):
        if not self.wants_context:
            return self.handler(event)
        return self.handler(event, Context(span.outgoing_headers(), self.sink, self.instance, self.benchmark_id))


def load_handler(path):
    if not os.path.isfile(path):
        fail(EXIT_USAGE, f'no such function file: {path}')
    # Helper modules beside function.py import as top-level modules, as they do on SeBS and in the images.
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location('function', path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ModuleNotFoundError as error:
        missing = (error.name or '').split('.')[0]
        package = DEBIAN_PACKAGES.get(missing)
        hint = f' (install the Debian package {package})' if package else ''
        fail(EXIT_MISSING_MODULE, f'{path} needs the Python module {missing!r}, which is not installed{hint}')
    handler = getattr(module, 'handler', None)
    if not callable(handler):
        fail(EXIT_USAGE, f'{path} defines no handler(event) function')
    return handler


def accepts_context(handler):
    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


def fail(code, message):
    print(f'error: {message}', file=sys.stderr, flush=True)
    sys.exit(code)


def reject_constant(name):
    raise ValueError(f'{name} is not a JSON value')


def parse_json(body, what):
    if not body.strip():
        return {}
    try:
        return json.loads(body, parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidInput(f'{what} is not valid JSON: {error}') from None


def binary_event(headers, body):
    """Binary-mode CloudEvent: attributes in ce-* headers, data in the body."""
    attributes = {k[3:].lower(): v for k, v in headers.items() if k.lower().startswith('ce-')}
    content_type = headers.get('Content-Type')
    if content_type:
        attributes['datacontenttype'] = content_type
    if not content_type or is_json_type(content_type):
        data = parse_json(body, 'the CloudEvent data')
    else:
        data = body.decode('utf-8', errors='replace')
    return data, attributes


def structured_event(body):
    """Structured-mode CloudEvent: one JSON envelope with the attributes and data (or data_base64)."""
    envelope = parse_json(body, 'the CloudEvent')
    if not isinstance(envelope, dict):
        raise InvalidInput('a structured CloudEvent must be a JSON object')
    attributes = {k: v for k, v in envelope.items() if k not in ('data', 'data_base64')}
    if 'data_base64' in envelope:
        try:
            raw = base64.b64decode(envelope['data_base64'], validate=True)
        except (TypeError, ValueError) as error:
            raise InvalidInput(f'data_base64 is not base64: {error}') from None
        content_type = envelope.get('datacontenttype')
        data = parse_json(raw, 'the CloudEvent data') if is_json_type(content_type) else raw.decode('utf-8', 'replace')
    else:
        data = envelope.get('data')
    return data, attributes


def read_event(headers, body):
    """Returns (event for the handler, CloudEvents mode or None)."""
    if headers.get('ce-specversion'):
        data, attributes, mode = *binary_event(headers, body), 'binary'
    elif (headers.get('Content-Type') or '').split(';', 1)[0].strip().lower() == CLOUDEVENTS_JSON:
        data, attributes, mode = *structured_event(body), 'structured'
    else:
        return parse_json(body, 'the request body'), None
    if isinstance(data, dict):
        data['_cloudevent'] = attributes
    return data, mode


def read_activation(body):
    """OpenWhisk's POST /run: the action's parameters under "value" are the event (mode None, a plain event)."""
    activation = parse_json(body, 'the /run body')
    if not isinstance(activation, dict):
        raise InvalidInput('the /run body must be a JSON object with the action\'s parameters under "value"')
    # Only "value" is read: namespace, activation_id and above all api_key never reach the handler or a log.
    return activation.get('value', {}), None


def apply_init_environment(init):
    """value.env holds the action's init parameters: string entries become environment variables, nothing else."""
    value = init.get('value')
    env = value.get('env') if isinstance(value, dict) else None
    if not isinstance(env, dict):
        return
    for name, setting in env.items():
        if isinstance(setting, str) and name and '=' not in name and '\0' not in name + setting:
            os.environ[name] = setting


def activation_reply(status, reply):
    """OpenWhisk's /run reply: the result object itself (anything else wrapped as {"result": ...}); a failed
    handler is a 502, which the invoker reports as an application error with our {"error": ...}."""
    if status != 200:
        return 502, reply
    result = reply['result']
    return 200, result if isinstance(result, dict) else {'result': result}


class RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'faaswb-python'
    # Headers and body go out in two writes; with Nagle on, the second waits for a delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    function = None  # set by main()

    def log_message(self, format, *args):
        pass  # one line per request would dominate the cost of a no-op handler

    def do_GET(self):
        path = self.path.split('?', 1)[0]
        if path == '/healthz':
            self.send_json(200, {'ready': True})
        else:
            self.refuse(path)

    def do_POST(self):
        path = self.path.split('?', 1)[0]
        if path not in CONTRACT_PATHS:
            self.discard_body()
            self.send_json(404, {'error': f'no such path: {path}'})
            return
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            self.send_json(400, {'error': 'malformed Content-Length or chunked body'})
            return
        if path == '/init':
            self.init_action(body)
        else:
            self.invoke(body, activation=path == '/run')

    def do_PUT(self):
        self.discard_body()
        self.refuse(self.path.split('?', 1)[0])

    do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_PUT

    def refuse(self, path):
        if path in CONTRACT_PATHS:
            self.send_json(405, {'error': f'method {self.command} not allowed on {path}'}, {'Allow': 'POST'})
        else:
            self.send_json(404, {'error': f'no such path: {path}'})

    def read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            return self.read_chunked()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length > 0 else b''

    def read_chunked(self):
        parts = []
        while True:
            size = int(self.rfile.readline().split(b';', 1)[0].strip() or b'0', 16)
            if size == 0:
                while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                    pass  # trailers
                return b''.join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def discard_body(self):
        try:
            self.read_body()
        except ValueError:
            self.close_connection = True

    def init_action(self, body):
        """OpenWhisk's POST /init: a blackbox image already holds its code, so this only applies the environment."""
        if self.function.initialized():
            self.send_json(403, {'error': INIT_TWICE})
            return
        try:
            init = parse_json(body, 'the /init body')
            if not isinstance(init, dict):
                raise InvalidInput('the /init body must be a JSON object')
        except InvalidInput as error:
            self.send_json(400, {'error': str(error)})
            return
        if not self.function.take_init():  # another /init won the race
            self.send_json(403, {'error': INIT_TWICE})
            return
        apply_init_environment(init)
        self.send_json(200, {'ok': True})

    def invoke(self, body, activation=False):
        span = Span(self.headers)
        received_us = epoch_us()
        try:
            event, mode = read_activation(body) if activation else read_event(self.headers, body)
        except InvalidInput as error:
            self.send_json(400, {'error': str(error)})
            return
        status, reply, headers = self.run_handler(event, span)
        if activation:
            status, reply = activation_reply(status, reply)
            self.send_json(status, reply, headers)
        elif status == 200 and mode:
            self.send_cloudevent(mode, reply, headers)
        else:
            self.send_json(status, reply, headers)
        if span.sampled:
            tags = {'http.status_code': str(status), 'faaswb.instance': self.function.instance,
                    'faaswb.cold': str(headers.get('X-Faaswb-First-Invocation') == '1').lower()}
            self.function.spans.report(span.to_zipkin(self.function.service, received_us, epoch_us(), tags))

    def run_handler(self, event, span):
        function = self.function
        cold = function.take_cold()
        begin_us = epoch_us()
        try:
            result = function.call(event, span)
            status, reply = 200, {'result': result}
        except KeyError as error:
            status, reply = 400, {'error': f'missing field {error.args[0]!r}' if error.args else 'missing field'}
        except (ValueError, TypeError) as error:
            status, reply = 400, {'error': str(error) or type(error).__name__}
        except Exception as error:  # noqa: BLE001 - any other failure of user code is a 500, the process stays up
            traceback.print_exc(file=sys.stderr)
            status, reply = 500, {'error': f'{type(error).__name__}: {error}'}
        end_us = epoch_us()
        headers = {
            'X-Faaswb-Handler-Begin-Us': str(begin_us),
            'X-Faaswb-Handler-End-Us': str(end_us),
            'X-Faaswb-First-Invocation': '1' if cold else '0',
            'X-Faaswb-Instance': function.instance,
        }
        if status == 200:
            reply.update(begin_us=begin_us, end_us=end_us, cold=cold, instance=function.instance)
        return status, reply, headers

    def send_cloudevent(self, mode, reply, headers):
        attributes = {
            'specversion': '1.0',
            'id': str(uuid.uuid4()),
            'source': f'/faaswb/{self.function.benchmark_id}',
            'type': RESPONSE_TYPE,
        }
        if mode == 'binary':
            headers.update({f'ce-{name}': value for name, value in attributes.items()})
            self.send_json(200, reply, headers)
        else:
            envelope = dict(attributes, datacontenttype='application/json', data=reply)
            self.send_json(200, envelope, headers, CLOUDEVENTS_JSON)

    def send_json(self, status, value, headers=None, content_type='application/json'):
        try:
            body = json.dumps(value, allow_nan=False).encode()
        except (TypeError, ValueError) as error:
            status, body = 500, json.dumps({'error': f'the handler result is not JSON: {error}'}).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default of 5 drops connections under a burst of concurrent clients

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # load generators drop their connections when a run ends: not worth a traceback
        super().handle_error(request, client_address)


def main(argv):
    if len(argv) != 2 or argv[1] in ('-h', '--help'):
        print('usage: server.py <path to function.py>   (PORT, HOST, ZIPKIN_ENDPOINT, ... from the environment)',
              file=sys.stderr)
        return EXIT_USAGE
    RequestHandler.function = Function(argv[1])
    host = os.environ.get('HOST') or '127.0.0.1'
    # Container images set HOST=0.0.0.0 on purpose; anywhere else a non-loopback address is worth a warning.
    if host not in ('127.0.0.1', 'localhost', '::1'):
        print(f'warning: HOST={host}: listening on an address other than 127.0.0.1, so other machines may reach this '
              'function', file=sys.stderr, flush=True)
    try:
        server = Server((host, int(os.environ.get('PORT') or 0)), RequestHandler)
    except (OSError, ValueError) as error:
        fail(1, f'cannot listen on {host}:{os.environ.get("PORT")}: {error}')
    print(f'listening on {host}:{server.server_address[1]}', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
