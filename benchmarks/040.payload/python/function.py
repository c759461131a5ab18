"""040.payload: echoes {"echo": text} back, or generates {"size": N} bytes of printable text (N <= 64 MiB), for
sweeps over request and response sizes."""

import math

MAX_SIZE = 64 * 1024 * 1024
# The generated text is this alphabet repeated: deterministic, printable, identical in every language.
ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'


def integer_field(event, key, low, high):
    """A number without a fractional part within [low, high]; the same rule and message in every language."""
    value = event.get(key)
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not number or value != int(value) or not low <= value <= high:
        raise ValueError(f'{key} must be an integer between {low} and {high}')
    return int(value)


def generate(size):
    repeats, rest = divmod(size, len(ALPHABET))
    return ALPHABET * repeats + ALPHABET[:rest]


def handler(event, context=None):
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    if 'echo' in event:
        text = event['echo']
        if not isinstance(text, str):
            raise ValueError('echo must be a string')
        return {'payload': text, 'bytes': len(text.encode())}
    if 'size' in event:
        size = integer_field(event, 'size', 0, MAX_SIZE)
        return {'payload': generate(size), 'bytes': size}
    raise ValueError('expected {"echo": "<text>"} or {"size": <bytes>}')
