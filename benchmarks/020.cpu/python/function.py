"""020.cpu: counts the primes up to `n` (1..50,000,000) with a sieve of Eratosthenes; CPU-bound."""

import math


def integer_field(event, key, low, high):
    """A number without a fractional part within [low, high]; the same rule and message in every language."""
    if not isinstance(event, dict):
        raise TypeError('expected a JSON object')
    value = event.get(key)
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not number or value != int(value) or not low <= value <= high:
        raise ValueError(f'{key} must be an integer between {low} and {high}')
    return int(value)


def count_primes(n):
    if n < 2:
        return 0
    # One byte per number; slice assignment crosses out a prime's multiples at C speed.
    sieve = bytearray([1]) * (n + 1)
    sieve[0] = sieve[1] = 0
    for p in range(2, math.isqrt(n) + 1):
        if sieve[p]:
            sieve[p * p::p] = bytes(len(range(p * p, n + 1, p)))
    return sum(sieve)


def handler(event, context=None):
    n = integer_field(event, 'n', 1, 50_000_000)
    return {'primes': count_primes(n), 'n': n}
