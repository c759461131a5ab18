#!/usr/bin/env python3
"""Writes azure-sample.csv: a small synthetic trace in the Azure Functions per-minute invocation-count format.

    python3 resources/traces/generate_azure_sample.py            # rewrites resources/traces/azure-sample.csv
    python3 resources/traces/generate_azure_sample.py --check    # exits 1 when azure-sample.csv differs

Three functions over ten minutes, shaped like the three kinds of rows the real trace is full of: a steady HTTP API,
a queue consumer with a burst, and a timer. The hashes are SHA-256 of made-up names (the real trace's columns are
SHA-256 hashes too). Draws come from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data"), not
from Python's `random`, so the file is the same byte for byte on any machine and Python version.
"""

import argparse
import hashlib
import os
import sys

MINUTES = 10
SEED = 7
MASK = 0xFFFFFFFF
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'azure-sample.csv')


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

    def below(self, n):
        return self.next() % n


def steady_http(random, minute):
    return 30 + random.below(11)  # 30..40 a minute


def bursty_queue(random, minute):
    return 120 + random.below(61) if minute in (4, 5, 6) else random.below(6)  # a burst in minutes 4-6


def timer(random, minute):
    return 0 if minute == 7 else 2  # every 30 s, one minute missed


FUNCTIONS = [('owner-a', 'app-web', 'api', 'http', steady_http),
             ('owner-a', 'app-worker', 'ingest', 'queue', bursty_queue),
             ('owner-b', 'app-cron', 'cleanup', 'timer', timer)]


def sha256(text):
    return hashlib.sha256(('synthetic-' + text).encode()).hexdigest()


def render():
    random = XorShift32(SEED)
    lines = [','.join(['HashOwner', 'HashApp', 'HashFunction', 'Trigger'] + [str(m) for m in range(1, MINUTES + 1)])]
    for owner, app, function, trigger, counts in FUNCTIONS:
        row = [sha256(owner), sha256(app), sha256(function), trigger]
        row += [str(counts(random, minute)) for minute in range(1, MINUTES + 1)]
        lines.append(','.join(row))
    return ('\n'.join(lines) + '\n').encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='compare with the committed file instead of writing')
    parser.add_argument('--output', default=OUTPUT, help='where to write (default: beside this script)')
    args = parser.parse_args()
    content = render()
    if args.check:
        with open(args.output, 'rb') as existing:
            same = existing.read() == content
        print(f'{args.output}: {"up to date" if same else "differs from the generator output"}')
        return 0 if same else 1
    with open(args.output, 'wb') as target:
        target.write(content)
    print(f'wrote {len(FUNCTIONS)} functions x {MINUTES} minutes, {len(content)} bytes to {args.output}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
