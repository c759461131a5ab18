"""711.event-consumer: records the arrival of a CloudEvent (Knative Eventing consumer; pairs with 710.event-producer).

For each event it answers the event id and the delivery latency: arrival time minus the `faaswbsentus` extension
(epoch microseconds, set by 710.event-producer), or minus `sent_us` in the data; null when neither is there. Latency
across hosts includes their clock offset. A plain JSON event (no CloudEvent) may carry `id` (and `sent_us`) itself.

Per-process counters — events received, duplicates (an id seen before), latency count/min/max/mean — are answered
for {"stats": true}; add "reset": true to zero them after reading, and "deliveries": true for the deliveries since
the last reset as [id, latency_us] pairs in arrival order (the first MAX_DELIVERIES; `deliveries_dropped` counts the
rest), so a caller can merge instances and take percentiles. Ids are remembered up to MAX_REMEMBERED_IDS, oldest
forgotten first, so memory stays bounded on a long run.
"""

import collections
import math
import threading
import time

MAX_REMEMBERED_IDS = 1_000_000
MAX_ID_CHARS = 1024
MAX_DELIVERIES = 200_000


def epoch_us():
    return time.time_ns() // 1000


class Counters:
    """Shared by the wrapper's request threads, hence the lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._reset()

    def _reset(self):
        self.received = 0
        self.duplicates = 0
        self.latencies = 0
        self.latency_sum = 0
        self.latency_min = None
        self.latency_max = None
        self.seen = set()
        self.order = collections.deque()
        self.deliveries = []
        self.deliveries_dropped = 0

    def record(self, event_id, latency_us):
        with self._lock:
            self.received += 1
            duplicate = event_id in self.seen
            if duplicate:
                self.duplicates += 1
            else:
                self._remember(event_id)
            if latency_us is not None:
                self._add_latency(latency_us)
            if len(self.deliveries) < MAX_DELIVERIES:
                self.deliveries.append([event_id, latency_us])
            else:
                self.deliveries_dropped += 1
            return duplicate, self.received

    def _remember(self, event_id):
        self.seen.add(event_id)
        self.order.append(event_id)
        if len(self.order) > MAX_REMEMBERED_IDS:
            self.seen.discard(self.order.popleft())

    def _add_latency(self, latency_us):
        self.latencies += 1
        self.latency_sum += latency_us
        self.latency_min = latency_us if self.latency_min is None else min(self.latency_min, latency_us)
        self.latency_max = latency_us if self.latency_max is None else max(self.latency_max, latency_us)

    def snapshot(self, reset, with_deliveries=False):
        with self._lock:
            mean = self.latency_sum / self.latencies if self.latencies else None
            stats = {
                'received': self.received,
                'duplicates': self.duplicates,
                'unique': self.received - self.duplicates,
                'latency_us': {'count': self.latencies, 'min': self.latency_min, 'max': self.latency_max,
                               'mean': None if mean is None else math.floor(mean + 0.5)},
            }
            if with_deliveries:
                stats['deliveries'] = list(self.deliveries)
                stats['deliveries_dropped'] = self.deliveries_dropped
            if reset:
                self._reset()
            return stats


COUNTERS = Counters()


def flag(event, key):
    value = event.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f'{key} must be true or false')
    return value


def event_id(event, attributes):
    value = attributes.get('id') if attributes else event.get('id')
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_CHARS:
        raise ValueError(f'the event needs an id (a string of 1 to {MAX_ID_CHARS} characters): send a CloudEvent '
                         'or put "id" in the JSON body')
    return value


def sent_us(event, attributes):
    """The producer's send time: the CloudEvent extension first, the data's `sent_us` otherwise."""
    value = (attributes or {}).get('faaswbsentus')
    if value is None:
        value = event.get('sent_us')
    if value is None:
        return None
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            raise ValueError(f'faaswbsentus must be epoch microseconds, got {value!r}')
        return int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value) or value < 0:
        raise ValueError(f'sent_us must be epoch microseconds, got {value!r}')
    return int(value)


def handler(event, context=None):
    arrived_us = epoch_us()
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    if flag(event, 'stats'):
        return COUNTERS.snapshot(reset=flag(event, 'reset'), with_deliveries=flag(event, 'deliveries'))
    attributes = event.get('_cloudevent')
    if attributes is not None and not isinstance(attributes, dict):
        raise TypeError('_cloudevent must be an object')
    identifier = event_id(event, attributes)
    sent = sent_us(event, attributes)
    latency = None if sent is None else arrived_us - sent
    duplicate, received = COUNTERS.record(identifier, latency)
    return {'received_id': identifier, 'latency_us': latency, 'sequence': event.get('sequence'),
            'duplicate': duplicate, 'received': received}
