"""010.sleep: sleeps for `ms` milliseconds (0..600000), then answers; an I/O-bound function that holds a slot."""

import math
import time


def integer_field(event, key, low, high):
    """A number without a fractional part within [low, high]; the same rule and message in every language."""
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    value = event.get(key)
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not number or value != int(value) or not low <= value <= high:
        raise ValueError(f'{key} must be an integer between {low} and {high}')
    return int(value)


def handler(event, context=None):
    ms = integer_field(event, 'ms', 0, 600_000)
    time.sleep(ms / 1000)
    return {'slept_ms': ms}
