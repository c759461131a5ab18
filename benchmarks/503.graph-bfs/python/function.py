"""503.graph-bfs: breadth-first search from node 0 over a seeded random graph.

The graph has `size` nodes and 2 * size undirected edges (average degree 4). Edge k joins u = next() % size and
v = next() % size, drawn from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data"), so the C++,
Python and Node.js handlers build the same graph and report the same counts for the same input.
"""

import math
from array import array

MAX_NODES = 1_000_000
MAX_SEED = 0xFFFFFFFF
DEFAULT_SEED = 42
EDGES_PER_NODE = 2
MASK = 0xFFFFFFFF


def integer_field(event, key, low, high, default=None):
    """The rule every language applies: a finite number without a fractional part, within [low, high]."""
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    value = event.get(key, default)
    if value is None:
        raise ValueError(f'{key} is required (an integer between {low} and {high})')
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value):
        raise ValueError(f'{key} must be an integer, got {value!r}')
    if not low <= value <= high:
        raise ValueError(f'{key} must be between {low} and {high}, got {int(value)}')
    return int(value)


def seed_state(seed):
    """murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0."""
    h = seed ^ 0x9E3779B9
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h or 0x6D2B79F5


def random_edges(n, seed):
    """Both endpoint arrays; the xorshift32 step is inlined because a call per draw doubles the run time."""
    m = EDGES_PER_NODE * n
    src = array('i', bytes(4 * m))
    dst = array('i', bytes(4 * m))
    x = seed_state(seed)
    for k in range(m):
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        src[k] = x % n
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        dst[k] = x % n
    return src, dst


def adjacency(n, src, dst):
    """Compressed sparse rows: one flat array of neighbours, so a million nodes stay within tens of megabytes."""
    offsets = array('i', bytes(4 * (n + 1)))
    for u in src:
        offsets[u + 1] += 1
    for v in dst:
        offsets[v + 1] += 1
    for i in range(n):
        offsets[i + 1] += offsets[i]
    cursor = array('i', offsets[:n])
    neighbours = array('i', bytes(4 * len(src) * 2))
    for u, v in zip(src, dst):
        neighbours[cursor[u]] = v
        cursor[u] += 1
        neighbours[cursor[v]] = u
        cursor[v] += 1
    return offsets, neighbours


def bfs(n, offsets, neighbours):
    """Level by level, so the number of levels falls out without storing a distance per node."""
    seen = bytearray(n)
    seen[0] = 1
    frontier = [0]
    visited = 1
    levels = 0
    while frontier:
        levels += 1
        following = []
        for u in frontier:
            for v in neighbours[offsets[u]:offsets[u + 1]]:
                if not seen[v]:
                    seen[v] = 1
                    following.append(v)
        visited += len(following)
        frontier = following
    return visited, levels


def handler(event, context=None):
    n = integer_field(event, 'size', 1, MAX_NODES)
    seed = integer_field(event, 'seed', 0, MAX_SEED, DEFAULT_SEED)
    src, dst = random_edges(n, seed)
    offsets, neighbours = adjacency(n, src, dst)
    visited, levels = bfs(n, offsets, neighbours)
    return {'nodes': n, 'edges': len(src), 'visited': visited, 'levels': levels}
