"""700.chain: one step of a function chain (workflow handover latency, 1 KB vs 2 MB payloads).

A step records when it was invoked, busy-works `work_ms` and/or sleeps `sleep_ms`, then hands the event on:
- `next` (a list of URLs): POSTs the event, with `next` shifted by one, to the first URL and waits for its answer
  (Knative Serving style: a synchronous chain); the answer's hops are returned, so step 0 reports the whole chain;
- else `forward` (true, or the number of hops still to go) with a sink (K_SINK): POSTs a binary-mode CloudEvent to
  the sink and does not wait for the rest of the chain (Knative Eventing style).
`payload` travels unchanged; `payload_size` makes step 0 generate one of that many bytes. Every outgoing request
carries the trace headers from the context, so Zipkin shows the chain as one trace. Proxies from the environment
are ignored: a hop between functions must not detour through one.
"""

import json
import math
import time
import urllib.error
import urllib.request
import uuid

MAX_MS = 60_000
MAX_STEP = 10_000
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
MAX_NEXT = 64
MAX_FORWARD = 64
REQUEST_TIMEOUT_S = 60
CHAIN_EVENT_TYPE = 'dev.faaswb.chain.step'
CHAIN_EVENT_SOURCE = '/faaswb/700.chain'
ERROR_BODY_CHARS = 200

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def epoch_us():
    return time.time_ns() // 1000


def integer_field(event, key, low, high, default):
    """The rule every language applies: a finite number without a fractional part, within [low, high]."""
    value = event.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value):
        raise ValueError(f'{key} must be an integer, got {value!r}')
    if not low <= value <= high:
        raise ValueError(f'{key} must be between {low} and {high}, got {int(value)}')
    return int(value)


def payload_field(event):
    if 'payload' in event and 'payload_size' in event:
        raise ValueError('give "payload" or "payload_size", not both')
    if 'payload_size' in event:
        return 'x' * integer_field(event, 'payload_size', 0, MAX_PAYLOAD_BYTES, 0)
    payload = event.get('payload', '')
    if not isinstance(payload, str):
        raise TypeError('payload must be a string')
    return payload


def next_field(event):
    urls = event.get('next') or []
    if not isinstance(urls, list) or len(urls) > MAX_NEXT:
        raise TypeError(f'next must be a list of at most {MAX_NEXT} URLs')
    for url in urls:
        if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
            raise ValueError(f'next must hold http:// or https:// URLs, got {url!r}')
    return urls


def forward_field(event):
    """true means one more hop; a number says how many hops through the sink are still to go."""
    value = event.get('forward', False)
    if value is None or isinstance(value, bool):
        return int(bool(value))
    return integer_field(event, 'forward', 0, MAX_FORWARD, 0)


def hops_field(event):
    hops = event.get('hops') or []
    if not isinstance(hops, list) or not all(isinstance(hop, dict) for hop in hops):
        raise TypeError('hops must be a list of objects')
    return hops


def busy_work(ms):
    """Spins on arithmetic until `ms` of wall time have passed: CPU-bound, unlike sleep_ms."""
    deadline = time.perf_counter() + ms / 1000
    value = 0
    while time.perf_counter() < deadline:
        for i in range(1000):
            value = (value * 31 + i) % 1_000_003
    return value


def context_value(context, name, default=None):
    if context is None:
        return default
    if isinstance(context, dict):
        return context.get(name, default)
    return getattr(context, name, default)


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, method='POST', headers=headers)
    try:
        with OPENER.open(request, timeout=REQUEST_TIMEOUT_S) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        text = error.read().decode('utf-8', 'replace')[:ERROR_BODY_CHARS]
        raise RuntimeError(f'forwarding to {url} failed: HTTP {error.code}: {text}') from None
    except (urllib.error.URLError, OSError) as error:
        raise RuntimeError(f'forwarding to {url} failed: {error}') from None


def call_next(urls, outgoing, trace_headers):
    """Synchronous hand-over: the next step answers with the chain's hops from there on."""
    headers = dict(trace_headers, **{'Content-Type': 'application/json'})
    answer = post(urls[0], json.dumps(outgoing).encode('utf-8'), headers)
    try:
        return json.loads(answer)['result']['hops']
    except (ValueError, KeyError, TypeError):
        raise RuntimeError(f'{urls[0]} did not answer a 700.chain result') from None


def send_to_sink(sink, outgoing, trace_headers, instance, sent_us):
    headers = dict(trace_headers, **{
        'Content-Type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': str(uuid.uuid4()),
        'ce-type': CHAIN_EVENT_TYPE,
        'ce-source': f'{CHAIN_EVENT_SOURCE}/{instance}',
        'ce-faaswbsentus': str(sent_us),  # as 710.event-producer stamps it, so 711.event-consumer can time the hop
    })
    post(sink, json.dumps(outgoing).encode('utf-8'), headers)


def handler(event, context=None):
    received_us = epoch_us()
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    step = integer_field(event, 'step', 0, MAX_STEP, 0)
    work_ms = integer_field(event, 'work_ms', 0, MAX_MS, 0)
    sleep_ms = integer_field(event, 'sleep_ms', 0, MAX_MS, 0)
    payload, urls, forward = payload_field(event), next_field(event), forward_field(event)
    hops = hops_field(event)
    sink = context_value(context, 'sink')
    if not urls and forward and not sink:
        raise ValueError('forward is set but this function has no sink (K_SINK is unset)')

    busy_work(work_ms)
    time.sleep(sleep_ms / 1000)

    instance = context_value(context, 'instance', '')
    hop = {'step': step, 'instance': instance, 'received_us': received_us}
    result = {'step': step, 'hops': hops + [hop], 'payload_bytes': len(payload.encode('utf-8')), 'forwarded': None}
    if not urls and not forward:
        return result

    outgoing = {k: v for k, v in event.items() if k not in ('_cloudevent', 'payload_size')}
    outgoing.update(step=step + 1, payload=payload, hops=result['hops'])
    trace_headers = context_value(context, 'trace_headers') or {}
    hop['sent_us'] = epoch_us()
    if urls:
        outgoing['next'] = urls[1:]
        result['hops'] = call_next(urls, outgoing, trace_headers)
        result['forwarded'] = 'next'
    else:
        outgoing['forward'] = forward - 1
        send_to_sink(sink, outgoing, trace_headers, instance, hop['sent_us'])
        result['forwarded'] = 'sink'
    return result
