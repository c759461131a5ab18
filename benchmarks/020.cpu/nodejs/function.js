'use strict';
// 020.cpu: counts the primes up to `n` (1..50,000,000) with a sieve of Eratosthenes; CPU-bound.

// A number without a fractional part within [low, high]; the same rule and message in every language.
function integerField(event, key, low, high) {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    const value = event[key];
    if (!Number.isInteger(value) || value < low || value > high) {
        throw new RangeError(`${key} must be an integer between ${low} and ${high}`);
    }
    return value;
}

function countPrimes(n) {
    if (n < 2) {
        return 0;
    }
    const composite = new Uint8Array(n + 1);
    let count = 0;
    for (let p = 2; p <= n; p++) {
        if (composite[p]) {
            continue;
        }
        count++;
        for (let multiple = p * p; multiple <= n; multiple += p) {
            composite[multiple] = 1;
        }
    }
    return count;
}

exports.handler = (event) => {
    const n = integerField(event, 'n', 1, 50000000);
    return { primes: countPrimes(n), n };
};
