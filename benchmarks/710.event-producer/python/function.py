"""710.event-producer: emits `count` binary-mode CloudEvents to a sink (Knative Eventing producer).

The sink is `sink` from the event, else K_SINK (a Broker, Channel or a consumer such as 711.event-consumer). Each
event has type dev.faaswb.benchmark, id <run>-<sequence>, the `sequence` extension (1..count) and the `faaswbsentus`
extension (epoch microseconds just before the send), so a consumer can measure delivery latency. Events go one after
the other over one keep-alive connection. The first failed send ends the run: the answer says how many were sent and
why the rest were not (500 when none was sent). Proxies from the environment are ignored.
"""

import http.client
import json
import math
import time
import urllib.parse

MAX_COUNT = 100_000
MAX_PAYLOAD_BYTES = 1024 * 1024
MAX_RUN_CHARS = 128
REQUEST_TIMEOUT_S = 10
EVENT_TYPE = 'dev.faaswb.benchmark'
EVENT_SOURCE = '/faaswb/710.event-producer'
ERROR_BODY_CHARS = 200


def epoch_us():
    return time.time_ns() // 1000


def integer_field(event, key, low, high, default=None):
    """The rule every language applies: a finite number without a fractional part, within [low, high]."""
    value = event.get(key, default)
    if value is None:
        raise ValueError(f'{key} is required (an integer between {low} and {high})')
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value):
        raise ValueError(f'{key} must be an integer, got {value!r}')
    if not low <= value <= high:
        raise ValueError(f'{key} must be between {low} and {high}, got {int(value)}')
    return int(value)


def context_value(context, name, default=None):
    if context is None:
        return default
    if isinstance(context, dict):
        return context.get(name, default)
    return getattr(context, name, default)


def sink_field(event, context, required):
    sink = event.get('sink') or context_value(context, 'sink')
    if sink is None and not required:
        return None
    if sink is None:
        raise ValueError('no sink: set K_SINK for the function or pass "sink" in the event')
    if not isinstance(sink, str) or not sink.startswith(('http://', 'https://')):
        raise ValueError(f'sink must be an http:// or https:// URL, got {sink!r}')
    return sink


def run_field(event, instance, started_us):
    run = event.get('run', f'{instance or "run"}-{started_us}')
    if not isinstance(run, str) or not 1 <= len(run) <= MAX_RUN_CHARS:
        raise ValueError(f'run must be a string of 1 to {MAX_RUN_CHARS} characters')
    return run


class Sender:
    """One keep-alive connection to the sink, reopened once if the server closed an idle one."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        connection_class = http.client.HTTPSConnection if parts.scheme == 'https' else http.client.HTTPConnection
        self._connection = connection_class(parts.netloc, timeout=REQUEST_TIMEOUT_S)
        self._path = (parts.path or '/') + (f'?{parts.query}' if parts.query else '')

    def post(self, body, headers):
        try:
            status, text = self._exchange(body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self._connection.close()
            status, text = self._exchange(body, headers)
        if not 200 <= status <= 299:
            raise RuntimeError(f'HTTP {status}: {text[:ERROR_BODY_CHARS]}')

    def _exchange(self, body, headers):
        self._connection.request('POST', self._path, body=body, headers=headers)
        response = self._connection.getresponse()
        return response.status, response.read().decode('utf-8', 'replace')

    def close(self):
        self._connection.close()


def cloud_event(run, sequence, payload, instance, trace_headers):
    sent_us = epoch_us()
    data = {'run': run, 'sequence': sequence, 'sent_us': sent_us, 'payload': payload}
    headers = dict(trace_headers, **{
        'Content-Type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': f'{run}-{sequence}',
        'ce-type': EVENT_TYPE,
        'ce-source': f'{EVENT_SOURCE}/{instance}',
        'ce-sequence': str(sequence),
        'ce-faaswbsentus': str(sent_us),
    })
    return json.dumps(data).encode('utf-8'), headers


def handler(event, context=None):
    started_us = epoch_us()
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    count = integer_field(event, 'count', 0, MAX_COUNT)
    payload = 'x' * integer_field(event, 'payload_size', 0, MAX_PAYLOAD_BYTES, 0)
    instance = context_value(context, 'instance', '') or ''
    run = run_field(event, instance, started_us)
    sink = sink_field(event, context, required=count > 0)
    if count == 0:
        return {'sent': 0, 'failed': 0, 'run': run, 'sink': sink, 'duration_us': 0}
    trace_headers = context_value(context, 'trace_headers') or {}

    sender = Sender(sink)
    sent, error = 0, None
    try:
        for sequence in range(1, count + 1):
            sender.post(*cloud_event(run, sequence, payload, instance, trace_headers))
            sent += 1
    except (OSError, http.client.HTTPException, RuntimeError) as failure:
        error = str(failure) or type(failure).__name__
    finally:
        sender.close()
    if sent == 0:
        raise RuntimeError(f'no event reached {sink}: {error}')
    result = {'sent': sent, 'failed': count - sent, 'run': run, 'sink': sink,
              'duration_us': epoch_us() - started_us}
    if error:
        result['error'] = error
    return result
