#!/usr/bin/env python3
"""Writes tweets.csv: synthetic, tweet-like customer messages for the 600.sentiment batch scenario.

    python3 resources/datasets/generate_tweets.py            # rewrites resources/datasets/tweets.csv
    python3 resources/datasets/generate_tweets.py --check    # exits 1 when tweets.csv differs from a fresh run

The same seed gives the same file byte for byte on any machine: draws come from the suite's xorshift32 generator
(benchmarks/README.md, "Seeded data"), not from Python's `random`, whose algorithms may change between versions.
The row count mirrors the 14,670 tweets of the Knative + Benthos batch demo that motivated the scenario.
"""

import argparse
import csv
import datetime
import io
import os
import sys

ROWS = 14_670
SEED = 14_670
FIRST_ID = 1
START = datetime.datetime(2024, 2, 1, 6, 0, 0, tzinfo=datetime.timezone.utc)
MAX_GAP_SECONDS = 180
MASK = 0xFFFFFFFF
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tweets.csv')

ACCOUNTS = ['@NimbusAir', '@CirrusRail', '@StratoCloud', '@AltoBank', '@CumulusMobile', '@ZephyrFoods']
SUBJECTS = {
    '@NimbusAir': ['flight', 'crew', 'gate agent', 'seat', 'boarding', 'connection', 'bag', 'app'],
    '@CirrusRail': ['train', 'conductor', 'ticket', 'platform change', 'wifi', 'seat', 'refund'],
    '@StratoCloud': ['deploy', 'dashboard', 'function', 'support ticket', 'cold start', 'bill', 'API'],
    '@AltoBank': ['transfer', 'card', 'app', 'branch', 'support line', 'statement', 'loan'],
    '@CumulusMobile': ['signal', 'data plan', 'phone', 'store', 'roaming', 'bill', 'support chat'],
    '@ZephyrFoods': ['delivery', 'order', 'driver', 'pizza', 'coffee', 'app', 'refund'],
}
POSITIVE = [
    'the {s} was great, thank you!', 'love the new {s}', 'really friendly {s} today', 'smooth {s}, no complaints',
    'thanks for the quick help with my {s}', 'the {s} was awesome as always', 'best {s} I have had in years',
    'so happy with the {s}', 'impressed by how fast the {s} was', 'your {s} team is wonderful',
    'not bad at all, the {s} was on time', 'appreciate the help, {s} fixed', 'great job on the {s} update',
]
NEGATIVE = [
    'my {s} was delayed again', 'worst {s} ever', 'the {s} is broken and nobody cares', 'still waiting on my {s}',
    'terrible {s}, really disappointed', 'lost my {s} and no answer for 3 days', 'rude staff at the {s}',
    'why is the {s} so slow', '{s} cancelled with no warning', 'not happy with the {s} at all',
    'third time the {s} failed this week', 'the {s} is a nightmare', 'stuck for 2 hours because of the {s}',
    'I hate how confusing the {s} is', 'the {s} was not good, not good at all', 'ridiculous {s} problems again',
    'they told me "just wait" about my {s}, unacceptable',
]
NEUTRAL = [
    'what time does the {s} open tomorrow?', 'is the {s} running on the holiday schedule?',
    'can I change my {s} online?', 'how do I update the {s} details', 'any news about the {s}?',
    'checking in about the {s} from yesterday', 'does the {s} work abroad?', 'where can I find the {s} info',
]
OPENERS = ['', '', '', 'Hey ', 'Hi ', 'Ok so ', 'Honestly ', 'Just saying, ', 'Wow, ', 'Update: ']
CLOSERS = ['', '', '', ' #travel', ' #fail', ' #customerservice', ' #thanks', ' http://t.co/x7Qp2', ' :)', ' :(',
           ' \U0001F44D', ' \U0001F621', ' \u2708\ufe0f', ' ...', '!!', ' lol']
HANDLE_WORDS = ['sky', 'rail', 'cloud', 'jet', 'coffee', 'night', 'blue', 'happy', 'grumpy', 'city', 'data', 'fox',
                'owl', 'wave', 'pixel', 'retro', 'urban', 'nomad', 'sunny', 'code']


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

    def pick(self, items):
        return items[self.next() % len(items)]


def handle(random):
    return f'{random.pick(HANDLE_WORDS)}_{random.pick(HANDLE_WORDS)}{random.next() % 100}'


def text(random):
    """About half negative, a quarter positive, a quarter neutral, like customer-service timelines."""
    account = random.pick(ACCOUNTS)
    roll = random.next() % 4
    templates = NEGATIVE if roll < 2 else POSITIVE if roll == 2 else NEUTRAL
    body = random.pick(templates).format(s=random.pick(SUBJECTS[account]))
    opener = random.pick(OPENERS)
    if opener:
        body = opener + body
    else:
        body = body[0].upper() + body[1:]
    return f'{account} {body}{random.pick(CLOSERS)}'


def rows():
    random = XorShift32(SEED)
    moment = START
    for index in range(ROWS):
        moment += datetime.timedelta(seconds=random.next() % MAX_GAP_SECONDS)
        yield [FIRST_ID + index, handle(random), moment.strftime('%Y-%m-%dT%H:%M:%SZ'), text(random)]


def render():
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(['id', 'user', 'created_at', 'text'])
    writer.writerows(rows())
    return out.getvalue().encode('utf-8')


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
    print(f'wrote {ROWS} rows, {len(content)} bytes to {args.output}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
