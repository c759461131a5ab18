"""110.dynamic-html: renders an HTML page for `username` with `size` seeded random numbers (SeBS dynamic-html).

The numbers come from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data") and the page text is
byte-for-byte the same in C++, Python and Node.js, so `html_bytes` and `crc32` agree across languages.
"""

import math
import string
import zlib

MAX_ITEMS = 100_000
MAX_USERNAME_BYTES = 1024
MAX_SEED = 0xFFFFFFFF
DEFAULT_SEED = 42
ITEM_RANGE = 1_000_000
MASK = 0xFFFFFFFF

PAGE = string.Template('''<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Randomly generated data</title>
</head>
<body>
<h1>Welcome ${username}!</h1>
<p>${size} numbers generated from seed ${seed}.</p>
<ul>
${items}</ul>
</body>
</html>
''')

# The same five replacements in every language (Python's html.escape with quote=True).
ESCAPES = str.maketrans({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;'})


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


def username_field(event):
    name = event.get('username')
    if not isinstance(name, str) or not name:
        raise ValueError('username must be a non-empty string')
    try:
        encoded = name.encode('utf-8')
    except UnicodeEncodeError:
        raise ValueError('username is not valid Unicode (it holds an unpaired surrogate)') from None
    if len(encoded) > MAX_USERNAME_BYTES:
        raise ValueError(f'username must be at most {MAX_USERNAME_BYTES} bytes of UTF-8')
    return name


def seed_state(seed):
    """murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0."""
    h = seed ^ 0x9E3779B9
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h or 0x6D2B79F5


def random_numbers(count, seed):
    x = seed_state(seed)
    numbers = []
    for _ in range(count):
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        numbers.append(x % ITEM_RANGE)
    return numbers


def render(username, size, seed):
    items = ''.join(f'<li>{n}</li>\n' for n in random_numbers(size, seed))
    return PAGE.substitute(username=username.translate(ESCAPES), size=size, seed=seed, items=items)


def handler(event, context=None):
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    username = username_field(event)
    size = integer_field(event, 'size', 1, MAX_ITEMS)
    seed = integer_field(event, 'seed', 0, MAX_SEED, DEFAULT_SEED)
    html = render(username, size, seed).encode('utf-8')
    return {'html_bytes': len(html), 'crc32': zlib.crc32(html), 'items': size}
