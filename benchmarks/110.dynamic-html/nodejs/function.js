// 110.dynamic-html: renders an HTML page for `username` with `size` seeded random numbers (SeBS dynamic-html).
//
// The numbers come from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data") and the page text is
// byte-for-byte the same in C++, Python and Node.js, so `html_bytes` and `crc32` agree across languages.
'use strict';

const zlib = require('zlib');

const MAX_ITEMS = 100000;
const MAX_USERNAME_BYTES = 1024;
const MAX_SEED = 0xffffffff;
const DEFAULT_SEED = 42;
const ITEM_RANGE = 1000000;

const page = ({ username, size, seed, items }) => `<!DOCTYPE html>
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
`;

// The same five replacements in every language (Python's html.escape with quote=True).
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

// The rule every language applies: a finite number without a fractional part, within [low, high].
function integerField(event, key, low, high, fallback) {
    const value = event[key] === undefined || event[key] === null ? fallback : event[key];
    if (value === undefined) {
        throw new RangeError(`${key} is required (an integer between ${low} and ${high})`);
    }
    if (!Number.isInteger(value)) {
        throw new TypeError(`${key} must be an integer, got ${JSON.stringify(value)}`);
    }
    if (value < low || value > high) {
        throw new RangeError(`${key} must be between ${low} and ${high}, got ${value}`);
    }
    return value;
}

function usernameField(event) {
    const name = event.username;
    if (typeof name !== 'string' || name.length === 0) {
        throw new TypeError('username must be a non-empty string');
    }
    if (!name.isWellFormed()) {
        throw new RangeError('username is not valid Unicode (it holds an unpaired surrogate)');
    }
    if (Buffer.byteLength(name, 'utf8') > MAX_USERNAME_BYTES) {
        throw new RangeError(`username must be at most ${MAX_USERNAME_BYTES} bytes of UTF-8`);
    }
    return name;
}

// murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
function seedState(seed) {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    return (h >>> 0) || 0x6d2b79f5;
}

function randomNumbers(count, seed) {
    let x = seedState(seed);
    const numbers = new Array(count);
    for (let i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        numbers[i] = x % ITEM_RANGE;
    }
    return numbers;
}

function render(username, size, seed) {
    const items = randomNumbers(size, seed).map((n) => `<li>${n}</li>\n`).join('');
    return page({ username: escapeHtml(username), size, seed, items });
}

exports.handler = (event) => {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    const username = usernameField(event);
    const size = integerField(event, 'size', 1, MAX_ITEMS);
    const seed = integerField(event, 'seed', 0, MAX_SEED, DEFAULT_SEED);
    const html = Buffer.from(render(username, size, seed), 'utf8');
    return { html_bytes: html.length, crc32: zlib.crc32(html), items: size };
};
