"""311.compression: zlib-compresses `size` bytes of seeded, text-like data at level 6 (SeBS compression).

The input is built the same way in every language from the suite's xorshift32 generator (benchmarks/README.md,
"Seeded data"): a pool of up to 256 KiB of words, then chunks of 256..4096 bytes copied from random places in the
pool until `size` bytes exist. `input_bytes` and `input_crc32` therefore agree across languages; `compressed_bytes`
agrees between C++ and Python (both use the system zlib) and is close for Node.js, which bundles its own zlib.
"""

import math
import zlib

MAX_BYTES = 64 * 1024 * 1024
MAX_SEED = 0xFFFFFFFF
DEFAULT_SEED = 42
LEVEL = 6
POOL_BYTES = 256 * 1024
MIN_CHUNK = 256
CHUNK_SPAN = 3841  # chunk lengths are MIN_CHUNK + next() % CHUNK_SPAN, i.e. 256..4096
MASK = 0xFFFFFFFF

# 64 words, so one draw picks a word with its low 6 bits and a line break with the next 4.
WORDS = (
    'the serverless function scales from zero when requests arrive and the platform routes each event to an '
    'instance cold start latency depends on image size runtime language memory limit and network warm requests '
    'reuse the container while the autoscaler watches concurrency per pod queue proxy activator revision traffic '
    'split benchmark workload payload trace span zipkin header gateway broker trigger channel sink source deploy '
    'metrics'
).split(' ')


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


class XorShift32:
    def __init__(self, seed):
        # murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
        h = seed ^ 0x9E3779B9
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & MASK
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & MASK
        h ^= h >> 16
        self.state = h or 0x6D2B79F5

    def next(self):
        x = self.state
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        self.state = x
        return x


def word_pool(random, length):
    """Words separated by a space, or a line break one time in sixteen, cut to exactly `length` bytes."""
    parts = []
    total = 0
    while total < length:
        r = random.next()
        part = WORDS[r & 63] + ('\n' if (r >> 6) & 15 == 0 else ' ')
        parts.append(part)
        total += len(part)
    return ''.join(parts).encode('ascii')[:length]


def seeded_data(size, seed):
    """Chunks copied from the pool: text-like redundancy without paying a draw per word for 64 MiB."""
    random = XorShift32(seed)
    pool = word_pool(random, min(size, POOL_BYTES))
    chunks = [pool]
    total = len(pool)
    while total < size:
        offset = random.next() % len(pool)
        length = MIN_CHUNK + random.next() % CHUNK_SPAN
        chunk = pool[offset:offset + length]
        chunks.append(chunk)
        total += len(chunk)
    return b''.join(chunks)[:size]


def rounded(value):
    """floor(x * 1e4 + 0.5) / 1e4 in every language: the same IEEE operations give the same double."""
    return math.floor(value * 10000 + 0.5) / 10000


def handler(event, context=None):
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    size = integer_field(event, 'size', 1, MAX_BYTES)
    seed = integer_field(event, 'seed', 0, MAX_SEED, DEFAULT_SEED)
    data = seeded_data(size, seed)
    compressed = zlib.compress(data, LEVEL)
    return {
        'input_bytes': len(data),
        'input_crc32': zlib.crc32(data),
        'compressed_bytes': len(compressed),
        'ratio': rounded(len(data) / len(compressed)),
    }
